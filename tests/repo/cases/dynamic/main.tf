provider "aws" {
  region = "eu-central-1"
}

variable "admin_rules" {
  default = [
    { port = 22, cidr = "0.0.0.0/0" },
    { port = 443, cidr = "10.0.0.0/8" },
  ]
}

locals {
  web_ports = { https = 443, alt = 8443 }
}

resource "aws_security_group" "admin" {
  name = "admin"
  dynamic "ingress" {
    for_each = var.admin_rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
}

resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = local.web_ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

data "aws_ip_ranges" "office" {
  services = ["ec2"]
}

resource "aws_security_group" "from_data" {
  name = "from-data"
  dynamic "ingress" {
    for_each = data.aws_ip_ranges.office.cidr_blocks
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}
