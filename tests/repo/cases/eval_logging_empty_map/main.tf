# count = length(keys(var.logging)) > 0 ? 1 : 0 with logging = {}: Terraform
# creates no logging configuration, so the bucket does not log.
provider "aws" {
  region = "eu-central-1"
}

variable "logging" {
  type    = map(string)
  default = {}
}

variable "versioning" {
  type    = map(string)
  default = { status = "Enabled" }
}

resource "aws_s3_bucket" "data" {
  bucket = "eval-data"
}

resource "aws_s3_bucket_logging" "data" {
  count         = length(keys(var.logging)) > 0 ? 1 : 0
  bucket        = aws_s3_bucket.data.id
  target_bucket = lookup(var.logging, "target_bucket", null)
  target_prefix = "logs/"
}

resource "aws_s3_bucket_versioning" "data" {
  count  = length(keys(var.versioning)) > 0 ? 1 : 0
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = var.versioning["status"]
  }
}

variable "log_buckets" {
  type = list(string)
}

resource "aws_s3_bucket" "unsure" {
  bucket = "eval-unsure"
}

resource "aws_s3_bucket_logging" "unsure" {
  count         = length(var.log_buckets)
  bucket        = aws_s3_bucket.unsure.id
  target_bucket = "eval-logs"
}
