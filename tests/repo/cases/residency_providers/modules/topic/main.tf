terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.second]
    }
  }
}

resource "aws_sns_topic" "this" {
  provider = aws.second
  name     = "events"
}
