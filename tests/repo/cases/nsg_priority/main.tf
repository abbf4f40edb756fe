# Azure applies the first rule (lowest priority number) that matches a packet.

variable "deny_priority" {
  type = number
}

# The deny decides the Internet's RDP traffic first: the allow is never applied.
resource "azurerm_network_security_group" "deny_first" {
  name                = "nsg-deny-first"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "rdp"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-internet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

# The deny only covers one office network: the Internet still reaches RDP.
resource "azurerm_network_security_group" "narrow_deny" {
  name                = "nsg-narrow-deny"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "deny-office"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "203.0.113.0/24"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "rdp"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

# The deny comes after the allow: the allow decides first.
resource "azurerm_network_security_group" "deny_later" {
  name                = "nsg-deny-later"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-internet"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

# Separate rule resources join their group before priorities are compared;
# the deny's range holds SSH and RDP, not the database port.
resource "azurerm_network_security_group" "split_rules" {
  name                = "nsg-split-rules"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_network_security_rule" "deny_admin" {
  name                        = "deny-admin"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_ranges     = ["22", "3000-4000"]
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.split_rules.name
}

resource "azurerm_network_security_rule" "admin_and_db" {
  name                        = "admin-and-db"
  priority                    = 150
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["22", "3389"]
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.split_rules.name
}

resource "azurerm_network_security_rule" "postgres" {
  name                        = "postgres"
  priority                    = 160
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.split_rules.name
}

# Whether the deny comes first is decided at apply: it proves nothing.
resource "azurerm_network_security_group" "deny_priority_from_var" {
  name                = "nsg-deny-var"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "deny-internet"
    priority                   = var.deny_priority
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "rdp"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}
