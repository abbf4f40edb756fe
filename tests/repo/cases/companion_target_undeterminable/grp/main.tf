# Which group the rule configures depends on a value known only at apply: both
# groups of this module instance may get it.
variable "which" {
  type = number
}

resource "aws_security_group" "a" {
  name = "a"
}

resource "aws_security_group" "b" {
  name = "b"
}

resource "aws_security_group_rule" "db" {
  type              = "ingress"
  security_group_id = element([aws_security_group.a.id, aws_security_group.b.id], var.which)
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
