provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

resource "google_kms_key_ring" "eu" {
  name     = "eu"
  location = "europe-west3"
}

resource "google_kms_crypto_key" "rotated" {
  name            = "rotated"
  key_ring        = google_kms_key_ring.eu.id
  rotation_period = "7776000s"
}

# No rotation, in a global key ring named by its full name, and decryptable by everyone.
resource "google_kms_crypto_key" "stale" {
  name     = "stale"
  key_ring = "projects/shop-prod/locations/global/keyRings/legacy"
}

resource "google_kms_crypto_key_iam_member" "everyone" {
  crypto_key_id = google_kms_crypto_key.stale.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "allUsers"
}

resource "google_bigquery_dataset" "eu" {
  dataset_id = "analytics"
  location   = "EU"
  default_encryption_configuration {
    kms_key_name = "projects/shop-prod/locations/eu/keyRings/r/cryptoKeys/bq"
  }
  access {
    role          = "OWNER"
    user_by_email = "owner@example.com"
  }
}

# No location: BigQuery puts it in the US multi-region. Shared with every Google account.
resource "google_bigquery_dataset" "default_us" {
  dataset_id = "exports"
  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers"
  }
}

resource "google_container_cluster" "good" {
  name                     = "good"
  location                 = "europe-west3"
  remove_default_node_pool = true
  initial_node_count       = 1
  release_channel {
    channel = "REGULAR"
  }
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
  }
  workload_identity_config {
    workload_pool = "shop-prod.svc.id.goog"
  }
  network_policy {
    enabled = true
  }
  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/shop-prod/locations/europe-west3/keyRings/eu/cryptoKeys/gke"
  }
}

resource "google_container_node_pool" "good" {
  name    = "pool"
  cluster = google_container_cluster.good.id
  node_config {
    service_account = "nodes@shop-prod.iam.gserviceaccount.com"
  }
}

# Defaults, in Iowa, with legacy ABAC and a node pool that never upgrades.
resource "google_container_cluster" "bad" {
  name               = "bad"
  location           = "us-central1-a"
  enable_legacy_abac = true
  node_pool {
    name = "manual"
    management {
      auto_upgrade = false
    }
  }
}

resource "google_secret_manager_secret" "eu" {
  secret_id = "db-password"
  rotation {
    rotation_period    = "2592000s"
    next_rotation_time = "2027-01-01T00:00:00Z"
  }
  topics {
    name = "projects/shop-prod/topics/rotate"
  }
  replication {
    user_managed {
      replicas {
        location = "europe-west3"
      }
      replicas {
        location = "europe-west4"
      }
    }
  }
}

resource "google_secret_manager_secret" "auto" {
  secret_id = "api-key"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "us_copy" {
  secret_id = "token"
  replication {
    user_managed {
      replicas {
        location = "europe-west3"
      }
      replicas {
        location = "us-east1"
      }
    }
  }
}

resource "google_logging_project_bucket_config" "audit" {
  project        = "shop-prod"
  location       = "europe-west3"
  bucket_id      = "audit"
  retention_days = 400
  locked         = true
}

resource "google_logging_project_bucket_config" "global" {
  project   = "shop-prod"
  location  = "global"
  bucket_id = "app"
}

resource "google_project_iam_member" "owner" {
  project = "shop-prod"
  role    = "roles/owner"
  member  = "user:alice@example.com"
}

resource "google_project_iam_binding" "viewers" {
  project = "shop-prod"
  role    = "roles/logging.viewer"
  members = ["group:ops@example.com"]
}

resource "google_project_iam_member" "public" {
  project = "shop-prod"
  role    = "roles/storage.objectViewer"
  member  = "allUsers"
}

resource "google_project_iam_member" "sa_user" {
  project = "shop-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:bob@example.com"
}

# Bob administers the service accounts he may also act as: separation of duties.
resource "google_project_iam_member" "sa_admin" {
  project = "shop-prod"
  role    = "roles/iam.serviceAccountAdmin"
  member  = "user:bob@example.com"
}

resource "google_project_iam_member" "ci_admin" {
  project = "shop-prod"
  role    = "roles/compute.admin"
  member  = "serviceAccount:ci@shop-prod.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "kms_admin" {
  project = "shop-prod"
  role    = "roles/cloudkms.admin"
  member  = "user:carol@example.com"
}

resource "google_project_iam_member" "kms_user" {
  project = "shop-prod"
  role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member  = "user:carol@example.com"
}

resource "google_project_iam_member" "token" {
  project = "shop-prod"
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = "user:dave@example.com"
}
