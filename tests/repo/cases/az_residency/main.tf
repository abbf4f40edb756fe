# Where Azure keeps data and its copies: the location argument, and the paired
# region of geo-redundant storage, databases' backups and backup vaults.
variable "location" {}

resource "azurerm_resource_group" "eu" {
  name     = "rg-eu"
  location = "Germany West Central"
}

resource "azurerm_storage_account" "grs_eu" {
  name                     = "grseu"
  resource_group_name      = azurerm_resource_group.eu.name
  location                 = azurerm_resource_group.eu.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

# Brazil South is paired with South Central US: the copy leaves for the United States.
resource "azurerm_storage_account" "grs_brazil" {
  name                     = "grsbrazil"
  resource_group_name      = "rg"
  location                 = "brazilsouth"
  account_tier             = "Standard"
  account_replication_type = "RAGRS"
}

resource "azurerm_storage_account" "lrs_us" {
  name                     = "lrsus"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

# Poland Central has no region pair: where a geo copy goes is not known.
resource "azurerm_storage_account" "gzrs_unpaired" {
  name                     = "gzrspl"
  resource_group_name      = "rg"
  location                 = "polandcentral"
  account_tier             = "Standard"
  account_replication_type = "GZRS"
}

resource "azurerm_storage_account" "somewhere" {
  name                     = "somewhere"
  resource_group_name      = "rg"
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_cosmosdb_account" "multi" {
  name                = "cosmos"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  consistency_policy {
    consistency_level = "Session"
  }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
  geo_location {
    location          = "japaneast"
    failover_priority = 1
  }
}

resource "azurerm_mssql_server" "primary" {
  name                = "sql-primary"
  resource_group_name = "rg"
  location            = "francecentral"
  version             = "12.0"
}

resource "azurerm_mssql_server" "secondary" {
  name                = "sql-secondary"
  resource_group_name = "rg"
  location            = "eastus2"
  version             = "12.0"
}

# Backups are geo-redundant by default: copied to France South.
resource "azurerm_mssql_database" "main" {
  name      = "main"
  server_id = azurerm_mssql_server.primary.id
}

resource "azurerm_mssql_database" "local_backups" {
  name                 = "local"
  server_id            = azurerm_mssql_server.primary.id
  storage_account_type = "Local"
}

# A geo-replica of "local" in the United States.
resource "azurerm_mssql_database" "replica" {
  name                        = "local"
  server_id                   = azurerm_mssql_server.secondary.id
  create_mode                 = "Secondary"
  creation_source_database_id = azurerm_mssql_database.local_backups.id
  storage_account_type        = "Local"
}

resource "azurerm_postgresql_flexible_server" "geo_uk" {
  name                         = "pg-uk"
  resource_group_name          = "rg"
  location                     = "uksouth"
  version                      = "16"
  geo_redundant_backup_enabled = true
}

resource "azurerm_postgresql_flexible_server" "geo_de" {
  name                         = "pg-de"
  resource_group_name          = "rg"
  location                     = "germanywestcentral"
  version                      = "16"
  geo_redundant_backup_enabled = true
}

# GeoRedundant is the default storage mode of a vault.
resource "azurerm_recovery_services_vault" "default" {
  name                = "vault"
  location            = "eastasia"
  resource_group_name = "rg"
  sku                 = "Standard"
}

resource "azurerm_recovery_services_vault" "local" {
  name                = "vault-local"
  location            = "southeastasia"
  resource_group_name = "rg"
  sku                 = "Standard"
  storage_mode_type   = "LocallyRedundant"
}

resource "azurerm_container_registry" "acr" {
  name                = "acr"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Premium"
  georeplications {
    location = "westus2"
  }
}

# Types without a shape of their own are judged by their location alone.
resource "azurerm_eventhub_namespace" "us" {
  name                = "events"
  location            = "centralus"
  resource_group_name = "rg"
  sku                 = "Standard"
}

resource "azurerm_log_analytics_workspace" "eu" {
  name                = "logs"
  location            = "swedencentral"
  resource_group_name = "rg"
}

# A suppression naming the id this check had before keeps working.
resource "azurerm_eventhub_namespace" "waived" {
  # govscan:ignore=residency.iac.resource-location telemetry under SCCs, see DPA-12
  name                = "telemetry"
  location            = "centralus"
  resource_group_name = "rg"
  sku                 = "Standard"
}

# A failover group keeps a readable copy of its databases on the partner server.
resource "azurerm_mssql_server" "partner" {
  name                = "sql-partner"
  resource_group_name = "rg"
  location            = "australiaeast"
  version             = "12.0"
}

resource "azurerm_mssql_database" "grouped" {
  name                 = "grouped"
  server_id            = azurerm_mssql_server.primary.id
  storage_account_type = "Zone"
}

resource "azurerm_mssql_failover_group" "fg" {
  name      = "fg"
  server_id = azurerm_mssql_server.primary.id
  databases = [azurerm_mssql_database.grouped.id]
  partner_server {
    id = azurerm_mssql_server.partner.id
  }
  read_write_endpoint_failover_policy {
    mode          = "Automatic"
    grace_minutes = 60
  }
}
