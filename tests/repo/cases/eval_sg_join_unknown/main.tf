# A rule whose group is not known before apply may belong to any group here:
# the group's rules are unknown, never "no rules".
provider "aws" {
  region = "eu-central-1"
}

variable "group_id" {
  type = string
}

resource "aws_security_group" "maybe" {
  name = "maybe"
}

resource "aws_security_group_rule" "somewhere" {
  type              = "ingress"
  security_group_id = var.group_id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
