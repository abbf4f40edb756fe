resource "aws_ebs_volume" "a" {
  size = 1
  encrypted = 
}
