resource "azurerm_storage_account" "eu" {
  name     = "acmeeu"
  location = "germanywestcentral"
}

resource "azurerm_storage_account" "us" {
  name     = "acmeus"
  location = "eastus"
}

resource "azurerm_resource_group" "logical" {
  name     = "rg"
  location = "europe"
}

resource "google_storage_bucket" "eu" {
  name     = "acme-eu"
  location = "EU"
}

resource "google_storage_bucket" "dual" {
  name     = "acme-eur5"
  location = "EUR5"
}
