# An empty string is no value: the trail has neither a KMS key nor CloudWatch Logs.
provider "aws" {
  region = "eu-central-1"
}

resource "aws_cloudtrail" "empty" {
  name                       = "empty"
  s3_bucket_name             = "trail-logs"
  kms_key_id                 = ""
  cloud_watch_logs_group_arn = ""
}

resource "aws_cloudtrail" "set" {
  name                       = "set"
  s3_bucket_name             = "trail-logs"
  kms_key_id                 = "arn:aws:kms:eu-central-1:111122223333:key/1234"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-central-1:111122223333:log-group:trail:*"
}
