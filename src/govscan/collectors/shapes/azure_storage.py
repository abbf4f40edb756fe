"""Storage accounts (``Microsoft.Storage/storageAccounts``), with the blob service's
soft delete and versioning when that detail was read."""

from __future__ import annotations

from typing import Any

from govscan.collectors.shapes.azure_details import Details
from govscan.collectors.shapes.azure_util import (
    dig,
    lower_location,
    obj,
    objs,
    paired_region,
    props,
    tls,
)

ACCOUNT = "azure.storage.account"

GEO_SKUS = frozenset({"GRS", "RAGRS", "GZRS", "RAGZRS"})
READ_SECONDARY_SKUS = frozenset({"RAGRS", "RAGZRS"})
BLOB_FIELDS = ("blob_soft_delete", "container_soft_delete", "versioning")


def replication(sku: Any) -> dict[str, Any]:
    """``Standard_RAGRS`` -> ``{sku: RAGRS, geo_redundant: true, read_access_secondary: true}``."""
    part = sku.rsplit("_", 1)[-1].upper() if isinstance(sku, str) and sku else None
    return {
        "sku": part,
        "geo_redundant": part in GEO_SKUS,
        "read_access_secondary": part in READ_SECONDARY_SKUS,
    }


def _retention(policy: Any) -> dict[str, Any]:
    on = bool(dig(policy, "enabled"))
    days = dig(policy, "days")
    return {"enabled": on, "days": days if on and isinstance(days, int) else None}


def _key_uri(encryption: dict[str, Any]) -> str | None:
    kv = obj(encryption.get("keyvaultproperties"))
    current = kv.get("currentVersionedKeyIdentifier")
    if current:
        return str(current)
    uri, name = kv.get("keyvaulturi"), kv.get("keyname")
    if not uri or not name:
        return None
    version = kv.get("keyversion")
    return f"{str(uri).rstrip('/')}/keys/{name}" + (f"/{version}" if version else "")


def account(arm: dict[str, Any], got: Details) -> dict[str, Any]:
    """One storage account from its ARM JSON and, when fetched, its blob service."""
    p = props(arm)
    sku = dig(arm, "sku", "name")
    repl = replication(sku)
    secondary = None
    if repl["geo_redundant"]:
        # The API names the secondary; an account that omits it still has its pair.
        secondary = lower_location(p.get("secondaryLocation")) or paired_region(arm.get("location"))
    acls = obj(p.get("networkAcls"))
    encryption = obj(p.get("encryption"))
    bypass = acls.get("bypass")
    data: dict[str, Any] = {
        "kind": arm.get("kind"),
        "sku": sku,
        "replication": repl,
        "secondary_location": secondary,
        "copy_locations": [secondary] if secondary else [],
        "https_only": p.get("supportsHttpsTrafficOnly") is not False,
        "minimum_tls_version": tls(p.get("minimumTlsVersion") or "TLS1_0"),
        # Documented defaults when the property was never set on the account.
        "allow_blob_public_access": p.get("allowBlobPublicAccess", True) is not False,
        "allow_shared_key_access": p.get("allowSharedKeyAccess", True) is not False,
        "allow_cross_tenant_replication": p.get("allowCrossTenantReplication"),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "network_default_action": acls.get("defaultAction") or "Allow",
        "network_bypass": [b.strip() for b in str(bypass).split(",") if b.strip()]
        if bypass and bypass != "None"
        else [],
        "ip_rules": [r.get("value") for r in objs(acls.get("ipRules")) if r.get("value")],
        "infrastructure_encryption": bool(encryption.get("requireInfrastructureEncryption")),
        "customer_managed_key": str(encryption.get("keySource", "")).lower()
        == "microsoft.keyvault",
        "key_vault_key_uri": _key_uri(encryption),
        "created": p.get("creationTime"),
    }
    if "blob_service" in got:
        blob = props(got.get("blob_service"))
        data["blob_soft_delete"] = _retention(blob.get("deleteRetentionPolicy"))
        data["container_soft_delete"] = _retention(blob.get("containerDeleteRetentionPolicy"))
        data["versioning"] = bool(blob.get("isVersioningEnabled"))
    return data
