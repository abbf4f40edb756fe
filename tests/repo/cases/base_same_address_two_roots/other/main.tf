provider "aws" { region = "eu-central-1" }
resource "aws_ebs_volume" "a" {
  availability_zone = "eu-central-1a"
  size = 10
}
