"""Key Vaults with keys and secrets; one secret carries a value no bundle may hold."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, TENANT, listing, rid, sub_path

P = "Microsoft.KeyVault"

GOOD = rid(SUB1, "rg-sec", P, "vaults", "kvgood")
WEAK = rid(SUB1, "rg-sec", P, "vaults", "kvweak")
SECRET_VALUE = "GOVSCAN-TEST-SECRET-VALUE-7f3a9c"
"""Seeded into a listed secret: it must never reach a resource or a bundle file."""
EXPIRES = 1893456000
"""2030-01-01T00:00:00Z as Key Vault attributes spell it (seconds since the epoch)."""


def vault(vault_id: str, **props: Any) -> dict[str, Any]:
    name = vault_id.rsplit("/", 1)[1]
    return {
        "id": vault_id,
        "name": name,
        "type": "Microsoft.KeyVault/vaults",
        "location": "germanywestcentral",
        "tags": {},
        "properties": {
            "tenantId": TENANT,
            "sku": {"family": "A", "name": "standard"},
            "vaultUri": f"https://{name}.vault.azure.net/",
            "accessPolicies": [],
            **props,
        },
    }


def key(vault_id: str, name: str, exp: int | None, rotate: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"enabled": True, "created": 1767225600, "updated": 1767225600}
    if exp is not None:
        attrs["exp"] = exp
    props: dict[str, Any] = {
        "attributes": attrs,
        "kty": "RSA",
        "keySize": 2048,
        "keyUri": f"https://{vault_id.rsplit('/', 1)[1]}.vault.azure.net/keys/{name}",
    }
    if rotate:
        props["rotationPolicy"] = {
            "attributes": {"expiryTime": "P1Y"},
            "lifetimeActions": [
                {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "rotate"}},
                {"trigger": {"timeBeforeExpiry": "P7D"}, "action": {"type": "notify"}},
            ],
        }
    return {
        "id": f"{vault_id}/keys/{name}",
        "name": name,
        "type": f"{P}/vaults/keys",
        "properties": props,
    }


def secret(vault_id: str, name: str, exp: int | None, value: str | None = None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"enabled": True}
    if exp is not None:
        attrs["exp"] = exp
    props: dict[str, Any] = {"attributes": attrs, "contentType": "text/plain"}
    if value is not None:
        # The management plane should never send a value; a hostile or buggy one might.
        props["value"] = value
    return {
        "id": f"{vault_id}/secrets/{name}",
        "name": name,
        "type": f"{P}/vaults/secrets",
        "properties": props,
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, P, "vaults"): listing(
        vault(
            GOOD,
            enableSoftDelete=True,
            softDeleteRetentionInDays=90,
            enablePurgeProtection=True,
            enableRbacAuthorization=True,
            publicNetworkAccess="Disabled",
            networkAcls={"defaultAction": "Deny", "bypass": "AzureServices"},
            privateEndpointConnections=[
                {
                    "id": f"{GOOD}/privateEndpointConnections/pe-1",
                    "properties": {"privateLinkServiceConnectionState": {"status": "Approved"}},
                }
            ],
        ),
        vault(WEAK, enableRbacAuthorization=False, publicNetworkAccess="Enabled"),
    ),
    sub_path(SUB2, P, "vaults"): listing(),
    f"{GOOD}/keys": listing(key(GOOD, "cmk", EXPIRES, True)),
    f"{WEAK}/keys": listing(key(WEAK, "legacy", None, False)),
    f"{GOOD}/secrets": listing(secret(GOOD, "db-password", EXPIRES)),
    f"{WEAK}/secrets": listing(
        secret(WEAK, "api-token", None, SECRET_VALUE), secret(WEAK, "old-cert", EXPIRES)
    ),
}
