provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

provider "aws" {
  alias  = "configured"
  region = var.region
}

provider "aws" {
  alias  = "later"
  region = var.decided_at_apply
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "decided_at_apply" {
  type = string
}

resource "aws_s3_bucket" "home" {
  bucket = "home"
}

resource "aws_s3_bucket" "abroad" {
  provider = aws.us
  bucket   = "abroad"
}

resource "aws_s3_bucket" "from_tfvars" {
  provider = aws.configured
  bucket   = "from-tfvars"
}

resource "aws_s3_bucket" "unknown" {
  provider = aws.later
  bucket   = "unknown"
}

module "inherits" {
  source = "./modules/queue"
}

module "passed" {
  source = "./modules/queue"
  providers = {
    aws = aws.us
  }
}

module "aliased" {
  source = "./modules/topic"
  providers = {
    aws        = aws
    aws.second = aws.configured
  }
}

module "not_passed" {
  source = "./modules/topic"
}
