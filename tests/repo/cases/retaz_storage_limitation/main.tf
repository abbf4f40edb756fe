# Storage limitation (DSGVO Art. 5(1)(e)) in azurerm code: Log Analytics retention,
# storage lifecycle management and Recovery Services backup policies.

variable "log_days" {}
variable "blob_days" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-data"
  location = "Germany West Central"
}

# --- Log Analytics workspaces -------------------------------------------------------

resource "azurerm_log_analytics_workspace" "default" {
  name                = "law-default"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_log_analytics_workspace" "year" {
  name                = "law-year"
  location            = "West Europe"
  resource_group_name = azurerm_resource_group.rg.name
  retention_in_days   = 365
}

resource "azurerm_log_analytics_workspace" "from_variable" {
  name                = "law-var"
  location            = "West Europe"
  resource_group_name = azurerm_resource_group.rg.name
  retention_in_days   = var.log_days
}

resource "azurerm_log_analytics_workspace" "us" {
  name                = "law-us"
  location            = "East US"
  resource_group_name = azurerm_resource_group.rg.name
}

# --- Storage lifecycle management -----------------------------------------------------

resource "azurerm_storage_account" "expiring" {
  name                     = "stexpiring"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_management_policy" "expiring" {
  storage_account_id = azurerm_storage_account.expiring.id
  rule {
    name    = "expire"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        tier_to_cool_after_days_since_modification_greater_than = 30
        delete_after_days_since_modification_greater_than       = 365
      }
    }
  }
  rule {
    name    = "disabled"
    enabled = false
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = 5000
      }
    }
  }
}

resource "azurerm_storage_account" "no_policy" {
  name                     = "stnopolicy"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_account" "prefix_only" {
  name                     = "stprefixonly"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_management_policy" "prefix_only" {
  storage_account_id = azurerm_storage_account.prefix_only.id
  rule {
    name    = "tmp"
    enabled = true
    filters {
      prefix_match = ["tmp/"]
      blob_types   = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = 7
      }
    }
  }
}

resource "azurerm_storage_account" "decades" {
  name                     = "stdecades"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_management_policy" "decades" {
  storage_account_id = azurerm_storage_account.decades.id
  rule {
    name    = "archive"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_creation_greater_than = 7300
      }
    }
  }
}

resource "azurerm_storage_account" "from_variable" {
  name                     = "stvariable"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_management_policy" "from_variable" {
  storage_account_id = azurerm_storage_account.from_variable.id
  rule {
    name    = "expire"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.blob_days
      }
    }
  }
}

# --- Recovery Services backup policies --------------------------------------------------

resource "azurerm_recovery_services_vault" "quarter" {
  name                = "rsv-quarter"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "Standard"
}

resource "azurerm_backup_policy_vm" "quarter" {
  name                = "daily-and-weekly"
  resource_group_name = azurerm_resource_group.rg.name
  recovery_vault_name = azurerm_recovery_services_vault.quarter.name
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 30
  }
  retention_weekly {
    count    = 12
    weekdays = ["Sunday"]
  }
}

resource "azurerm_recovery_services_vault" "decade" {
  name                = "rsv-decade"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "Standard"
}

resource "azurerm_backup_policy_vm" "decade" {
  name                = "yearly"
  resource_group_name = azurerm_resource_group.rg.name
  recovery_vault_name = "rsv-decade"
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 7
  }
  retention_yearly {
    count    = 10
    weekdays = ["Sunday"]
    weeks    = ["Last"]
    months   = ["January"]
  }
}

resource "azurerm_recovery_services_vault" "files" {
  name                = "rsv-files"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "Standard"
}

resource "azurerm_backup_policy_file_share" "files" {
  name                = "monthly"
  resource_group_name = azurerm_resource_group.rg.name
  recovery_vault_name = azurerm_recovery_services_vault.files.name
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 30
  }
  retention_monthly {
    count    = 13
    weekdays = ["Sunday"]
    weeks    = ["First"]
  }
}

resource "azurerm_recovery_services_vault" "unused" {
  name                = "rsv-unused"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "Standard"
}
