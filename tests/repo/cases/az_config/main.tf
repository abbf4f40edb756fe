# Each normalised azurerm type once hardened and once left to the defaults, so
# the Azure configuration controls judge code with file and line.
variable "admin_cidr" {}

resource "azurerm_storage_account" "hardened" {
  name                              = "hardened"
  resource_group_name               = "rg"
  location                          = "westeurope"
  account_tier                      = "Standard"
  account_replication_type          = "ZRS"
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  public_network_access_enabled     = false
  infrastructure_encryption_enabled = true
  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 14
    }
    container_delete_retention_policy {}
  }
  customer_managed_key {
    key_vault_key_id          = azurerm_key_vault_key.k.id
    user_assigned_identity_id = "id"
  }
}

resource "azurerm_storage_account_network_rules" "hardened" {
  storage_account_id = azurerm_storage_account.hardened.id
  default_action     = "Deny"
}

resource "azurerm_storage_account" "defaults" {
  name                     = "defaults"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_0"
}

resource "azurerm_managed_disk" "cmk" {
  name                          = "cmk"
  location                      = "westeurope"
  resource_group_name           = "rg"
  storage_account_type          = "Premium_LRS"
  create_option                 = "Empty"
  disk_size_gb                  = 64
  disk_encryption_set_id        = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
  public_network_access_enabled = false
  network_access_policy         = "DenyAll"
}

resource "azurerm_managed_disk" "defaults" {
  name                 = "plain"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Standard_LRS"
  create_option        = "Empty"
  disk_size_gb         = 32
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "admin" {
  name                = "nsg-admin"
  location            = "westeurope"
  resource_group_name = "rg"
}

# A rule resource joins the group it names.
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.admin.name
}

resource "azurerm_network_security_group" "ssh_from_var" {
  name                = "nsg-ssh"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = var.admin_cidr
    destination_address_prefix = "*"
  }
}

resource "azurerm_key_vault" "hardened" {
  name                          = "kv-hardened"
  location                      = "westeurope"
  resource_group_name           = "rg"
  tenant_id                     = "t"
  sku_name                      = "premium"
  purge_protection_enabled      = true
  rbac_authorization_enabled    = true
  public_network_access_enabled = false
}

resource "azurerm_key_vault_key" "k" {
  name            = "cmk"
  key_vault_id    = azurerm_key_vault.hardened.id
  key_type        = "RSA"
  key_size        = 2048
  key_opts        = ["wrapKey", "unwrapKey"]
  expiration_date = "2027-06-30T00:00:00Z"
  rotation_policy {
    automatic {
      time_before_expiry = "P30D"
    }
    expire_after = "P1Y"
  }
}

resource "azurerm_key_vault_secret" "s" {
  name            = "db-password"
  value           = "never-read-this-value"
  key_vault_id    = azurerm_key_vault.hardened.id
  expiration_date = "2027-01-01T00:00:00Z"
}

resource "azurerm_key_vault" "defaults" {
  name                = "kv-defaults"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "t"
  sku_name            = "standard"
}

resource "azurerm_key_vault_key" "no_expiry" {
  name         = "plain"
  key_vault_id = azurerm_key_vault.defaults.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["sign"]
}

resource "azurerm_key_vault_secret" "no_expiry" {
  name         = "token"
  value        = "never-read-this-value"
  key_vault_id = azurerm_key_vault.defaults.id
}

resource "azurerm_mssql_server" "hardened" {
  name                          = "sql-hardened"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = false
  azuread_administrator {
    login_username              = "admins"
    object_id                   = "00000000-0000-0000-0000-000000000000"
    azuread_authentication_only = true
  }
}

resource "azurerm_mssql_server_extended_auditing_policy" "hardened" {
  server_id         = azurerm_mssql_server.hardened.id
  retention_in_days = 120
}

resource "azurerm_mssql_server" "defaults" {
  name                = "sql-defaults"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
  minimum_tls_version = "1.0"
}

resource "azurerm_mssql_firewall_rule" "everyone" {
  name             = "everyone"
  server_id        = azurerm_mssql_server.defaults.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}

resource "azurerm_mssql_database" "tde_on" {
  name      = "app"
  server_id = azurerm_mssql_server.hardened.id
}

resource "azurerm_mssql_database" "tde_off" {
  name                                = "legacy"
  server_id                           = azurerm_mssql_server.defaults.id
  transparent_data_encryption_enabled = false
}

resource "azurerm_postgresql_flexible_server" "hardened" {
  name                          = "pg-hardened"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "16"
  backup_retention_days         = 14
  public_network_access_enabled = false
}

resource "azurerm_postgresql_flexible_server" "defaults" {
  name                = "pg-defaults"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "16"
}

resource "azurerm_postgresql_flexible_server_configuration" "no_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.defaults.id
  value     = "off"
}

resource "azurerm_linux_web_app" "hardened" {
  name                          = "app-hardened"
  resource_group_name           = "rg"
  location                      = "westeurope"
  service_plan_id               = "plan"
  https_only                    = true
  public_network_access_enabled = false
  site_config {
    ftps_state = "Disabled"
  }
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_windows_web_app" "defaults" {
  name                = "app-defaults"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  site_config {
    minimum_tls_version = "1.0"
    ftps_state          = "AllAllowed"
  }
}

resource "azurerm_kubernetes_cluster" "hardened" {
  name                    = "aks-hardened"
  location                = "westeurope"
  resource_group_name     = "rg"
  dns_prefix              = "h"
  private_cluster_enabled = true
  local_account_disabled  = true
  default_node_pool {
    name    = "system"
    vm_size = "Standard_D2s_v5"
  }
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
  }
  network_profile {
    network_plugin = "azure"
    network_policy = "azure"
  }
}

resource "azurerm_kubernetes_cluster" "defaults" {
  name                = "aks-defaults"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "d"
  default_node_pool {
    name                   = "system"
    vm_size                = "Standard_D2s_v5"
    node_public_ip_enabled = true
  }
}

resource "azurerm_container_registry" "hardened" {
  name                          = "acrhardened"
  resource_group_name           = "rg"
  location                      = "westeurope"
  sku                           = "Premium"
  public_network_access_enabled = false
}

resource "azurerm_container_registry" "defaults" {
  name                = "acrdefaults"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Basic"
  admin_enabled       = true
}

resource "azurerm_cosmosdb_account" "hardened" {
  name                               = "cosmos-hardened"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  public_network_access_enabled      = false
  access_key_metadata_writes_enabled = false
  local_authentication_disabled      = true
  consistency_policy {
    consistency_level = "Session"
  }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_account" "defaults" {
  name                = "cosmos-defaults"
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
}

resource "azurerm_recovery_services_vault" "hardened" {
  name                         = "rsv-hardened"
  location                     = "westeurope"
  resource_group_name          = "rg"
  sku                          = "Standard"
  cross_region_restore_enabled = true
  immutability                 = "Locked"
}

resource "azurerm_recovery_services_vault" "defaults" {
  name                = "rsv-defaults"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"
  soft_delete_enabled = false
}
