# A network security group declared with AzAPI: its rules are ARM securityRules,
# flattened (with Azure's default rules and shadowing) as the live collector does.
resource "azapi_resource" "rdp_open" {
  type      = "Microsoft.Network/networkSecurityGroups@2024-05-01"
  name      = "nsg-rdp"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net"
  body = {
    properties = {
      securityRules = [
        {
          name = "rdp-from-anywhere"
          properties = {
            priority                 = 100
            direction                = "Inbound"
            access                   = "Allow"
            protocol                 = "Tcp"
            sourceAddressPrefix      = "Internet"
            sourcePortRange          = "*"
            destinationAddressPrefix = "*"
            destinationPortRange     = "3389"
          }
        }
      ]
    }
  }
}

resource "azapi_resource" "closed" {
  type      = "Microsoft.Network/networkSecurityGroups@2024-05-01"
  name      = "nsg-closed"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net"
  body = {
    properties = {
      securityRules = [
        {
          name = "https-from-office"
          properties = {
            priority                 = 100
            direction                = "Inbound"
            access                   = "Allow"
            protocol                 = "Tcp"
            sourceAddressPrefixes    = ["203.0.113.0/24"]
            sourcePortRange          = "*"
            destinationAddressPrefix = "*"
            destinationPortRange     = "443"
          }
        }
      ]
    }
  }
}

# A type govscan has no shape for: still judged for where it is.
resource "azapi_resource" "app" {
  type      = "Microsoft.Web/sites@2023-12-01"
  name      = "app-web"
  location  = "eastus"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net"
  body      = { properties = {} }
}
