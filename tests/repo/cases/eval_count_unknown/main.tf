# A count or for_each over a value not known before apply: how many instances
# exist is unknown, so each control on the block reports error, not one instance.
provider "aws" {
  region = "eu-central-1"
}

variable "volumes" {
  type = number
}

variable "names" {
  type = set(string)
}

resource "aws_ebs_volume" "counted" {
  count             = var.volumes
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}

resource "aws_ebs_volume" "each" {
  for_each          = var.names
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "known" {
  count             = length(["a"])
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}
