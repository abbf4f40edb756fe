# A group module in the style of the public security-group modules: one of two
# counted groups exists, rules find it through a splat, concat() with a literal
# and an index, and take their ports from a named-rules table.
variable "use_name_prefix" {
  default = true
}

variable "name" {
  type = string
}

variable "ingress_cidr_blocks" {
  default = []
}

variable "ingress_with_cidr_blocks" {
  default = []
}

variable "rules" {
  default = {
    "postgresql-tcp" = [5432, 5432, "tcp", "PostgreSQL"]
    "https-443-tcp"  = [443, 443, "tcp", "HTTPS"]
    "_"              = ["", "", ""]
  }
}

locals {
  this_sg_id = var.use_name_prefix ? concat(aws_security_group.this_name_prefix.*.id, [""])[0] : concat(aws_security_group.this.*.id, [""])[0]
  any_sg_id  = concat(aws_security_group.this.*.id, aws_security_group.this_name_prefix.*.id, [""])[0]
}

resource "aws_security_group" "this" {
  count = var.use_name_prefix ? 0 : 1
  name  = var.name
}

resource "aws_security_group" "this_name_prefix" {
  count       = var.use_name_prefix ? 1 : 0
  name_prefix = "${var.name}-"
}

resource "aws_security_group_rule" "ingress_with_cidr_blocks" {
  count = length(var.ingress_with_cidr_blocks)

  security_group_id = local.any_sg_id
  type              = "ingress"

  cidr_blocks = compact(split(",", lookup(var.ingress_with_cidr_blocks[count.index], "cidr_blocks", join(",", var.ingress_cidr_blocks))))
  from_port   = lookup(var.ingress_with_cidr_blocks[count.index], "from_port", var.rules[lookup(var.ingress_with_cidr_blocks[count.index], "rule", "_")][0])
  to_port     = lookup(var.ingress_with_cidr_blocks[count.index], "to_port", var.rules[lookup(var.ingress_with_cidr_blocks[count.index], "rule", "_")][1])
  protocol    = lookup(var.ingress_with_cidr_blocks[count.index], "protocol", var.rules[lookup(var.ingress_with_cidr_blocks[count.index], "rule", "_")][2])
}

resource "aws_security_group_rule" "https" {
  security_group_id = local.this_sg_id
  type              = "ingress"
  cidr_blocks       = ["0.0.0.0/0"]
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
}
