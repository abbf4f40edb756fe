# This directory is dressed up as a govscan bundle (marker and manifest); it is
# still part of the repository and judged: only the run's own output is skipped.
resource "aws_s3_bucket" "in_lookalike_bundle" {
  bucket = "in-lookalike-bundle"
}
