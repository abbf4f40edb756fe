terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "~> 6.0" }
  }
}

provider "google" {
  project = "brauwerk-telemetry"
  region  = "europe-west3"
}

resource "google_kms_key_ring" "telemetry" {
  name     = "brauwerk"
  location = "europe-west3"
}

resource "google_kms_crypto_key" "telemetry" {
  name            = "telemetry"
  key_ring        = google_kms_key_ring.telemetry.id
  rotation_period = "7776000s" # 90 days
}

resource "google_storage_bucket" "telemetry_raw" {
  name                        = "brauwerk-telemetry-raw"
  location                    = "EUROPE-WEST3"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = google_kms_crypto_key.telemetry.id
  }

  logging {
    log_bucket = "brauwerk-access-logs"
  }

  retention_policy {
    retention_period = 2592000 # 30 days
  }

  # Live objects and old versions alike are deleted after 400 days.
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = 400
    }
  }
}

# The brewery's US importer pulls price lists from here.
resource "google_storage_bucket" "price_lists" {
  name                        = "brauwerk-price-lists"
  location                    = "US"
  uniform_bucket_level_access = true
}

resource "google_compute_firewall" "rdp_from_anywhere" {
  name          = "allow-rdp-anywhere"
  network       = "brauwerk"
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}
