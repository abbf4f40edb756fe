variable "encrypted" {
  default = false
}

resource "aws_ebs_volume" "this" {
  availability_zone = "eu-central-1a"
  size              = 1
  encrypted         = var.encrypted
}
