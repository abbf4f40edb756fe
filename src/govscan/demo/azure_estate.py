"""The demo company's Azure subscription, as Azure Resource Manager and Microsoft Graph
answer for it (``path -> JSON`` for ``govscan.demo.restserver``).

Brauwerk Digital runs its shop back end in germanywestcentral. Deliberate findings:

- ``stbrauwerkexport``: a GRS storage account in eastus whose paired secondary is
  westus, both outside the EU/EEA;
- ``nsg-office-rdp``: RDP (3389) open to the Internet;
- ``kv-brauwerk-legacy``: a Key Vault without purge protection;
- ``stbrauwerkexport`` again: no lifecycle policy, so exports are kept forever
  (``govscan.demo.azure_retention``).

Everything else is configured well, so the report shows passes too.
"""

from __future__ import annotations

from typing import Any

from govscan.demo import azure_entra, azure_retention, azure_subscription

SUBSCRIPTION = "5e1f0c2a-7b3d-4c8e-9a10-00000000b12a"
TENANT = "7b1e0d3c-2a4f-4e6b-8c9d-0000000bea12"
CLIENT_ID = "0c11e000-d3e0-4000-8000-00000000de30"
LOCATION = "germanywestcentral"

_SUB = f"/subscriptions/{SUBSCRIPTION}"


def _rid(group: str, provider: str, *parts: str) -> str:
    return f"{_SUB}/resourceGroups/{group}/providers/{provider}/" + "/".join(parts)


def _listing(*items: dict[str, Any]) -> dict[str, Any]:
    return {"value": list(items)}


def _group(name: str, location: str) -> dict[str, Any]:
    return {
        "id": f"{_SUB}/resourceGroups/{name}",
        "name": name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "properties": {"provisioningState": "Succeeded"},
        "tags": {"owner": "platform"},
    }


def _storage(name: str, location: str, sku: str, secondary: str | None, **props: Any) -> Any:
    rid = _rid("rg-data", "Microsoft.Storage", "storageAccounts", name)
    body: dict[str, Any] = {
        "id": rid,
        "name": name,
        "type": "Microsoft.Storage/storageAccounts",
        "location": location,
        "kind": "StorageV2",
        "sku": {"name": sku, "tier": "Standard"},
        "tags": {"app": "shop"},
        "properties": {
            "primaryLocation": location,
            "statusOfPrimary": "available",
            "provisioningState": "Succeeded",
            "creationTime": "2026-01-12T08:00:00.0000000Z",
            **props,
        },
    }
    if secondary:
        body["properties"]["secondaryLocation"] = secondary
        body["properties"]["statusOfSecondary"] = "available"
    return body


def _blob_service(account_id: str, soft_delete: bool, versioning: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "deleteRetentionPolicy": {"enabled": soft_delete, "days": 14},
        "containerDeleteRetentionPolicy": {"enabled": soft_delete, "days": 14},
        "isVersioningEnabled": versioning,
    }
    return {
        "id": f"{account_id}/blobServices/default",
        "name": "default",
        "type": "Microsoft.Storage/storageAccounts/blobServices",
        "properties": props,
    }


_HARDENED = {
    "supportsHttpsTrafficOnly": True,
    "minimumTlsVersion": "TLS1_2",
    "allowBlobPublicAccess": False,
    "allowSharedKeyAccess": False,
    "allowCrossTenantReplication": False,
    "publicNetworkAccess": "Disabled",
    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": []},
}
STORAGE_SHOP = _storage(
    "stbrauwerkshop",
    LOCATION,
    "Standard_GRS",
    "germanynorth",
    **_HARDENED,
    encryption={
        "keySource": "Microsoft.Keyvault",
        "requireInfrastructureEncryption": True,
        "keyvaultproperties": {
            "keyname": "cmk-storage",
            "keyvaulturi": "https://kv-brauwerk-prod.vault.azure.net/",
        },
        "services": {"blob": {"enabled": True, "keyType": "Account"}},
    },
)
STORAGE_EXPORT = _storage(
    "stbrauwerkexport",
    "eastus",
    "Standard_GRS",
    "westus",
    **_HARDENED,
    encryption={"keySource": "Microsoft.Storage", "requireInfrastructureEncryption": False},
)


