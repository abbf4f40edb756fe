provider "aws" {
  region = "eu-central-1"
}

# No default and no .tfvars: only the pipeline (or apply) knows these.
variable "admin_cidrs" {
  type = list(string)
}

variable "enc" {
  type = bool
}

variable "trail_key" {
  type = string
}

resource "aws_security_group" "admin" {
  name = "admin"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}

resource "aws_security_group" "mixed" {
  name = "mixed"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", var.admin_cidrs[0]]
  }
}

resource "aws_security_group" "known" {
  name = "known"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = var.enc
}

resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = "logs"
  kms_key_id     = var.trail_key
}
