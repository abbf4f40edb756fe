provider "aws" {
  region = "eu-central-1"
}

module "prefixed" {
  source = "./sg"
  name   = "prefixed"
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = "0.0.0.0/0,10.0.0.0/8" },
  ]
}

module "fixed_open" {
  source          = "./sg"
  name            = "fixed-open"
  use_name_prefix = false
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = "0.0.0.0/0" },
  ]
}

module "private" {
  source              = "./sg"
  name                = "private"
  ingress_cidr_blocks = ["10.0.0.0/8"]
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp" },
  ]
}

variable "vpc_cidr" {
  type = string
}

# One rule's networks are known only at apply; the known rule already opens 5432
# to the internet, so the group fails whatever the other rule holds.
module "mixed" {
  source = "./sg"
  name   = "mixed"
  ingress_with_cidr_blocks = [
    { rule = "https-443-tcp", cidr_blocks = var.vpc_cidr },
    { rule = "postgresql-tcp", cidr_blocks = "0.0.0.0/0" },
  ]
}

module "mixed_closed" {
  source = "./sg"
  name   = "mixed-closed"
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = var.vpc_cidr },
    { rule = "https-443-tcp", cidr_blocks = "10.0.0.0/8" },
  ]
}
