# MySQL flexible servers in code: one hardened through its server parameters and
# private networking, one left to the provider's defaults with TLS switched off.
resource "azurerm_mysql_flexible_server" "hardened" {
  name                         = "mysql-hardened"
  resource_group_name          = "rg"
  location                     = "germanywestcentral"
  sku_name                     = "GP_Standard_D2ds_v4"
  backup_retention_days        = 14
  geo_redundant_backup_enabled = true
  delegated_subnet_id          = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/mysql"
}

resource "azurerm_mysql_flexible_server_configuration" "tls13" {
  name                = "tls_version"
  resource_group_name = "rg"
  server_name         = azurerm_mysql_flexible_server.hardened.name
  value               = "TLSv1.2,TLSv1.3"
}

resource "azurerm_mysql_flexible_server" "legacy" {
  name                  = "mysql-legacy"
  resource_group_name   = "rg"
  location              = "germanywestcentral"
  sku_name              = "B_Standard_B1ms"
  backup_retention_days = 1
}

resource "azurerm_mysql_flexible_server_configuration" "no_tls" {
  name                = "require_secure_transport"
  resource_group_name = "rg"
  server_name         = azurerm_mysql_flexible_server.legacy.name
  value               = "OFF"
}
