provider "aws" {
  region = "eu-central-1"
}

resource "aws_ebs_volume" "from_tfvars" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = var.encrypt
}

resource "aws_ebs_volume" "conditional" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = var.env == "prod" ? true : false
}

resource "aws_ebs_volume" "disabled_outside_dev" {
  count             = var.env == "dev" ? 1 : 0
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "no_instances" {
  for_each          = {}
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "count_known_at_apply" {
  count             = length(var.zones)
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "one_instance" {
  count             = 1
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = !var.encrypt
}
