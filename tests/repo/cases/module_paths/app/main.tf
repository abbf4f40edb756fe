module "up" {
  source = "../../../../../../../../../../../../etc"
}
module "abs" {
  source = "/etc"
}
resource "aws_ebs_volume" "app" {
  size      = 1
  encrypted = true
}
