provider "aws" {
  region = "eu-central-1"
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}

# A reference to another resource's attribute: present, value known at apply.
resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = "logs"
  kms_key_id     = aws_kms_key.logs.arn
}

resource "aws_cloudtrail" "plain" {
  name           = "plain"
  s3_bucket_name = "logs"
}

resource "aws_ebs_volume" "copy" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = aws_kms_key.logs.is_enabled
}
