# A tiny tree for the PDF report tests: one encrypted and one unencrypted volume,
# and a bucket whose name tries to inject markup and styles into the report.
resource "aws_ebs_volume" "plain" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "sealed" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}

resource "aws_s3_bucket" "hostile" {
  bucket = "<img src=\"http://127.0.0.1:9/x\"><style>*{display:none}</style>"
}