def _vault(name: str, **props: Any) -> dict[str, Any]:
    return {
        "id": _rid("rg-security", "Microsoft.KeyVault", "vaults", name),
        "name": name,
        "type": "Microsoft.KeyVault/vaults",
        "location": LOCATION,
        "tags": {},
        "properties": {
            "tenantId": TENANT,
            "sku": {"family": "A", "name": "standard"},
            "vaultUri": f"https://{name}.vault.azure.net/",
            "accessPolicies": [],
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "enableRbacAuthorization": True,
            "publicNetworkAccess": "Disabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
            **props,
        },
    }


VAULT_PROD = _vault("kv-brauwerk-prod", enablePurgeProtection=True)
VAULT_LEGACY = _vault("kv-brauwerk-legacy")


def _key(vault: dict[str, Any], name: str) -> dict[str, Any]:
    return {
        "id": f"{vault['id']}/keys/{name}",
        "name": name,
        "type": "Microsoft.KeyVault/vaults/keys",
        "properties": {
            "attributes": {"enabled": True, "created": 1767225600, "exp": 1893456000},
            "kty": "RSA",
            "keySize": 3072,
            "keyUri": f"https://{vault['name']}.vault.azure.net/keys/{name}",
            "rotationPolicy": {
                "attributes": {"expiryTime": "P1Y"},
                "lifetimeActions": [
                    {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "rotate"}}
                ],
            },
        },
    }


def _secret(vault: dict[str, Any], name: str) -> dict[str, Any]:
    # Metadata only: the management plane never sends a secret's value.
    return {
        "id": f"{vault['id']}/secrets/{name}",
        "name": name,
        "type": "Microsoft.KeyVault/vaults/secrets",
        "properties": {"attributes": {"enabled": True, "exp": 1893456000}},
    }


def _rule(nsg: str, name: str, priority: int, **props: Any) -> dict[str, Any]:
    return {
        "id": f"{nsg}/securityRules/{name}",
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": {
            "access": "Allow",
            "direction": "Inbound",
            "priority": priority,
            "protocol": "Tcp",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "provisioningState": "Succeeded",
            **props,
        },
    }


def _nsg(name: str, rules: list[dict[str, Any]], subnets: list[str]) -> dict[str, Any]:
    nsg = _rid("rg-network", "Microsoft.Network", "networkSecurityGroups", name)
    return {
        "id": nsg,
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups",
        "location": LOCATION,
        "properties": {
            "securityRules": [_rule(nsg, **r) for r in rules],
            "defaultSecurityRules": [],
            "subnets": [{"id": s} for s in subnets],
            "provisioningState": "Succeeded",
        },
    }


_VNET = _rid("rg-network", "Microsoft.Network", "virtualNetworks", "vnet-shop")
NSG_APP = _nsg(
    "nsg-shop-app",
    [
        {
            "name": "https-from-gateway",
            "priority": 100,
            "sourceAddressPrefix": "10.20.0.0/24",
            "destinationPortRange": "443",
        }
    ],
    [f"{_VNET}/subnets/app"],
)
NSG_RDP = _nsg(
    "nsg-office-rdp",
    [
        {
            "name": "rdp-from-internet",
            "priority": 100,
            "sourceAddressPrefix": "Internet",
            "destinationPortRange": "3389",
        }
    ],
    [],
)
VNET = {
    "id": _VNET,
    "name": "vnet-shop",
    "type": "Microsoft.Network/virtualNetworks",
    "location": LOCATION,
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
        "subnets": [
            {
                "id": f"{_VNET}/subnets/app",
                "name": "app",
                "properties": {
                    "addressPrefix": "10.20.1.0/24",
                    "networkSecurityGroup": {"id": NSG_APP["id"]},
                },
            }
        ],
    },
}


