provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

# Hardened: uniform access, prevention enforced, CMEK, versioning, retention, logging.
resource "google_storage_bucket" "good" {
  name                        = "shop-good"
  location                    = "europe-west3"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  encryption {
    default_kms_key_name = "projects/shop-prod/locations/europe-west3/keyRings/r/cryptoKeys/k"
  }
  versioning {
    enabled = true
  }
  retention_policy {
    retention_period = 2592000
  }
  logging {
    log_bucket = "shop-logs"
  }
}

# Everything left to the defaults, in the US multi-region, readable by everyone.
resource "google_storage_bucket" "bad" {
  name     = "shop-bad"
  location = "US"
}

resource "google_storage_bucket_iam_member" "everyone" {
  bucket = google_storage_bucket.bad.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket_acl" "public" {
  bucket      = "shop-bad"
  role_entity = ["READER:allUsers"]
}

# A configurable dual-region: EU, with copies in Frankfurt and London.
resource "google_storage_bucket" "dual" {
  name                        = "shop-dual"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  custom_placement_config {
    data_locations = ["EUROPE-WEST3", "EUROPE-WEST2"]
  }
}

# Binding to a bucket given by a variable: any bucket of the module may be the one.
variable "shared_bucket" {}

resource "google_storage_bucket_iam_binding" "shared" {
  bucket  = var.shared_bucket
  role    = "roles/storage.objectViewer"
  members = ["allAuthenticatedUsers"]
}
