variable "env" {
  default = "prod"
}

locals {
  prefix = "acme-${var.env}"
}

provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

resource "aws_s3_bucket" "good" {
  bucket = "${local.prefix}-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "good" {
  bucket = aws_s3_bucket.good.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "good" {
  bucket                  = aws_s3_bucket.good.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "good" {
  bucket = aws_s3_bucket.good.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "bad" {
  provider = aws.virginia
  bucket   = "acme-open"
}

resource "aws_kms_key" "k" {
  enable_key_rotation = true
}

resource "aws_kms_key" "norotate" {
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "eu-central-1a"
  size              = 10
}

resource "aws_ebs_volume" "waived" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=aws.ebs.volume-encrypted scratch disk for CI caches, no personal data
}

resource "aws_ebs_volume" "noreason" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=aws.ebs.volume-encrypted
}

resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_db_instance" "db" {
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  storage_encrypted       = true
  backup_retention_period = 14
}

module "disk" {
  source    = "../modules/disk"
  encrypted = true
}
