provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

# Hardened PostgreSQL: private IP only, TLS enforced, backups in the EU with PITR, CMEK,
# a failover zone in the same region, the logging flags set.
resource "google_sql_database_instance" "good" {
  name                = "good"
  database_version    = "POSTGRES_16"
  encryption_key_name = "projects/shop-prod/locations/europe-west3/keyRings/r/cryptoKeys/k"
  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    location_preference {
      zone           = "europe-west3-a"
      secondary_zone = "europe-west3-b"
    }
    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/shop-prod/global/networks/shop"
      ssl_mode        = "ENCRYPTED_ONLY"
    }
    backup_configuration {
      enabled                        = true
      location                       = "eu"
      point_in_time_recovery_enabled = true
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
  }
}

# Defaults: public IP open to the internet, no TLS requirement, no backups; its read
# replica in Iowa is a copy outside the EU.
resource "google_sql_database_instance" "bad" {
  name             = "bad"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      authorized_networks {
        name  = "anyone"
        value = "0.0.0.0/0"
      }
    }
    database_flags {
      name  = "local_infile"
      value = "on"
    }
  }
}

resource "google_sql_database_instance" "bad_replica" {
  name                 = "bad-replica"
  region               = "us-central1"
  database_version     = "MYSQL_8_0"
  master_instance_name = google_sql_database_instance.bad.name
  settings {
    tier = "db-f1-micro"
  }
}
