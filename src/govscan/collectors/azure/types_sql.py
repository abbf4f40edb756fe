"""Azure SQL logical servers and their databases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.azure.types_util import (
    dig,
    firewall_rules,
    items,
    lower_location,
    obj,
    others,
    paired_region,
    props,
    tls,
)

SERVER = "azure.sql.server"
DATABASE = "azure.sql.database"

GEO_BACKUP = frozenset({"geo", "geozone"})
SYSTEM_DATABASES = frozenset({"master"})


def server(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    p = props(arm)
    admin = obj(p.get("administrators"))
    data: dict[str, Any] = {
        "fqdn": p.get("fullyQualifiedDomainName"),
        "version": p.get("version"),
        "minimum_tls_version": tls(p.get("minimalTlsVersion")),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        # The list asks for the Entra administrator ($expand), so no call per server.
        "entra_admin": bool(admin.get("login") or admin.get("sid")),
        "entra_only_auth": bool(admin.get("azureADOnlyAuthentication")),
        "tde_customer_managed_key": bool(p.get("keyId")),
    }
    if "auditing" in got:
        audit = props(got.get("auditing"))
        data["auditing_enabled"] = str(audit.get("state", "")).lower() == "enabled"
        data["auditing_retention_days"] = audit.get("retentionDays")
    if "firewall" in got:
        data["firewall_rules"] = firewall_rules(got.get("firewall"))
    return data


def replica(link: dict[str, Any]) -> dict[str, Any]:
    p = props(link)
    return {
        "partner_server": p.get("partnerServer"),
        "partner_database": p.get("partnerDatabase"),
        "partner_location": lower_location(p.get("partnerLocation")),
        "role": p.get("role"),
        "link_type": p.get("linkType"),
    }


def database(arm: dict[str, Any], got: Fetched) -> dict[str, Any] | None:
    if not _user_database(arm):
        return None
    p = props(arm)
    redundancy = p.get("currentBackupStorageRedundancy") or p.get(
        "requestedBackupStorageRedundancy"
    )
    geo_backup = (
        paired_region(arm.get("location")) if str(redundancy or "").lower() in GEO_BACKUP else None
    )
    data: dict[str, Any] = {
        "server": str(arm.get("id", "")).split("/databases/", 1)[0] or None,
        "sku": dig(arm, "sku", "name"),
        "status": p.get("status"),
        "backup_storage_redundancy": redundancy,
        "geo_backup_location": geo_backup,
        "zone_redundant": bool(p.get("zoneRedundant")),
    }
    if "tde" in got:
        state = props(got.get("tde")).get("state")
        data["tde_enabled"] = str(state or "").lower() == "enabled"
    if "replication_links" in got:
        replicas = [replica(link) for link in items(got.get("replication_links"))]
        data["geo_replicas"] = replicas
        data["copy_locations"] = others(
            arm.get("location"), [*(r["partner_location"] for r in replicas), geo_backup]
        )
    return data


def _server_of(ctx: Ctx, arm: dict[str, Any]) -> tuple[str, str]:
    return ctx.resource_group(arm), str(arm.get("id", "")).split("/servers/", 1)[1].split("/")[0]


def _user_database(arm: Mapping[str, Any]) -> bool:
    return str(arm.get("name", "")).lower() not in SYSTEM_DATABASES


def _tde(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    rg, name = _server_of(ctx, arm)
    return client.transparent_data_encryptions.get(rg, name, arm["name"], "current")


def _links(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    rg, name = _server_of(ctx, arm)
    return client.replication_links.list_by_database(rg, name, arm["name"])


define(
    AzureType(
        type=SERVER,
        client="sql",
        list=lambda c, ctx: c.servers.list(expand="administrators/activedirectory"),
        action="Microsoft.Sql/servers/read",
        normalise=server,
        details=(
            Detail(
                "auditing",
                ("auditing_enabled", "auditing_retention_days"),
                lambda c, ctx, arm: c.server_blob_auditing_policies.get(
                    ctx.resource_group(arm), arm["name"]
                ),
                "Microsoft.Sql/servers/auditingSettings/read",
            ),
            Detail(
                "firewall",
                ("firewall_rules",),
                lambda c, ctx, arm: c.firewall_rules.list_by_server(
                    ctx.resource_group(arm), arm["name"]
                ),
                "Microsoft.Sql/servers/firewallRules/read",
            ),
        ),
    )
)

define(
    AzureType(
        type=DATABASE,
        client="sql",
        list=lambda c, ctx: c.databases.list_by_server(
            ctx.resource_group(ctx.parent), ctx.parent["name"]
        ),
        action="Microsoft.Sql/servers/databases/read",
        normalise=database,
        children_of=SERVER,
        details=(
            Detail(
                "tde",
                ("tde_enabled",),
                _tde,
                "Microsoft.Sql/servers/databases/transparentDataEncryption/read",
                when=_user_database,
            ),
            Detail(
                "replication_links",
                ("geo_replicas", "copy_locations"),
                _links,
                "Microsoft.Sql/servers/databases/replicationLinks/read",
                when=_user_database,
            ),
        ),
    )
)
