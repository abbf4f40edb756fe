provider "aws" {
  region = "eu-west-1"
}

resource "aws_ebs_volume" "disk" {
  for_each          = { logs = true, scratch = false }
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = each.value
}

resource "aws_ebs_volume" "none" {
  count             = 0
  availability_zone = "eu-west-1a"
  size              = 10
}
