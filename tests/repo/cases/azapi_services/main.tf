# Other Azure types the live collector has shapes for, declared with AzAPI.
resource "azapi_resource" "vault" {
  type      = "Microsoft.KeyVault/vaults@2023-07-01"
  name      = "kv-app"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"
  body = {
    properties = {
      tenantId                = "00000000-0000-0000-0000-000000000002"
      sku                     = { family = "A", name = "standard" }
      enableRbacAuthorization = true
      enablePurgeProtection   = false
      publicNetworkAccess     = "Disabled"
    }
  }
}

resource "azapi_resource" "registry" {
  type      = "Microsoft.ContainerRegistry/registries@2023-07-01"
  name      = "crapp"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"
  body = {
    sku = { name = "Standard" }
    properties = {
      adminUserEnabled = true
    }
  }
}

resource "azapi_resource" "workspace" {
  type      = "Microsoft.OperationalInsights/workspaces@2023-09-01"
  name      = "law-app"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"
  body = {
    properties = { sku = { name = "PerGB2018" } }
  }
}

resource "azapi_resource" "disk" {
  type      = "Microsoft.Compute/disks@2024-03-02"
  name      = "disk-data"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"
  body = {
    sku = { name = "Premium_LRS" }
    properties = {
      creationData        = { createOption = "Empty" }
      diskSizeGB          = 64
      publicNetworkAccess = "Disabled"
    }
  }
}

variable "local_auth_off" {
  type = bool
}

resource "azapi_resource" "cosmos" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "cosmos-app"
  location  = "germanywestcentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"
  body = {
    kind = "GlobalDocumentDB"
    properties = {
      databaseAccountOfferType = "Standard"
      disableLocalAuth         = var.local_auth_off
      minimalTlsVersion        = "Tls12"
      locations                = [{ locationName = "Germany West Central", failoverPriority = 0 }]
    }
  }
}
