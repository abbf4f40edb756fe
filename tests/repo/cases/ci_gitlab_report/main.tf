resource "aws_s3_bucket" "logs" {
  bucket = "ci-gitlab-report-logs"
}
