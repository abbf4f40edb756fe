variable "encrypt" {
  default = false
}

variable "env" {
  default = "dev"
}

variable "zones" {
  type = list(string)
}
