# Inline suppressions are globs matched by RE2: a glob with many stars cannot
# make the scan slow, and shell semantics ([seq], ranges, ?) are kept.

resource "aws_ebs_volume" "globbed" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=aws.ebs.* scratch disk for CI caches
}

resource "aws_ebs_volume" "classed" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=aws.[e]bs.volume-encrypte? build cache
}

resource "aws_ebs_volume" "ranged" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=aws.[a-d]bs.* not this control
}

resource "aws_ebs_volume" "hostile" {
  availability_zone = "eu-central-1a"
  size              = 10
  # govscan:ignore=*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b does not match
}
