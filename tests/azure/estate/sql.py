"""Azure SQL: a hardened server with a geo-replicated database, and an open one."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

P = "Microsoft.Sql"

SAFE = rid(SUB1, "rg-sql", P, "servers", "sql-safe")
OPEN = rid(SUB1, "rg-sql", P, "servers", "sql-open")
PARTNER = rid(SUB1, "rg-sql-dr", P, "servers", "sql-safe-dr")


def server(server_id: str, location: str, **props: Any) -> dict[str, Any]:
    name = server_id.rsplit("/", 1)[1]
    return {
        "id": server_id,
        "name": name,
        "type": "Microsoft.Sql/servers",
        "location": location,
        "kind": "v12.0",
        "properties": {
            "version": "12.0",
            "state": "Ready",
            "fullyQualifiedDomainName": f"{name}.database.windows.net",
            **props,
        },
    }


def database(server_id: str, name: str, location: str, **props: Any) -> dict[str, Any]:
    return {
        "id": f"{server_id}/databases/{name}",
        "name": name,
        "type": "Microsoft.Sql/servers/databases",
        "location": location,
        "sku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 2},
        "properties": {"status": "Online", **props},
    }


def tde(db_id: str, state: str) -> dict[str, Any]:
    return {
        "id": f"{db_id}/transparentDataEncryption/Current",
        "name": "Current",
        "properties": {"state": state},
    }


def auditing(server_id: str, state: str, days: int) -> dict[str, Any]:
    return {
        "id": f"{server_id}/auditingSettings/Default",
        "name": "Default",
        "properties": {"state": state, "retentionDays": days, "isAzureMonitorTargetEnabled": True},
    }


def firewall(server_id: str, name: str, start: str, end: str) -> dict[str, Any]:
    return {
        "id": f"{server_id}/firewallRules/{name}",
        "name": name,
        "properties": {"startIpAddress": start, "endIpAddress": end},
    }


SAFE_DB = f"{SAFE}/databases/orders"
OPEN_DB = f"{OPEN}/databases/scratch"

ENTRIES: dict[str, Any] = {
    sub_path(SUB1, P, "servers"): listing(
        server(
            SAFE,
            "westeurope",
            minimalTlsVersion="1.2",
            publicNetworkAccess="Disabled",
            keyId="https://kvgood.vault.azure.net/keys/cmk/0123456789abcdef",
            administrators={
                "administratorType": "ActiveDirectory",
                "principalType": "Group",
                "login": "sql-admins",
                "sid": "5e5e5e5e-0000-4000-8000-000000000001",
                "azureADOnlyAuthentication": True,
            },
        ),
        server(OPEN, "westeurope", minimalTlsVersion="None", publicNetworkAccess="Enabled"),
    ),
    sub_path(SUB2, P, "servers"): listing(),
    f"{SAFE}/auditingSettings/default": auditing(SAFE, "Enabled", 0),
    f"{OPEN}/auditingSettings/default": auditing(OPEN, "Disabled", 0),
    f"{SAFE}/firewallRules": listing(),
    f"{OPEN}/firewallRules": listing(
        firewall(OPEN, "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0"),
        firewall(OPEN, "everyone", "0.0.0.0", "255.255.255.255"),
    ),
    f"{SAFE}/databases": listing(
        database(SAFE, "master", "westeurope", currentBackupStorageRedundancy="Local"),
        database(
            SAFE, "orders", "westeurope", currentBackupStorageRedundancy="Geo", zoneRedundant=True
        ),
    ),
    f"{OPEN}/databases": listing(
        database(OPEN, "master", "westeurope"),
        database(OPEN, "scratch", "westeurope", requestedBackupStorageRedundancy="Local"),
    ),
    f"{SAFE_DB}/transparentDataEncryption/current": tde(SAFE_DB, "Enabled"),
    f"{OPEN_DB}/transparentDataEncryption/current": tde(OPEN_DB, "Disabled"),
    f"{SAFE_DB}/replicationLinks": listing(
        {
            "id": f"{SAFE_DB}/replicationLinks/0f0f0f0f-0000-4000-8000-000000000001",
            "name": "0f0f0f0f-0000-4000-8000-000000000001",
            "properties": {
                "partnerServer": "sql-safe-dr",
                "partnerDatabase": "orders",
                "partnerLocation": "North Europe",
                "role": "Primary",
                "partnerRole": "Secondary",
                "replicationState": "CATCH_UP",
                "linkType": "GEO",
            },
        }
    ),
    f"{OPEN_DB}/replicationLinks": listing(),
}
