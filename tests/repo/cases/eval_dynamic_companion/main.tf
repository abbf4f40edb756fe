# A dynamic block inside a companion is generated (SSE rule over toset()); a
# dynamic block over an unknown value makes only the fields it could set unknown.
provider "aws" {
  region = "eu-central-1"
}

resource "aws_s3_bucket" "kms" {
  bucket = "eval-kms"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "kms" {
  bucket = aws_s3_bucket.kms.id
  dynamic "rule" {
    for_each = toset(["aws:kms"])
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = rule.value
      }
    }
  }
}

variable "log_targets" {
  type = list(string)
}

resource "aws_s3_bucket" "partly" {
  bucket = "eval-partly"
  versioning {
    enabled = true
  }
  dynamic "logging" {
    for_each = var.log_targets
    content {
      target_bucket = logging.value
    }
  }
}

variable "algorithms" {
  type = set(string)
}

resource "aws_s3_bucket" "open_sse" {
  bucket = "eval-open-sse"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "open_sse" {
  bucket = aws_s3_bucket.open_sse.id
  dynamic "rule" {
    for_each = var.algorithms
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = rule.value
      }
    }
  }
}
