"""Terraform definitions of Azure SQL servers and databases and of PostgreSQL and
MySQL flexible servers, with their firewall rules and server parameters, in the
shapes of the live Azure collector (conventions: ``normalize_azure``). A database
is where its server is; its copies are its geo-replicas, the partners of its
failover groups and, with geo-redundant backup storage, the paired region."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.azure_defaults import default
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_links import (
    INSTANCE_KEY,
    Links,
    Normalised,
    access,
    common,
    copies,
    paired,
    region,
    tls,
)
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_bool, as_int, as_str, is_set, one_of, same


def _firewall(links: Links, kind: str, server: Any) -> list[Any]:
    rules: list[Any] = [
        {
            "name": as_str(f.get("name")),
            "start_ip": as_str(f.get("start_ip_address")),
            "end_ip": as_str(f.get("end_ip_address")),
        }
        for f in links.all(kind, server)
    ]
    why = links.unknown(kind)
    if why is not None:
        rules.append(why)
    return rules


def _parameter(links: Links, kind: str, server: Any, name: str, on: Any) -> Any:
    """A server parameter a configuration resource sets; ``on`` when none does."""
    for c in links.all(kind, server):
        if c.get("name") == name:
            return same(_lower(c.get("value")), "on")
    why = links.unknown(kind)
    return why if why is not None else on


def _min_tls(links: Links, kind: str, server: Any) -> Any:
    """The lowest TLS version a server parameter allows (``ssl_min_protocol_version``
    for PostgreSQL, ``tls_version`` for MySQL); both servers default to TLS 1.2."""
    for c in links.all(kind, server):
        if c.get("name") in ("ssl_min_protocol_version", "tls_version"):
            value = c.get("value")
            if not isinstance(value, str):
                return value
            versions = sorted(v for v in (tls(p.strip()) for p in value.split(",")) if v)
            return versions[0] if versions else None
    why = links.unknown(kind)
    return why if why is not None else "1.2"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def mssql_server(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_mssql_server"
    admin = r.sub("azuread_administrator")
    audits = links.all("azurerm_mssql_server_extended_auditing_policy", r)
    tde = links.all("azurerm_mssql_server_transparent_data_encryption", r)
    audit = audits[0] if audits else None
    return "azure.sql.server", common(r) | {
        "version": as_str(r.get("version")),
        "minimum_tls_version": tls(as_str(r.get("minimum_tls_version")))
        if "minimum_tls_version" in r.block.attrs
        else default(d, "minimum_tls_version"),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "auditing_enabled": as_bool(audit.get("enabled"), True)
        if audit
        else default(d, "azurerm_mssql_server_extended_auditing_policy"),
        "auditing_retention_days": as_int(audit.get("retention_in_days"), 0) if audit else None,
        "entra_admin": admin is not None,
        "entra_only_auth": as_bool(r.sub_get(admin, "azuread_authentication_only"), False),
        "tde_customer_managed_key": is_set(
            tde[0].get("key_vault_key_id")
            if tde
            else r.get("transparent_data_encryption_key_vault_key_id")
        ),
        "firewall_rules": _firewall(links, "azurerm_mssql_firewall_rule", r),
    }


def _server(links: Links, db: Any) -> Any | None:
    return links.target(db.get("server_id"), "azurerm_mssql_server")


def _server_region(links: Links, db: Any) -> Any:
    """A database has no location of its own: it is its server's."""
    server = _server(links, db)
    if server is None:
        value = db.get("server_id")
        return Unknown(f"the location of the server {getattr(value, 'text', value)}")
    return region(server.get("location"))


def _failover_partners(links: Links, db: Any) -> list[Any]:
    """Locations of the partner servers of the failover groups that hold ``db``: each
    keeps a readable copy of it."""
    out: list[Any] = []
    for group in links.resources:
        if group.type != "azurerm_mssql_failover_group":
            continue
        members = group.get("databases")
        if isinstance(members, Unknown):
            out.append(members)  # which databases the group holds is not known
            continue
        refs = {getattr(m, "ref", None) for m in members} if isinstance(members, list) else set()
        if db.address not in refs and INSTANCE_KEY.sub("", db.address) not in refs:
            continue
        for partner in group.block.children("partner_server"):
            server = links.target(group.sub_get(partner, "id"), "azurerm_mssql_server")
            out.append(
                region(server.get("location"))
                if server is not None
                else Unknown(f"the location of the partner server of {group.address}")
            )
    return out


