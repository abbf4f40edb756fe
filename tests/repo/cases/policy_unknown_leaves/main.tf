provider "aws" {
  region = "eu-central-1"
}

variable "actions" {
  type = list(string)
}

resource "aws_s3_bucket" "x" {
  bucket = "x"
}

# Action is not "*": no administrator access, whatever the Resource turns out to be.
resource "aws_iam_policy" "heredoc_scoped" {
  name   = "heredoc-scoped"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": ["${aws_s3_bucket.x.arn}", "${aws_s3_bucket.x.arn}/*"]
    }
  ]
}
POLICY
}

resource "aws_iam_policy" "jsonencode_scoped" {
  name = "jsonencode-scoped"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:ListBucket"
      Resource = aws_s3_bucket.x.arn
    }]
  })
}

# Action and Resource "*" are known: administrator access whatever else is unknown.
resource "aws_iam_policy" "jsonencode_admin" {
  name = "jsonencode-admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.x.arn },
      { Effect = "Allow", Action = "*", Resource = "*" },
    ]
  })
}

# Whether Action is "*" is open: undetermined, never a pass.
resource "aws_iam_policy" "actions_open" {
  name = "actions-open"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}

resource "aws_iam_policy" "heredoc_action_open" {
  name   = "heredoc-action-open"
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Action": "${var.actions[0]}", "Resource": "*"}]}
POLICY
}
