"""Storage accounts: one hardened, one weak and geo-replicated, one in the second subscription."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

P = "Microsoft.Storage"

GOOD = rid(SUB1, "rg-data", P, "storageAccounts", "stgood")
WEAK = rid(SUB1, "rg-data", P, "storageAccounts", "stweak")
BRAZIL = rid(SUB2, "rg-br", P, "storageAccounts", "stbrazil")


def account(
    rid_: str, location: str, sku: str, secondary: str | None, **props: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": rid_,
        "name": rid_.rsplit("/", 1)[1],
        "type": "Microsoft.Storage/storageAccounts",
        "location": location,
        "kind": "StorageV2",
        "sku": {"name": sku, "tier": "Standard"},
        "tags": {"env": "prod"},
        "properties": {
            "primaryLocation": location,
            "statusOfPrimary": "available",
            "provisioningState": "Succeeded",
            "creationTime": "2026-01-02T03:04:05.0000000Z",
            **props,
        },
    }
    if secondary:
        body["properties"]["secondaryLocation"] = secondary
        body["properties"]["statusOfSecondary"] = "available"
    return body


def blob_service(account_id: str, soft_delete: bool, versioning: bool | None) -> dict[str, Any]:
    props: dict[str, Any] = {"deleteRetentionPolicy": {"enabled": soft_delete}}
    if soft_delete:
        props["deleteRetentionPolicy"]["days"] = 14
    if versioning is not None:
        props["isVersioningEnabled"] = versioning
    return {
        "id": f"{account_id}/blobServices/default",
        "name": "default",
        "type": "Microsoft.Storage/storageAccounts/blobServices",
        "properties": props,
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, P, "storageAccounts"): listing(
        account(
            GOOD,
            "germanywestcentral",
            "Standard_ZRS",
            None,
            supportsHttpsTrafficOnly=True,
            minimumTlsVersion="TLS1_2",
            allowBlobPublicAccess=False,
            allowSharedKeyAccess=False,
            publicNetworkAccess="Disabled",
            networkAcls={"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": []},
            encryption={
                "keySource": "Microsoft.Keyvault",
                "requireInfrastructureEncryption": True,
                "keyvaultproperties": {
                    "keyname": "cmk",
                    "keyvaulturi": "https://kvgood.vault.azure.net/",
                },
                "services": {"blob": {"enabled": True, "keyType": "Account"}},
            },
        ),
        account(
            WEAK,
            "westeurope",
            "Standard_RAGRS",
            "northeurope",
            supportsHttpsTrafficOnly=False,
            minimumTlsVersion="TLS1_0",
            allowBlobPublicAccess=True,
            networkAcls={"defaultAction": "Allow", "bypass": "AzureServices"},
            encryption={"keySource": "Microsoft.Storage"},
        ),
    ),
    sub_path(SUB2, P, "storageAccounts"): listing(
        account(
            BRAZIL,
            "brazilsouth",
            "Standard_GRS",
            "southcentralus",
            supportsHttpsTrafficOnly=True,
            minimumTlsVersion="TLS1_2",
            allowBlobPublicAccess=False,
            allowSharedKeyAccess=True,
            networkAcls={"defaultAction": "Deny"},
            encryption={"keySource": "Microsoft.Storage", "requireInfrastructureEncryption": False},
        )
    ),
    f"{GOOD}/blobServices/default": blob_service(GOOD, True, True),
    f"{WEAK}/blobServices/default": blob_service(WEAK, False, None),
    f"{BRAZIL}/blobServices/default": blob_service(BRAZIL, True, False),
}
