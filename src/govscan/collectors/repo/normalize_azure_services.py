"""Terraform definitions of Azure apps, clusters, registries, Cosmos DB accounts and
backup vaults, in the shapes of the live Azure collector (conventions:
``normalize_azure``); the databases are in ``normalize_azure_databases``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.azure_defaults import default
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_databases import DATABASES
from govscan.collectors.repo.normalize_azure_links import (
    Links,
    Normalised,
    access,
    arg,
    block_arg,
    common,
    copies,
    identity_type,
    paired,
    region,
    tls,
)
from govscan.collectors.repo.normalize_azure_retention import backup_policies
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_bool, as_int, as_str, is_set, same


def web_app(r: TfResource, _: Links) -> Normalised:
    d = r.type
    site = r.sub("site_config")
    identity = identity_type(r)
    return "azure.web.app", common(r) | {
        "kind": "app,linux" if d == "azurerm_linux_web_app" else "app",
        "https_only": as_bool(r.get("https_only"), default(d, "https_only")),
        "minimum_tls_version": tls(as_str(r.sub_get(site, "minimum_tls_version")))
        or default(d, "site_config.minimum_tls_version"),
        "ftps_state": as_str(r.sub_get(site, "ftps_state")) or default(d, "site_config.ftps_state"),
        "http20_enabled": as_bool(r.sub_get(site, "http2_enabled"), False),
        "remote_debugging": as_bool(r.sub_get(site, "remote_debugging_enabled"), False),
        "client_cert_enabled": as_bool(r.get("client_certificate_enabled"), False),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "identity_type": identity,
        "has_managed_identity": identity if isinstance(identity, Unknown) else identity is not None,
    }


def _pool(r: Any, block: Any, mode: str) -> dict[str, Any]:
    return {
        "name": as_str(r.sub_get(block, "name")),
        "mode": as_str(r.sub_get(block, "mode")) or mode,
        "vm_size": as_str(r.sub_get(block, "vm_size")),
        "encryption_at_host": as_bool(
            block_arg(r, block, "host_encryption_enabled", "enable_host_encryption"), False
        ),
        "node_public_ip": as_bool(
            block_arg(r, block, "node_public_ip_enabled", "enable_node_public_ip"), False
        ),
    }


def kubernetes_cluster(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_kubernetes_cluster"
    entra = r.sub("azure_active_directory_role_based_access_control")
    api = r.sub("api_server_access_profile")
    ranges = r.sub_get(api, "authorized_ip_ranges", r.get("api_server_authorized_ip_ranges"))
    pools: list[Any] = [_pool(r, b, "System") for b in r.block.children("default_node_pool")]
    pools += [
        _pool(p, p.block, "User") for p in links.all("azurerm_kubernetes_cluster_node_pool", r)
    ]
    return "azure.containerservice.cluster", common(r) | {
        "kubernetes_version": as_str(r.get("kubernetes_version")),
        "rbac_enabled": as_bool(
            r.get("role_based_access_control_enabled"),
            default(d, "role_based_access_control_enabled"),
        ),
        "entra_integration": entra is not None,
        "azure_rbac": as_bool(r.sub_get(entra, "azure_rbac_enabled"), False),
        "local_accounts_disabled": as_bool(
            r.get("local_account_disabled"), default(d, "local_account_disabled")
        ),
        "private_cluster": as_bool(
            r.get("private_cluster_enabled"), default(d, "private_cluster_enabled")
        ),
        "authorized_ip_ranges": ranges if isinstance(ranges, list | Unknown) else [],
        "network_policy": as_str(r.sub_get(r.sub("network_profile"), "network_policy")),
        "azure_policy_enabled": as_bool(r.get("azure_policy_enabled"), False),
        "automatic_upgrade_channel": as_str(
            arg(r, "automatic_upgrade_channel", "automatic_channel_upgrade")
        ),
        "node_pools": pools,
    }


def container_registry(r: TfResource, _: Links) -> Normalised:
    d = "azurerm_container_registry"
    out = common(r)
    replicas = [region(r.sub_get(b, "location")) for b in r.block.children("georeplications")]
    rules = r.sub("network_rule_set")
    return "azure.containerregistry.registry", out | {
        "sku": as_str(r.get("sku")),
        "admin_user_enabled": as_bool(r.get("admin_enabled"), default(d, "admin_enabled")),
        "anonymous_pull_enabled": as_bool(r.get("anonymous_pull_enabled"), False),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "network_default_action": as_str(r.sub_get(rules, "default_action"))
        if rules is not None
        else "Allow",
        "customer_managed_key": r.sub("encryption") is not None,
        "replication_locations": replicas,
        "copy_locations": copies(*replicas, home=out["region"]),
    }


def cosmosdb_account(r: TfResource, _: Links) -> Normalised:
    d = "azurerm_cosmosdb_account"
    out = common(r)
    locations = [
        {
            "location": region(r.sub_get(b, "location")),
            "failover_priority": as_int(r.sub_get(b, "failover_priority"), None),
            "zone_redundant": as_bool(r.sub_get(b, "zone_redundant"), False),
        }
        for b in r.block.children("geo_location")
    ]
    backup = r.sub("backup")
    metadata = as_bool(r.get("access_key_metadata_writes_enabled"), True)
    return "azure.cosmosdb.account", out | {
        "kind": as_str(r.get("kind")) or "GlobalDocumentDB",
        "locations": locations,
        "copy_locations": copies(*(loc["location"] for loc in locations), home=out["region"]),
        "multiple_write_locations": as_bool(
            arg(r, "multiple_write_locations_enabled", "enable_multiple_write_locations"), False
        ),
        "automatic_failover": as_bool(
            arg(r, "automatic_failover_enabled", "enable_automatic_failover"), False
        ),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "network_filter_enabled": as_bool(r.get("is_virtual_network_filter_enabled"), False),
        "ip_rules": _ip_filter(r.get("ip_range_filter")),
        "key_based_metadata_write_disabled": metadata
        if isinstance(metadata, Unknown)
        else not metadata,
        "local_auth_disabled": as_bool(
            r.get("local_authentication_disabled"), default(d, "local_authentication_disabled")
        ),
        "customer_managed_key": is_set(r.get("key_vault_key_id")),
        "minimum_tls_version": tls(as_str(r.get("minimal_tls_version")))
        or default(d, "minimal_tls_version"),
        "backup_policy": as_str(r.sub_get(backup, "type")) or "Periodic",
        "backup_storage_redundancy": as_str(r.sub_get(backup, "storage_redundancy")) or "Geo",
    }


def _ip_filter(value: Any) -> Any:
    """``ip_range_filter``: a set of ranges (v4) or one comma-separated string (v3)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Unknown):
        return value
    return [v for v in value if isinstance(v, str | Unknown)] if isinstance(value, list) else []


