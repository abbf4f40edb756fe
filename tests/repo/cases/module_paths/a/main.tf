module "b" {
  source = "../b"
}
resource "aws_ebs_volume" "a" {
  size = 1
}
