"""Key Vaults (``Microsoft.KeyVault/vaults``), with the names and dates of their keys
and secrets when those lists were read. Only the documented metadata is copied:
nothing a response might carry beyond it reaches a resource."""

from __future__ import annotations

from typing import Any

from govscan.collectors.shapes.azure_details import Details
from govscan.collectors.shapes.azure_util import dig, epoch, items, obj, objs, props

VAULT = "azure.keyvault.vault"


def rotates(policy: Any) -> bool:
    """The key's rotation policy rotates it automatically (a lifetime action ``rotate``)."""
    return any(
        str(dig(a, "action", "type") or "").lower() == "rotate"
        for a in objs(dig(policy, "lifetimeActions"))
    )


def key(arm: dict[str, Any]) -> dict[str, Any]:
    p = props(arm)
    attrs = obj(p.get("attributes"))
    return {
        "name": arm.get("name"),
        "enabled": attrs.get("enabled", True) is not False,
        "key_type": p.get("kty"),
        "expires": epoch(attrs.get("exp")),
        "rotation_policy": rotates(p.get("rotationPolicy")),
    }


def secret(arm: dict[str, Any]) -> dict[str, Any]:
    # Names and dates only: the value (which this API should never send) is not read.
    p = props(arm)
    attrs = obj(p.get("attributes"))
    return {
        "name": arm.get("name"),
        "enabled": attrs.get("enabled", True) is not False,
        "content_type": p.get("contentType"),
        "expires": epoch(attrs.get("exp")),
    }


def vault(arm: dict[str, Any], got: Details) -> dict[str, Any]:
    p = props(arm)
    approved = [
        c
        for c in objs(p.get("privateEndpointConnections"))
        if str(dig(c, "properties", "privateLinkServiceConnectionState", "status")).lower()
        == "approved"
    ]
    data: dict[str, Any] = {
        "vault_uri": p.get("vaultUri"),
        "sku": dig(p, "sku", "name"),
        # Soft delete can no longer be turned off: an unset flag means it is on.
        "soft_delete": p.get("enableSoftDelete") is not False,
        "soft_delete_retention_days": p.get("softDeleteRetentionInDays") or 90,
        "purge_protection": bool(p.get("enablePurgeProtection")),
        "rbac_authorization": bool(p.get("enableRbacAuthorization")),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "network_default_action": dig(p, "networkAcls", "defaultAction") or "Allow",
        "private_endpoints": len(approved),
    }
    if "keys" in got:
        data["keys"] = [key(k) for k in items(got.get("keys"))]
    if "secrets" in got:
        data["secrets"] = [secret(s) for s in items(got.get("secrets"))]
    return data
