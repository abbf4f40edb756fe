resource "aws_dynamodb_table" "good" {
  name = "good"
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "bad" {
  name = "bad"
}

resource "aws_cloudtrail" "good" {
  name                       = "good"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:eu-central-1:111122223333:key/abc"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-central-1:111122223333:log-group:ct:*"
}

resource "aws_cloudtrail" "bad" {
  name = "bad"
}

resource "aws_lambda_function" "good" {
  function_name = "good"
  runtime       = "python3.12"
  environment {
    variables = {
      LOG_LEVEL = "info"
    }
  }
}

resource "aws_lambda_function" "bad" {
  function_name = "bad"
  runtime       = "python3.7"
  environment {
    variables = {
      DB_PASSWORD = "do-not-commit-me"
    }
  }
}

resource "aws_sqs_queue" "good" {
  name = "good"
}

resource "aws_sqs_queue" "bad" {
  name                    = "bad"
  sqs_managed_sse_enabled = false
}

resource "aws_sns_topic" "good" {
  name              = "good"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic" "bad" {
  name = "bad"
}

resource "aws_efs_file_system" "good" {
  encrypted = true
}

resource "aws_efs_file_system" "bad" {
}

resource "aws_ecr_repository" "good" {
  name                 = "good"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_repository" "bad" {
  name = "bad"
}

resource "aws_instance" "good" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_instance" "bad" {
  ami           = "ami-123"
  instance_type = "t3.micro"
}

resource "aws_rds_cluster" "good" {
  cluster_identifier      = "good"
  storage_encrypted       = true
  deletion_protection     = true
  backup_retention_period = 14
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "bad"
}

resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOT
}

resource "aws_iam_policy" "narrow" {
  name   = "narrow"
  policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
EOT
}

resource "aws_security_group" "db" {
  name = "db"
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "all" {
  name = "all"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
