"""PostgreSQL and MySQL flexible servers and Cosmos DB accounts."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

PG = "Microsoft.DBforPostgreSQL"
MY = "Microsoft.DBforMySQL"
DOC = "Microsoft.DocumentDB"

PG_SAFE = rid(SUB1, "rg-db", PG, "flexibleServers", "pg-safe")
PG_OPEN = rid(SUB1, "rg-db", PG, "flexibleServers", "pg-open")
MY_SAFE = rid(SUB2, "rg-db2", MY, "flexibleServers", "mysql-safe")
MY_OPEN = rid(SUB2, "rg-db2", MY, "flexibleServers", "mysql-open")
COSMOS_EU = rid(SUB1, "rg-db", DOC, "databaseAccounts", "cosmos-eu")
COSMOS_OPEN = rid(SUB2, "rg-db2", DOC, "databaseAccounts", "cosmos-open")


def flexible(server_id: str, kind: str, location: str, **props: Any) -> dict[str, Any]:
    return {
        "id": server_id,
        "name": server_id.rsplit("/", 1)[1],
        "type": f"{kind}/flexibleServers",
        "location": location,
        "sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"},
        "properties": {"state": "Ready", **props},
    }


def parameter(server_id: str, name: str, value: str, default: str) -> dict[str, Any]:
    return {
        "id": f"{server_id}/configurations/{name}",
        "name": name,
        "properties": {"value": value, "defaultValue": default, "source": "user-override"},
    }


def cosmos(
    account_id: str, location: str, locations: list[tuple[str, int]], **props: Any
) -> dict[str, Any]:
    return {
        "id": account_id,
        "name": account_id.rsplit("/", 1)[1],
        "type": "Microsoft.DocumentDB/databaseAccounts",
        "location": location,
        "kind": "GlobalDocumentDB",
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [
                {
                    "id": f"{account_id.rsplit('/', 1)[1]}-{name.replace(' ', '').lower()}",
                    "locationName": name,
                    "failoverPriority": priority,
                    "isZoneRedundant": priority == 0,
                }
                for name, priority in locations
            ],
            **props,
        },
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, PG, "flexibleServers"): listing(
        flexible(
            PG_SAFE,
            PG,
            "germanywestcentral",
            version="16",
            network={"publicNetworkAccess": "Disabled"},
            backup={"backupRetentionDays": 35, "geoRedundantBackup": "Enabled"},
            highAvailability={"mode": "ZoneRedundant"},
            authConfig={"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled"},
            dataEncryption={"type": "AzureKeyVault"},
        ),
        flexible(
            PG_OPEN,
            PG,
            "westeurope",
            version="13",
            network={"publicNetworkAccess": "Enabled"},
            backup={"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"},
            dataEncryption={"type": "SystemManaged"},
        ),
    ),
    sub_path(SUB2, PG, "flexibleServers"): listing(),
    f"{PG_SAFE}/configurations/require_secure_transport": parameter(
        PG_SAFE, "require_secure_transport", "on", "on"
    ),
    f"{PG_OPEN}/configurations/require_secure_transport": parameter(
        PG_OPEN, "require_secure_transport", "off", "on"
    ),
    f"{PG_SAFE}/configurations/ssl_min_protocol_version": parameter(
        PG_SAFE, "ssl_min_protocol_version", "TLSv1.3", "TLSv1.2"
    ),
    f"{PG_OPEN}/configurations/ssl_min_protocol_version": parameter(
        PG_OPEN, "ssl_min_protocol_version", "", "TLSv1.2"
    ),
    f"{PG_SAFE}/firewallRules": listing(),
    f"{PG_OPEN}/firewallRules": listing(
        {
            "id": f"{PG_OPEN}/firewallRules/all",
            "name": "all",
            "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
        }
    ),
    sub_path(SUB1, MY, "flexibleServers"): listing(),
    sub_path(SUB2, MY, "flexibleServers"): listing(
        flexible(
            MY_SAFE,
            MY,
            "northeurope",
            version="8.0.21",
            network={"publicNetworkAccess": "Disabled"},
            backup={"backupRetentionDays": 14, "geoRedundantBackup": "Enabled"},
            highAvailability={"mode": "SameZone"},
        ),
        flexible(
            MY_OPEN,
            MY,
            "eastus",
            version="5.7",
            network={"publicNetworkAccess": "Enabled"},
            backup={"backupRetentionDays": 1, "geoRedundantBackup": "Disabled"},
        ),
    ),
    f"{MY_SAFE}/configurations/require_secure_transport": parameter(
        MY_SAFE, "require_secure_transport", "ON", "ON"
    ),
    f"{MY_OPEN}/configurations/require_secure_transport": parameter(
        MY_OPEN, "require_secure_transport", "OFF", "ON"
    ),
    f"{MY_SAFE}/firewallRules": listing(),
    f"{MY_OPEN}/firewallRules": listing(
        {
            "id": f"{MY_OPEN}/firewallRules/office",
            "name": "office",
            "properties": {"startIpAddress": "203.0.113.1", "endIpAddress": "203.0.113.9"},
        }
    ),
    f"{PG_SAFE}/configurations/log_connections": parameter(PG_SAFE, "log_connections", "on", "on"),
    f"{MY_SAFE}/configurations/tls_version": parameter(
        MY_SAFE, "tls_version", "TLSv1.2,TLSv1.3", "TLSv1.2"
    ),
    f"{MY_OPEN}/configurations/tls_version": parameter(
        MY_OPEN, "tls_version", "TLSv1,TLSv1.1,TLSv1.2", "TLSv1.2"
    ),
    sub_path(SUB1, DOC, "databaseAccounts"): listing(
        cosmos(
            COSMOS_EU,
            "West Europe",
            [("West Europe", 0), ("North Europe", 1)],
            publicNetworkAccess="Disabled",
            disableKeyBasedMetadataWriteAccess=True,
            disableLocalAuth=True,
            enableAutomaticFailover=True,
            minimalTlsVersion="Tls12",
            backupPolicy={"type": "Continuous"},
        )
    ),
    sub_path(SUB2, DOC, "databaseAccounts"): listing(
        cosmos(
            COSMOS_OPEN,
            "East US",
            [("East US", 0)],
            publicNetworkAccess="Enabled",
            ipRules=[{"ipAddressOrRange": "0.0.0.0"}],
            backupPolicy={
                "type": "Periodic",
                "periodicModeProperties": {"backupStorageRedundancy": "Geo"},
            },
        )
    ),
}
