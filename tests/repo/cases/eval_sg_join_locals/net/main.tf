resource "aws_security_group" "this" {
  name = "net"
}

output "group_id" {
  value = aws_security_group.this.id
}
