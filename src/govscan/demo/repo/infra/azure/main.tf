terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
  }
}

provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "shop" {
  name     = "rg-shop"
  location = "germanywestcentral"
}

resource "azurerm_storage_account" "shop" {
  name                              = "stbrauwerkshop"
  resource_group_name               = azurerm_resource_group.shop.name
  location                          = azurerm_resource_group.shop.location
  account_tier                      = "Standard"
  account_replication_type          = "GRS" # pairs with germanynorth
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  public_network_access_enabled     = false
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 14
    }
    container_delete_retention_policy {
      days = 14
    }
  }
}

# Order data is deleted a year after its last change (storage limitation).
resource "azurerm_storage_management_policy" "shop" {
  storage_account_id = azurerm_storage_account.shop.id

  rule {
    name    = "delete-after-365-days"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = 365
      }
      snapshot {
        delete_after_days_since_creation_greater_than = 30
      }
      version {
        delete_after_days_since_creation = 30
      }
    }
  }
}

resource "azurerm_log_analytics_workspace" "shop" {
  name                       = "log-brauwerk"
  resource_group_name        = azurerm_resource_group.shop.name
  location                   = azurerm_resource_group.shop.location
  sku                        = "PerGB2018"
  retention_in_days          = 90
  internet_ingestion_enabled = false
  internet_query_enabled     = false
}

# Marketing wants its exports next to the US agency: primary and GRS copy in the US.
# No lifecycle policy either: every export is kept until someone deletes it.
resource "azurerm_storage_account" "export" {
  name                     = "stbrauwerkexport"
  resource_group_name      = azurerm_resource_group.shop.name
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version          = "TLS1_2"
}

resource "azurerm_key_vault" "shop" {
  name                          = "kv-brauwerk-shop"
  resource_group_name           = azurerm_resource_group.shop.name
  location                      = azurerm_resource_group.shop.location
  tenant_id                     = "7b1e0d3c-2a4f-4e6b-8c9d-0000000bea12"
  sku_name                      = "standard"
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  enable_rbac_authorization     = true
  public_network_access_enabled = false
}

resource "azurerm_key_vault_key" "storage" {
  name            = "cmk-storage"
  key_vault_id    = azurerm_key_vault.shop.id
  key_type        = "RSA"
  key_size        = 3072
  key_opts        = ["wrapKey", "unwrapKey"]
  expiration_date = "2027-12-31T00:00:00Z"

  rotation_policy {
    expire_after         = "P1Y"
    notify_before_expiry = "P30D"
    automatic {
      time_before_expiry = "P30D"
    }
  }
}

resource "azurerm_storage_account_customer_managed_key" "shop" {
  storage_account_id = azurerm_storage_account.shop.id
  key_vault_id       = azurerm_key_vault.shop.id
  key_name           = azurerm_key_vault_key.storage.name
}

resource "azurerm_network_security_group" "office" {
  name                = "nsg-office"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location

  security_rule {
    name                       = "ssh-from-anywhere"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
