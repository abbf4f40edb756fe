provider "aws" {
  region = "eu-central-1"
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "web_vpc" {
  cidr_block = "172.16.0.0/16"
}

resource "aws_vpc" "zones" {
  count      = 2
  cidr_block = "10.${count.index}.0.0/16"
}

resource "aws_vpc" "given" {
  cidr_block = var.cidr
}

resource "aws_vpc" "ipam" {
  ipv4_ipam_pool_id = "ipam-pool-1"
}

# Known at plan: the referenced block sets cidr_block to a static value.
resource "aws_security_group" "to_vpc" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.web_vpc.cidr_block, aws_vpc.zones[1].cidr_block]
  }
}

# Not known: a variable without a value, an argument the block does not set (the
# provider computes it), an instance index only apply knows.
resource "aws_security_group" "to_given" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.given.cidr_block]
  }
}

resource "aws_security_group" "to_ipam" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.ipam.cidr_block]
  }
}

resource "aws_security_group" "to_some_zone" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.zones[var.cidr].cidr_block]
  }
}

resource "aws_kms_key" "k" {
  description = "objects"
}

# An ARN is computed by the provider: present, never resolved.
resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = "logs"
  kms_key_id     = aws_kms_key.k.arn
}

provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "eu" {
  name     = "eu"
  location = "West Europe"
}

resource "azurerm_storage_account" "in_group" {
  name                = "ingroup"
  resource_group_name = azurerm_resource_group.eu.name
  location            = azurerm_resource_group.eu.location
}

# Companions joined through the bucket's configured name, and by a static name.
resource "aws_s3_bucket" "named" {
  bucket = "named-bucket"
}

resource "aws_s3_bucket_versioning" "named" {
  bucket = aws_s3_bucket.named.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "static" {
  bucket = "static-bucket"
}

resource "aws_s3_bucket_versioning" "static" {
  bucket = "static-bucket"
  versioning_configuration {
    status = "Enabled"
  }
}
