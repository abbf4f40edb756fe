# Terraform converts strings at assignment: from_port = "443" is 443 (not 0-65535),
# encrypted = "true" is true; a string that is no number is not a default.
provider "aws" {
  region = "eu-central-1"
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = "443"
    to_port     = "443"
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "garbled" {
  name = "garbled"
  ingress {
    from_port   = "ssh"
    to_port     = "ssh"
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ebs_volume" "quoted" {
  availability_zone = "eu-central-1a"
  size              = "10"
  encrypted         = "true"
}
