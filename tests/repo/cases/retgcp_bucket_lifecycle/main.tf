provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

variable "days" {
  type = number
}

# Lifecycle Delete rules: which bound every object, and which do not.

resource "google_storage_bucket" "year" {
  name     = "shop-uploads"
  location = "EU"
  lifecycle_rule {
    action {
      type = "SetStorageClass"
      storage_class = "COLDLINE"
    }
    condition {
      age = 30
    }
  }
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = 365
    }
  }
}

resource "google_storage_bucket" "decades" {
  name     = "shop-archive"
  location = "EU"
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = 10950
    }
  }
}

resource "google_storage_bucket" "none" {
  name     = "shop-forever"
  location = "EU"
}

resource "google_storage_bucket" "prefix_only" {
  name     = "shop-tmp"
  location = "EU"
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age            = 7
      matches_prefix = ["tmp/"]
    }
  }
}

resource "google_storage_bucket" "versioned" {
  name     = "shop-docs"
  location = "EU"
  versioning {
    enabled = true
  }
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = 365
    }
  }
}

resource "google_storage_bucket" "versioned_live_only" {
  name     = "shop-docs-live"
  location = "EU"
  versioning {
    enabled = true
  }
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age        = 365
      with_state = "LIVE"
    }
  }
}

resource "google_storage_bucket" "versioned_noncurrent" {
  name     = "shop-docs-old"
  location = "EU"
  versioning {
    enabled = true
  }
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age        = 365
      with_state = "LIVE"
    }
  }
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      days_since_noncurrent_time = 30
    }
  }
}

resource "google_storage_bucket" "from_variable" {
  name     = "shop-var"
  location = "EU"
  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = var.days
    }
  }
}
