# No region on the default provider: Terraform takes it from the environment at apply.
provider "google" {
  project = "shop-prod"
}

provider "google" {
  alias  = "us"
  region = "us-east1"
}

variable "bucket_location" {}

variable "replicas" {
  type = number
}

# Its location is a variable without a value: unknown until apply.
resource "google_storage_bucket" "from_var" {
  name     = "from-var"
  location = var.bucket_location
}

# No region argument and no provider region: unknown, never judged as anywhere.
resource "google_sql_database_instance" "unplaced" {
  name             = "unplaced"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-f1-micro"
  }
}

# The aliased provider's region places it.
resource "google_sql_database_instance" "aliased" {
  provider         = google.us
  name             = "aliased"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-f1-micro"
  }
}

# The module's resources use the configuration the call passes.
module "db" {
  source    = "./modules/db"
  providers = { google = google.us }
}

# How many instances is not known before apply: nothing of them is judged.
resource "google_kms_key_ring" "ring" {
  name     = "ring"
  location = "europe-west3"
}

resource "google_kms_crypto_key" "counted" {
  count    = var.replicas
  name     = "key-${count.index}"
  key_ring = google_kms_key_ring.ring.id
}
