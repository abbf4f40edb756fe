provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

variable "retained" {
  type = number
}

# Automated Cloud SQL backups: how many are kept (one a day).

resource "google_sql_database_instance" "default_retention" {
  name             = "shop-db"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled = true
    }
  }
}

resource "google_sql_database_instance" "year" {
  name             = "shop-ledger"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = 3
      backup_retention_settings {
        retained_backups = 365
        retention_unit   = "COUNT"
      }
    }
  }
}

resource "google_sql_database_instance" "too_many" {
  name             = "shop-history"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled = true
      backup_retention_settings {
        retained_backups = 400
      }
    }
  }
}

resource "google_sql_database_instance" "no_backups" {
  name             = "shop-scratch"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
    backup_configuration {
      enabled = false
      backup_retention_settings {
        retained_backups = 400
      }
    }
  }
}

resource "google_sql_database_instance" "from_variable" {
  name             = "shop-var"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled = true
      backup_retention_settings {
        retained_backups = var.retained
      }
    }
  }
}
