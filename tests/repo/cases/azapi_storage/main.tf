# Storage accounts declared with the AzAPI provider, as Azure Verified Modules do:
# the body is the ARM request body, judged with the live collector's shapes.
variable "min_tls" {
  type = string
}

resource "azapi_resource" "open" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  name      = "stopen"
  location  = "westeurope"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data"
  body = {
    kind = "StorageV2"
    sku  = { name = "Standard_LRS" }
    properties = {
      allowBlobPublicAccess = true
      minimumTlsVersion     = "TLS1_0"
    }
  }
}

resource "azapi_resource" "hardened" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  name      = "sthardened"
  location  = "westeurope"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data"
  # azapi v1 style: the body as a JSON string.
  body = jsonencode({
    kind = "StorageV2"
    sku  = { name = "Standard_ZRS" }
    properties = {
      allowBlobPublicAccess       = false
      allowSharedKeyAccess        = false
      allowCrossTenantReplication = false
      minimumTlsVersion           = "TLS1_2"
      supportsHttpsTrafficOnly    = true
      publicNetworkAccess         = "Disabled"
      networkAcls                 = { defaultAction = "Deny", bypass = "AzureServices" }
      encryption = {
        keySource                       = "Microsoft.Storage"
        requireInfrastructureEncryption = true
      }
    }
  })
}

resource "azapi_resource" "from_variable" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  name      = "stvariable"
  location  = "westeurope"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data"
  body = jsonencode({
    kind = "StorageV2"
    sku  = { name = "Standard_LRS" }
    properties = {
      allowBlobPublicAccess = false
      minimumTlsVersion     = var.min_tls
    }
  })
}

variable "account_properties" {
  type = any
}

resource "azapi_resource" "whole_body_unknown" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  name      = "stunknown"
  location  = "westeurope"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data"
  body      = var.account_properties
}

# A child resource: the live collector reads the blob service as a detail call,
# code does not link it; it is not judged on its own either.
resource "azapi_resource" "blob" {
  type      = "Microsoft.Storage/storageAccounts/blobServices@2023-05-01"
  name      = "default"
  parent_id = azapi_resource.hardened.id
  body = {
    properties = { deleteRetentionPolicy = { enabled = true, days = 7 } }
  }
}
