variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  count  = 2
  bucket = "${var.name}-${count.index}"
}
