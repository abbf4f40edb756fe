# Storage limitation (DSGVO Art. 5(1)(e)) of AWS logs and objects in code.

provider "aws" {
  region = "eu-central-1"
}

variable "log_days" {
  type = number
}

variable "object_days" {
  type = number
}

resource "aws_cloudwatch_log_group" "year" {
  name              = "/app/access"
  retention_in_days = 365
}

# Neither set nor 0: the events never expire.
resource "aws_cloudwatch_log_group" "forever" {
  name = "/app/debug"
}

resource "aws_cloudwatch_log_group" "zero" {
  name              = "/app/audit"
  retention_in_days = 0
}

resource "aws_cloudwatch_log_group" "decade" {
  name              = "/app/archive"
  retention_in_days = 3653
}

# Within the maximum, below the security minimum.
resource "aws_cloudwatch_log_group" "week" {
  name              = "/app/metrics"
  retention_in_days = 7
}

resource "aws_cloudwatch_log_group" "from_variable" {
  name              = "/app/tunable"
  retention_in_days = var.log_days
}

resource "aws_s3_bucket" "expiring" {
  bucket = "shop-uploads"
}

resource "aws_s3_bucket_lifecycle_configuration" "expiring" {
  bucket = aws_s3_bucket.expiring.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 365
    }
  }
}

resource "aws_s3_bucket" "forever" {
  bucket = "shop-archive"
}

resource "aws_s3_bucket" "prefixed" {
  bucket = "shop-exports"
}

# Only tmp/ expires: everything else is kept.
resource "aws_s3_bucket_lifecycle_configuration" "prefixed" {
  bucket = aws_s3_bucket.prefixed.id
  rule {
    id     = "tmp"
    status = "Enabled"
    filter {
      prefix = "tmp/"
    }
    expiration {
      days = 7
    }
  }
}

resource "aws_s3_bucket" "disabled" {
  bucket = "shop-reports"
}

resource "aws_s3_bucket_lifecycle_configuration" "disabled" {
  bucket = aws_s3_bucket.disabled.id
  rule {
    id     = "expire"
    status = "Disabled"
    expiration {
      days = 30
    }
  }
}

resource "aws_s3_bucket" "versioned" {
  bucket = "shop-documents"
}

resource "aws_s3_bucket_versioning" "versioned" {
  bucket = aws_s3_bucket.versioned.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "versioned" {
  bucket = aws_s3_bucket.versioned.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {
      prefix = ""
    }
    expiration {
      days = 730
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

resource "aws_s3_bucket" "versions_kept" {
  bucket = "shop-invoices"
}

resource "aws_s3_bucket_versioning" "versions_kept" {
  bucket = aws_s3_bucket.versions_kept.id
  versioning_configuration {
    status = "Enabled"
  }
}

# Current objects expire, but every overwritten or deleted version stays.
resource "aws_s3_bucket_lifecycle_configuration" "versions_kept" {
  bucket = aws_s3_bucket.versions_kept.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 730
    }
  }
}

resource "aws_s3_bucket" "legacy" {
  bucket = "shop-legacy"
  lifecycle_rule {
    id      = "expire"
    enabled = true
    expiration {
      days = 90
    }
  }
}

resource "aws_s3_bucket" "tunable" {
  bucket = "shop-tunable"
}

resource "aws_s3_bucket_lifecycle_configuration" "tunable" {
  bucket = aws_s3_bucket.tunable.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.object_days
    }
  }
}

# Its age is known only in the cloud: the snapshot control judges live snapshots only.
resource "aws_ebs_snapshot" "manual" {
  volume_id = "vol-0123456789abcdef0"
}

variable "expiry_rules" {
  type = map(number)
}

# Which rules exist is known only when the variable is.
resource "aws_s3_bucket" "dynamic_rules" {
  bucket = "shop-dynamic"
}

resource "aws_s3_bucket_lifecycle_configuration" "dynamic_rules" {
  bucket = aws_s3_bucket.dynamic_rules.id
  dynamic "rule" {
    for_each = var.expiry_rules
    content {
      id     = rule.key
      status = "Enabled"
      expiration {
        days = rule.value
      }
    }
  }
}
