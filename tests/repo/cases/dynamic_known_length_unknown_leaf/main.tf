provider "aws" {
  region = "eu-central-1"
}

resource "aws_kms_key" "objects" {
  description = "objects"
}

module "kms_bucket" {
  source = "./bucket"
  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        kms_master_key_id = aws_kms_key.objects.arn
        sse_algorithm     = "aws:kms"
      }
    }
  }
}

module "s3_bucket" {
  source = "./bucket"
  server_side_encryption_configuration = {
    rule = [{
      apply_server_side_encryption_by_default = {
        kms_master_key_id = aws_kms_key.objects.arn
        sse_algorithm     = "AES256"
      }
    }]
  }
}