def mssql_database(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_mssql_database"
    home = _server_region(links, r)
    server = _server(links, r)
    redundancy = as_str(r.get("storage_account_type")) or default(d, "storage_account_type")
    geo_backup = paired(home, one_of(redundancy, ("Geo", "GeoZone")))
    replicas: list[Any] = []
    source = links.target(r.get("creation_source_database_id"), "azurerm_mssql_database")
    if source is not None and same(r.get("create_mode"), "Secondary") is True:
        replicas.append(_replica(links, source, "Primary"))
    for secondary in links.all("azurerm_mssql_database", r):
        if same(secondary.get("create_mode"), "Secondary") is True:
            replicas.append(_replica(links, secondary, "Secondary"))
    partners = [p.get("partner_location") for p in replicas] + _failover_partners(links, r)
    out = common(r) | {
        "region": home,
        "server": as_str(r.get("server_id")),
        "sku": as_str(r.get("sku_name")),
        "tde_enabled": as_bool(
            r.get("transparent_data_encryption_enabled"),
            default(d, "transparent_data_encryption_enabled"),
        ),
        "geo_replicas": replicas,
        "backup_storage_redundancy": redundancy,
        "geo_backup_location": geo_backup,
        "copy_locations": copies(*partners, geo_backup, home=home),
        "zone_redundant": as_bool(r.get("zone_redundant"), False),
    }
    group = as_str(server.get("resource_group_name")) if server is not None else None
    if group is not None:
        out["resource_group"] = group
    return "azure.sql.database", out


def _replica(links: Links, db: Any, role: str) -> dict[str, Any]:
    return {
        "partner_server": as_str(db.get("server_id")),
        "partner_database": as_str(db.get("name")),
        "partner_location": _server_region(links, db),
        "role": role,
        "link_type": "GEO",
    }


def _flexible(r: TfResource, links: Links, kind: str, prefix: str) -> dict[str, Any]:
    """What PostgreSQL and MySQL flexible servers have in common."""
    out = common(r)
    geo = as_bool(
        r.get("geo_redundant_backup_enabled"), default(kind, "geo_redundant_backup_enabled")
    )
    backup = paired(out["region"], geo)
    given = r.get("public_network_access_enabled")
    public = (
        access(as_bool(given, True))
        if given is not None
        else "Disabled"
        if is_set(r.get("delegated_subnet_id")) is True
        else "Enabled"
    )
    ha = r.sub("high_availability")
    return out | {
        "version": as_str(r.get("version")),
        "sku": as_str(r.get("sku_name")),
        "require_secure_transport": _parameter(
            links,
            f"{prefix}_configuration",
            r,
            "require_secure_transport",
            default(kind, "require_secure_transport"),
        ),
        "minimum_tls_version": _min_tls(links, f"{prefix}_configuration", r),
        "public_network_access": public,
        "firewall_rules": _firewall(links, f"{prefix}_firewall_rule", r),
        "backup_retention_days": as_int(
            r.get("backup_retention_days"), default(kind, "backup_retention_days")
        ),
        "geo_redundant_backup": geo,
        "geo_backup_location": backup,
        "copy_locations": copies(backup),
        "high_availability": as_str(r.sub_get(ha, "mode")) if ha is not None else "Disabled",
        "customer_managed_key": r.sub("customer_managed_key") is not None,
    }


def postgresql_flexible(r: TfResource, links: Links) -> Normalised:
    kind = "azurerm_postgresql_flexible_server"
    auth = r.sub("authentication")
    out = _flexible(r, links, kind, "azurerm_postgresql_flexible_server")
    out["entra_auth"] = as_bool(r.sub_get(auth, "active_directory_auth_enabled"), False)
    out["password_auth"] = as_bool(r.sub_get(auth, "password_auth_enabled"), True)
    return "azure.postgresql.flexible_server", out


def mysql_flexible(r: TfResource, links: Links) -> Normalised:
    kind = "azurerm_mysql_flexible_server"
    return "azure.mysql.flexible_server", _flexible(r, links, kind, "azurerm_mysql_flexible_server")


DATABASES: dict[str, Callable[[TfResource, Links], Normalised | None]] = {
    "azurerm_mssql_server": mssql_server,
    "azurerm_mssql_database": mssql_database,
    "azurerm_postgresql_flexible_server": postgresql_flexible,
    "azurerm_mysql_flexible_server": mysql_flexible,
}
