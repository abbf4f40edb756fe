# Named like a govscan staging directory: judged all the same.
resource "aws_s3_bucket" "in_lookalike_staging" {
  bucket = "in-lookalike-staging"
}
