resource "aws_ebs_volume" "ok" {
  size      = 1
  encrypted = true
}
