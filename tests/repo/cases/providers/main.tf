terraform {
  required_providers {
    aws        = { source = "hashicorp/aws", version = "~> 5.0" }
    datadog    = { source = "DataDog/datadog" }
    cloudflare = { source = "registry.terraform.io/cloudflare/cloudflare" }
    random     = { version = "~> 3.0" }
  }
}

provider "aws" {
  region = "eu-central-1"
}

provider "datadog" {
  api_url = "https://api.datadoghq.eu/"
}
