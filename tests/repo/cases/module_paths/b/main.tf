module "a" {
  source = "../a"
}
resource "aws_ebs_volume" "b" {
  size      = 1
  encrypted = true
}