def recovery_vault(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_recovery_services_vault"
    out = common(r)
    mode = as_str(r.get("storage_mode_type")) or default(d, "storage_mode_type")
    secondary = paired(out["region"], same(mode, "GeoRedundant"))
    return "azure.recoveryservices.vault", out | {
        "sku": as_str(r.get("sku")),
        "storage_redundancy": mode,
        "cross_region_restore": as_bool(
            r.get("cross_region_restore_enabled"), default(d, "cross_region_restore_enabled")
        ),
        "secondary_location": secondary,
        "copy_locations": copies(secondary),
        "soft_delete": as_bool(r.get("soft_delete_enabled"), default(d, "soft_delete_enabled")),
        "immutability": as_str(r.get("immutability")) or "Disabled",
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "customer_managed_key": r.sub("encryption") is not None,
    } | backup_policies(r, links)


SERVICES: dict[str, Callable[[TfResource, Links], Normalised | None]] = {
    **DATABASES,
    "azurerm_linux_web_app": web_app,
    "azurerm_windows_web_app": web_app,
    "azurerm_kubernetes_cluster": kubernetes_cluster,
    "azurerm_container_registry": container_registry,
    "azurerm_cosmosdb_account": cosmosdb_account,
    "azurerm_recovery_services_vault": recovery_vault,
}
