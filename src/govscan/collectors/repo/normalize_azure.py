"""Terraform ``azurerm_*`` resources in the shapes of the live Azure collector.

The same control judges the live resource and its definition, so every field
here has the meaning documented in ``data/resource_types/azure.yaml``. Where
azurerm leaves an argument out, the provider's or Azure's default applies and
is written explicitly (one table, ``azure_defaults``); a value not known before
apply stays an ``Unknown`` for ``unknowns.split``, as in ``normalize_aws``.
The region is the resource's own ``location`` argument (``West Europe`` written
as ARM writes it, ``westeurope``); geo-redundant copies go to the location's
paired region (the pairs table of ``data/jurisdictions/azure.yaml``). Fields
only the running resource knows (state, creation time, attachments) are left
out; controls on them declare ``origins: [cloud]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from govscan.collectors.repo.azure_defaults import default
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_links import (
    Links,
    NoPair,
    Normalised,
    access,
    arg,
    block_arg,
    common,
    copies,
    paired,
    tls,
)
from govscan.collectors.repo.normalize_azure_nsg import security_group
from govscan.collectors.repo.normalize_azure_retention import (
    RETENTION,
    lifecycle_delete_after_days,
)
from govscan.collectors.repo.normalize_azure_services import SERVICES
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_bool, as_int, as_str, is_set, one_of, split

LINK_ARGS = (
    "storage_account_id",
    "storage_account_name",
    "key_vault_id",
    "network_security_group_name",
    "server_id",
    # MySQL flexible server parameters and firewall rules name their server.
    "server_name",
    "kubernetes_cluster_id",
    "creation_source_database_id",
    # Backup policies name their Recovery Services vault.
    "recovery_vault_name",
)
"""Arguments by which a resource names the one it belongs to."""

_GEO = ("GRS", "RAGRS", "GZRS", "RAGZRS")


def storage_account(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_storage_account"
    out = common(r)
    tier = as_str(r.get("account_tier"))
    redundancy = as_str(r.get("account_replication_type"))
    geo = one_of(redundancy, _GEO)
    secondary = paired(out["region"], geo)
    rules = links.all("azurerm_storage_account_network_rules", r)
    owner, net = (rules[0], rules[0].block) if rules else (r, r.sub("network_rules"))
    blob = r.sub("blob_properties")
    retention = r.sub("blob_properties", "delete_retention_policy")
    containers = r.sub("blob_properties", "container_delete_retention_policy")
    cmk = r.sub("customer_managed_key")
    cmk_links = links.all("azurerm_storage_account_customer_managed_key", r)
    key_id = (
        cmk_links[0].get("key_vault_key_id") if cmk_links else r.sub_get(cmk, "key_vault_key_id")
    )
    out |= {
        "kind": as_str(r.get("account_kind")) or default(d, "account_kind"),
        "sku": f"{tier}_{redundancy}"
        if isinstance(tier, str) and isinstance(redundancy, str)
        else tier
        if isinstance(tier, Unknown)
        else redundancy,
        "replication": {
            "sku": redundancy,
            "geo_redundant": geo,
            "read_access_secondary": one_of(redundancy, ("RAGRS", "RAGZRS")),
        },
        "secondary_location": secondary,
        "copy_locations": copies(secondary),
        "https_only": as_bool(
            arg(r, "https_traffic_only_enabled", "enable_https_traffic_only"),
            default(d, "https_traffic_only_enabled"),
        ),
        "minimum_tls_version": tls(as_str(r.get("min_tls_version")))
        or default(d, "min_tls_version"),
        "allow_blob_public_access": as_bool(
            arg(r, "allow_nested_items_to_be_public", "allow_blob_public_access"),
            default(d, "allow_nested_items_to_be_public"),
        ),
        "allow_shared_key_access": as_bool(
            r.get("shared_access_key_enabled"), default(d, "shared_access_key_enabled")
        ),
        "allow_cross_tenant_replication": as_bool(
            r.get("cross_tenant_replication_enabled"),
            default(d, "cross_tenant_replication_enabled"),
        ),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "network_default_action": as_str(owner.sub_get(net, "default_action"))
        if net is not None
        else default(d, "network_rules"),
        "network_bypass": _strings(owner.sub_get(net, "bypass")) if net is not None else [],
        "ip_rules": _strings(owner.sub_get(net, "ip_rules")) if net is not None else [],
        "infrastructure_encryption": as_bool(
            r.get("infrastructure_encryption_enabled"),
            default(d, "infrastructure_encryption_enabled"),
        ),
        "customer_managed_key": bool(cmk_links or cmk is not None),
        "key_vault_key_uri": as_str(key_id),
        "blob_soft_delete": _retention(r, retention),
        "container_soft_delete": _retention(r, containers),
        "versioning": as_bool(
            r.sub_get(blob, "versioning_enabled"), default(d, "blob_properties.versioning_enabled")
        ),
        "lifecycle_delete_after_days": lifecycle_delete_after_days(r, links),
    }
    for kind, fields in (
        (
            "azurerm_storage_account_network_rules",
            ("network_default_action", "network_bypass", "ip_rules"),
        ),
        (
            "azurerm_storage_account_customer_managed_key",
            ("customer_managed_key", "key_vault_key_uri"),
        ),
    ):
        why = links.unknown(kind)
        if why is not None and not links.all(kind, r):
            out |= dict.fromkeys(fields, why)
    return "azure.storage.account", out


def _retention(r: TfResource, block: Any) -> dict[str, Any]:
    """A soft-delete policy: the block turns it on (7 days unless it says otherwise)."""
    if block is None:
        return {"enabled": False, "days": None}
    return {"enabled": True, "days": as_int(r.sub_get(block, "days"), 7)}


def _strings(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return [v for v in value if isinstance(v, str | Unknown)] if isinstance(value, list) else []


def managed_disk(r: TfResource, _: Links) -> Normalised:
    d = "azurerm_managed_disk"
    des = r.get("disk_encryption_set_id")
    cmk = is_set(des)
    ade = r.sub("encryption_settings")
    return "azure.compute.disk", common(r) | {
        "sku": as_str(r.get("storage_account_type")),
        "size_gb": as_int(r.get("disk_size_gb"), None),
        "os_type": as_str(r.get("os_type")),
        "encryption_type": "EncryptionAtRestWithCustomerKey"
        if cmk is True
        else cmk
        if isinstance(cmk, Unknown)
        else default(d, "disk_encryption_set_id"),
        "customer_managed_key": cmk,
        "disk_encryption_set_id": as_str(des),
        "ade_enabled": as_bool(r.sub_get(ade, "enabled"), True) if ade is not None else False,
        "network_access_policy": as_str(r.get("network_access_policy"))
        or default(d, "network_access_policy"),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
    }


def key_vault(r: TfResource, links: Links) -> Normalised:
    d = "azurerm_key_vault"
    acls = r.sub("network_acls")
    keys: list[Any] = [_key(k) for k in links.all("azurerm_key_vault_key", r)]
    secrets: list[Any] = [
        {
            "name": as_str(s.get("name")),
            "enabled": True,
            "content_type": as_str(s.get("content_type")),
            # Never the value: names and dates only.
            "expires": as_str(s.get("expiration_date")),
        }
        for s in links.all("azurerm_key_vault_secret", r)
    ]
    for kind, items in (("azurerm_key_vault_key", keys), ("azurerm_key_vault_secret", secrets)):
        why = links.unknown(kind)
        if why is not None:
            items.append(why)  # an unknown item: the list is not known
    return "azure.keyvault.vault", common(r) | {
        "sku": as_str(r.get("sku_name")),
        "soft_delete": default(d, "soft_delete"),
        "soft_delete_retention_days": as_int(
            r.get("soft_delete_retention_days"), default(d, "soft_delete_retention_days")
        ),
        "purge_protection": as_bool(
            r.get("purge_protection_enabled"), default(d, "purge_protection_enabled")
        ),
        "rbac_authorization": as_bool(
            arg(r, "rbac_authorization_enabled", "enable_rbac_authorization"),
            default(d, "rbac_authorization_enabled"),
        ),
        "public_network_access": access(as_bool(r.get("public_network_access_enabled"), True)),
        "network_default_action": as_str(r.sub_get(acls, "default_action"))
        if acls is not None
        else "Allow",
        "keys": keys,
        "secrets": secrets,
    }


def _key(k: Any) -> dict[str, Any]:
    policy = k.sub("rotation_policy", "automatic")
    rotates = is_set(block_arg(k, policy, "time_before_expiry", "time_after_create"))
    return {
        "name": as_str(k.get("name")),
        "enabled": True,
        "key_type": as_str(k.get("key_type")),
        "expires": as_str(k.get("expiration_date")),
        "rotation_policy": rotates if policy is not None else False,
    }


def resource_group(r: TfResource, _: Links) -> Normalised:
    out = common(r)
    out["managed_by"] = as_str(r.get("managed_by"))
    return "azure.resource_group", out


NORMALISERS: dict[str, Callable[[TfResource, Links], Normalised | None]] = {
    "azurerm_resource_group": resource_group,
    "azurerm_storage_account": storage_account,
    "azurerm_managed_disk": managed_disk,
    "azurerm_network_security_group": security_group,
    "azurerm_key_vault": key_vault,
    **SERVICES,
    **RETENTION,
}


def located(r: TfResource) -> Normalised:
    """Any other azurerm resource that names its own location: judged for residency."""
    out = common(r)
    out["resource_type"] = r.type
    return "azure.resource", out


_NO_PAIR_FIELDS = ("secondary_location", "geo_backup_location", "copy_locations")


def normalise(
    resources: list[TfResource],
) -> Iterable[tuple[TfResource, str, dict[str, Any], dict[str, str]]]:
    """Each resource as (resource, type, data, unknown paths -> reason)."""
    links = Links(resources, LINK_ARGS)
    for r in resources:
        fn = NORMALISERS.get(r.type)
        if fn is not None:
            out = fn(r, links)
        elif r.type.startswith("azurerm_") and "location" in r.block.attrs:
            out = located(r)
        else:
            continue
        if out is None:
            continue
        data, unknown = split(out[1])
        if "region" in unknown:
            # Not even a placeholder: the region also places the resource in reports.
            data.pop("region", None)
        for field in _NO_PAIR_FIELDS:
            value = out[1].get(field)
            found = value if isinstance(value, NoPair) else None
            if isinstance(value, list):
                found = next((v for v in value if isinstance(v, NoPair)), None)
            if found is not None:
                # Not a value Terraform lacks: govscan cannot name the copy's region.
                why = f"the geo-redundant copy's region is not known: {found.text}"
                unknown |= {p: why for p in unknown if p == field or p.startswith(field + "[")}
        yield r, out[0], data, unknown