def _generic(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("id", "name", "type", "location")}


def _flow_log(watcher: str, target: str, storage: str) -> dict[str, Any]:
    name = f"fl-{target.rsplit('/', 1)[1]}"
    return {
        "id": f"{watcher}/flowLogs/{name}",
        "name": name,
        "type": "Microsoft.Network/networkWatchers/flowLogs",
        "location": LOCATION,
        "properties": {
            "targetResourceId": target,
            "storageId": storage,
            "enabled": True,
            "retentionPolicy": {"days": 90, "enabled": True},
        },
    }


def _subscription() -> dict[str, Any]:
    return {
        "id": _SUB,
        "subscriptionId": SUBSCRIPTION,
        "tenantId": TENANT,
        "displayName": "brauwerk-prod",
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01"},
    }


_EMPTY_KINDS = (
    "Microsoft.Compute/disks",
    "Microsoft.Compute/virtualMachines",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.DBforMySQL/flexibleServers",
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "Microsoft.Sql/servers",
    "Microsoft.Web/sites",
)
"""Resource kinds the company does not use: listed, and empty."""


def routes() -> dict[str, Any]:
    """Every path the demo scan reads, with its answer."""
    storage = (STORAGE_SHOP, STORAGE_EXPORT)
    out: dict[str, Any] = {
        "/subscriptions": _listing(_subscription()),
        _SUB: _subscription(),
        f"{_SUB}/resourcegroups": _listing(
            _group("rg-data", LOCATION),
            _group("rg-security", LOCATION),
            _group("rg-network", LOCATION),
            _group("rg-monitoring", LOCATION),
            _group("rg-backup", LOCATION),
        ),
        f"{_SUB}/resources": _listing(
            *(_generic(r) for r in (*storage, VAULT_PROD, VAULT_LEGACY, NSG_APP, NSG_RDP, VNET)),
            *(_generic(r) for r in azure_retention.resources(_SUB, LOCATION)),
        ),
        f"{_SUB}/providers/Microsoft.Storage/storageAccounts": _listing(*storage),
        f"{_SUB}/providers/Microsoft.KeyVault/vaults": _listing(VAULT_PROD, VAULT_LEGACY),
        f"{_SUB}/providers/Microsoft.Network/networkSecurityGroups": _listing(NSG_APP, NSG_RDP),
        f"{_SUB}/providers/Microsoft.Network/virtualNetworks": _listing(VNET),
    }
    for account in storage:
        out[f"{account['id']}/blobServices/default"] = _blob_service(account["id"], True, True)
    for vault in (VAULT_PROD, VAULT_LEGACY):
        out[f"{vault['id']}/keys"] = _listing(_key(vault, "cmk-storage"))
        out[f"{vault['id']}/secrets"] = _listing(_secret(vault, "shop-db-password"))
    watcher = _rid("NetworkWatcherRG", "Microsoft.Network", "networkWatchers", "nw-gwc")
    out[f"{_SUB}/providers/Microsoft.Network/networkWatchers"] = _listing(
        {
            "id": watcher,
            "name": "nw-gwc",
            "type": "Microsoft.Network/networkWatchers",
            "location": LOCATION,
            "properties": {"provisioningState": "Succeeded"},
        }
    )
    out[f"{watcher}/flowLogs"] = _listing(
        *(_flow_log(watcher, nsg["id"], STORAGE_SHOP["id"]) for nsg in (NSG_APP, NSG_RDP))
    )
    out.update(azure_subscription.routes(_SUB, LOCATION, STORAGE_SHOP["id"]))
    out.update(
        azure_retention.routes(
            _SUB, LOCATION, {STORAGE_SHOP["id"]: 365, STORAGE_EXPORT["id"]: None}
        )
    )
    for kind in _EMPTY_KINDS:
        out[f"{_SUB}/providers/{kind}"] = _listing()
    out.update(azure_entra.routes())
    return out
