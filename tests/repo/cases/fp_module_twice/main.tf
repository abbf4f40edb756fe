provider "aws" {
  region = "eu-west-1"
}

module "app" {
  source = "./modules/disk"
}

module "batch" {
  source = "./modules/disk"
}

resource "aws_ebs_volume" "root" {
  availability_zone = "eu-west-1a"
  size              = 8
  encrypted         = true
}
