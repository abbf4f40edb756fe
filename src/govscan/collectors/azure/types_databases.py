"""PostgreSQL and MySQL flexible servers, and Cosmos DB accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.azure.types_util import (
    dig,
    enabled,
    firewall_rules,
    lowest_tls,
    obj,
    paired_region,
    props,
    tls,
)
from govscan.collectors.shapes.azure_services import cosmos_account

__all__ = ["cosmos_account"]

POSTGRES = "azure.postgresql.flexible_server"
MYSQL = "azure.mysql.flexible_server"
COSMOS = "azure.cosmosdb.account"


def parameter(got: Fetched, name: str) -> Any:
    """A server parameter's value (its default when not set); None when the server has none."""
    p = props(got.get(name))
    value = p.get("value")
    return value if value not in (None, "") else p.get("defaultValue")


def _flexible(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    """What PostgreSQL and MySQL flexible servers share."""
    p = props(arm)
    network = obj(p.get("network"))
    backup = obj(p.get("backup"))
    geo = bool(enabled(backup.get("geoRedundantBackup")))
    geo_location = paired_region(arm.get("location")) if geo else None
    data: dict[str, Any] = {
        "version": p.get("version"),
        "sku": dig(arm, "sku", "name"),
        "state": p.get("state"),
        "public_network_access": network.get("publicNetworkAccess")
        or ("Disabled" if network.get("delegatedSubnetResourceId") else "Enabled"),
        "backup_retention_days": backup.get("backupRetentionDays"),
        "geo_redundant_backup": geo,
        "geo_backup_location": geo_location,
        "copy_locations": [geo_location] if geo_location else [],
        "high_availability": dig(p, "highAvailability", "mode") or "Disabled",
        "customer_managed_key": str(dig(p, "dataEncryption", "type") or "").lower()
        == "azurekeyvault",
    }
    if "firewall" in got:
        data["firewall_rules"] = firewall_rules(got.get("firewall"))
    return data


def postgresql(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    data = _flexible(arm, got)
    auth = obj(props(arm).get("authConfig"))
    data["entra_auth"] = bool(enabled(auth.get("activeDirectoryAuth")))
    data["password_auth"] = enabled(auth.get("passwordAuth")) is not False
    for name, param in (
        ("require_secure_transport", "require_secure_transport"),
        ("log_connections", "log_connections"),
        ("log_disconnections", "log_disconnections"),
        ("connection_throttling", "connection_throttle.enable"),
    ):
        if param in got:
            data[name] = enabled(parameter(got, param))
    if "ssl_min_protocol_version" in got:
        data["minimum_tls_version"] = tls(parameter(got, "ssl_min_protocol_version"))
    return data


def mysql(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    data = _flexible(arm, got)
    for name in ("require_secure_transport", "audit_log_enabled"):
        if name in got:
            data[name] = enabled(parameter(got, name))
    if "tls_version" in got:
        data["minimum_tls_version"] = lowest_tls(parameter(got, "tls_version"))
    return data


def _config(name: str) -> Callable[[Any, Ctx, dict[str, Any]], Any]:
    def call(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
        return client.configurations.get(ctx.resource_group(arm), arm["name"], name)

    return call


def _firewall(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.firewall_rules.list_by_server(ctx.resource_group(arm), arm["name"])


def _parameters(provider: str, table: dict[str, str]) -> tuple[Detail, ...]:
    """One call per server parameter a selected control reads (a 404: not present)."""
    action = f"{provider}/flexibleServers/configurations/read"
    return tuple(
        Detail(param, (name,), _config(param), action, absent_ok=True)
        for param, name in table.items()
    )


define(
    AzureType(
        type=POSTGRES,
        client="postgresql",
        list=lambda c, ctx: c.servers.list_by_subscription(),
        action="Microsoft.DBforPostgreSQL/flexibleServers/read",
        normalise=postgresql,
        details=(
            *_parameters(
                "Microsoft.DBforPostgreSQL",
                {
                    "require_secure_transport": "require_secure_transport",
                    "ssl_min_protocol_version": "minimum_tls_version",
                    "log_connections": "log_connections",
                    "log_disconnections": "log_disconnections",
                    "connection_throttle.enable": "connection_throttling",
                },
            ),
            Detail(
                "firewall",
                ("firewall_rules",),
                _firewall,
                "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
            ),
        ),
    )
)

define(
    AzureType(
        type=MYSQL,
        client="mysql",
        list=lambda c, ctx: c.servers.list(),
        action="Microsoft.DBforMySQL/flexibleServers/read",
        normalise=mysql,
        details=(
            *_parameters(
                "Microsoft.DBforMySQL",
                {
                    "require_secure_transport": "require_secure_transport",
                    "tls_version": "minimum_tls_version",
                    "audit_log_enabled": "audit_log_enabled",
                },
            ),
            Detail(
                "firewall",
                ("firewall_rules",),
                _firewall,
                "Microsoft.DBforMySQL/flexibleServers/firewallRules/read",
            ),
        ),
    )
)

define(
    AzureType(
        type=COSMOS,
        client="cosmosdb",
        list=lambda c, ctx: c.database_accounts.list(),
        action="Microsoft.DocumentDB/databaseAccounts/read",
        normalise=cosmos_account,
    )
)
