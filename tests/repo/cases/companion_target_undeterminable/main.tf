provider "aws" {
  region = "eu-central-1"
}

variable "pick" {
  type = number
}

module "grp" {
  source = "./grp"
  which  = var.pick
}

resource "aws_s3_bucket" "logs" {
  count  = 2
  bucket = "logs-${count.index}"
}

# A companion whose bucket is chosen at apply: each bucket's encryption and
# public access block are unknown, never the defaults.
resource "aws_s3_bucket_server_side_encryption_configuration" "pick" {
  bucket = element(aws_s3_bucket.logs.*.id, var.pick)
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "pick" {
  bucket                  = aws_s3_bucket.logs[var.pick].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
