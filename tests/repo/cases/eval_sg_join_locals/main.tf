# Rules that reach their security group through a local, one(), concat(), try()
# and a module output are joined to it: every group opens a database port.
provider "aws" {
  region = "eu-central-1"
}

locals {
  via_local = aws_security_group.via_local.id
}

resource "aws_security_group" "via_local" {
  name = "via-local"
}

resource "aws_security_group_rule" "via_local" {
  type              = "ingress"
  security_group_id = local.via_local
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group" "via_one" {
  name = "via-one"
}

resource "aws_security_group_rule" "via_one" {
  type              = "ingress"
  security_group_id = one(aws_security_group.via_one[*].id)
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = concat(["0.0.0.0/0"], [])
}

resource "aws_security_group" "via_concat" {
  name = "via-concat"
}

resource "aws_vpc_security_group_ingress_rule" "via_concat" {
  security_group_id = concat([aws_security_group.via_concat.id], [])[0]
  from_port         = 1433
  to_port           = 1433
  ip_protocol       = "tcp"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "via_try" {
  name = "via-try"
}

resource "aws_security_group_rule" "via_try" {
  type              = "ingress"
  security_group_id = try(aws_security_group.via_try.id, null)
  from_port         = 6379
  to_port           = 6379
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

module "net" {
  source = "./net"
}

resource "aws_security_group_rule" "via_module" {
  type              = "ingress"
  security_group_id = module.net.group_id
  from_port         = 27017
  to_port           = 27017
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group" "closed" {
  name = "closed"
}

resource "aws_security_group_rule" "closed" {
  type              = "ingress"
  security_group_id = aws_security_group.closed.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}
