provider "aws" {
  region = "eu-central-1"
}

module "s3_bucket" {
  source = "../../modules/bucket"
  name   = "a"
}
