resource "aws_ebs_volume" "ok" {
  availability_zone = "eu-central-1a"
  encrypted         = true
}
