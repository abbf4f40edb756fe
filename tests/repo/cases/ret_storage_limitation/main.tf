provider "google" {
  project = "shop-prod"
  region  = "europe-west3"
}

# Storage limitation (DSGVO Art. 5(1)(e)): maximum retention per data category.

resource "aws_backup_plan" "bounded" {
  name = "bounded"
  rule {
    rule_name         = "daily"
    target_vault_name = "vault"
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }
  rule {
    rule_name         = "monthly"
    target_vault_name = "vault"
    schedule          = "cron(0 3 1 * ? *)"
    lifecycle {
      delete_after = 365
    }
  }
}

resource "aws_backup_plan" "forever" {
  name = "forever"
  rule {
    rule_name         = "daily"
    target_vault_name = "vault"
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }
  rule {
    rule_name         = "archive"
    target_vault_name = "vault"
    schedule          = "cron(0 3 1 1 ? *)"
  }
}

resource "aws_backup_plan" "decade" {
  name = "decade"
  rule {
    rule_name         = "yearly"
    target_vault_name = "vault"
    schedule          = "cron(0 3 1 1 ? *)"
    lifecycle {
      delete_after = 3650
    }
  }
}

resource "google_logging_project_bucket_config" "year" {
  project        = "shop-prod"
  location       = "europe-west3"
  bucket_id      = "app-logs"
  retention_days = 365
}

resource "google_logging_project_bucket_config" "decade" {
  project        = "shop-prod"
  location       = "europe-west3"
  bucket_id      = "audit-archive"
  retention_days = 3650
}

resource "google_storage_bucket" "short_lock" {
  name     = "shop-invoices"
  location = "europe-west3"
  retention_policy {
    retention_period = 2592000
  }
}

# Thirty years: objects cannot be erased on request.
resource "google_storage_bucket" "long_lock" {
  name     = "shop-archive"
  location = "europe-west3"
  retention_policy {
    retention_period = 946080000
    is_locked        = true
  }
}

resource "google_storage_bucket" "no_lock" {
  name     = "shop-uploads"
  location = "europe-west3"
}

resource "azurerm_mssql_server" "year" {
  name                = "sql-year"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "year" {
  server_id         = azurerm_mssql_server.year.id
  retention_in_days = 365
}

# retention_in_days defaults to 0: audit records are kept forever.
resource "azurerm_mssql_server" "unlimited" {
  name                = "sql-unlimited"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "unlimited" {
  server_id = azurerm_mssql_server.unlimited.id
}

resource "azurerm_mssql_server" "no_audit" {
  name                = "sql-no-audit"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

# Decided only at apply time: judged undetermined, never passed.
variable "archive_days" {
  type = number
}

resource "aws_backup_plan" "from_variable" {
  name = "from-variable"
  rule {
    rule_name         = "archive"
    target_vault_name = "vault"
    schedule          = "cron(0 3 1 1 ? *)"
    lifecycle {
      delete_after = var.archive_days
    }
  }
}
