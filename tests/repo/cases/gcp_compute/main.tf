provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
  zone    = "europe-west3-b"
}

resource "google_service_account" "app" {
  account_id = "app"
}

# Hardened: no external IP, own service account, OS Login, Shielded VM, confidential.
resource "google_compute_instance" "good" {
  name         = "good"
  machine_type = "n2d-standard-2"
  zone         = "europe-west3-a"
  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "true"
  }
  boot_disk {
    kms_key_self_link = "projects/shop-prod/locations/europe-west3/keyRings/r/cryptoKeys/k"
    initialize_params {
      image = "debian-12"
    }
  }
  network_interface {
    network = "shop"
  }
  service_account {
    email  = google_service_account.app.email
    scopes = ["cloud-platform"]
  }
  shielded_instance_config {
    enable_secure_boot = true
  }
  confidential_instance_config {
    enable_confidential_compute = true
  }
}

# Defaults: ephemeral external IP, default service account with full API access,
# serial port on, IP forwarding, in Iowa.
resource "google_compute_instance" "bad" {
  name           = "bad"
  machine_type   = "e2-small"
  zone           = "us-central1-a"
  can_ip_forward = true
  metadata = {
    serial-port-enable = "TRUE"
  }
  boot_disk {
    initialize_params {
      image = "debian-12"
    }
  }
  network_interface {
    network = "default"
    access_config {}
  }
  service_account {
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }
  shielded_instance_config {
    enable_vtpm = false
  }
}

# No zone of its own: the provider's zone places it.
resource "google_compute_instance" "placed" {
  name         = "placed"
  machine_type = "e2-small"
  boot_disk {}
  network_interface {
    network = "shop"
  }
}

resource "google_compute_disk" "cmek" {
  name = "cmek"
  zone = "europe-west3-a"
  disk_encryption_key {
    kms_key_self_link = "projects/shop-prod/locations/europe-west3/keyRings/r/cryptoKeys/k"
  }
}

resource "google_compute_disk" "plain" {
  name = "plain"
  zone = "asia-east1-a"
}

# A regional disk replicated into Zurich: outside the EU and EEA.
resource "google_compute_region_disk" "replicated" {
  name          = "replicated"
  region        = "europe-west3"
  replica_zones = ["europe-west3-a", "europe-west6-a"]
  disk_encryption_key {
    kms_key_name = "projects/shop-prod/locations/europe-west3/keyRings/r/cryptoKeys/k"
  }
}

resource "google_compute_firewall" "ssh_open" {
  name    = "ssh-open"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["0.0.0.0/0"]
}

# No source at all: Google admits every address; RDP and PostgreSQL by range.
resource "google_compute_firewall" "rdp_default_source" {
  name    = "rdp"
  network = "projects/shop-prod/global/networks/default"
  allow {
    protocol = "tcp"
    ports    = ["3389", "5000-5500"]
  }
}

resource "google_compute_firewall" "all_open" {
  name    = "all"
  network = "default"
  allow {
    protocol = "all"
  }
  source_ranges = ["::/0"]
}

resource "google_compute_firewall" "internal" {
  name    = "internal"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22", "5432"]
  }
  source_ranges = ["10.0.0.0/8"]
  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "by_tag" {
  name        = "by-tag"
  network     = "default"
  source_tags = ["bastion"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
