# No provider block: the region comes from the environment at apply.
resource "aws_kms_key" "data" {
  enable_key_rotation = true
}
