"""App Service apps, AKS clusters, container registries and Recovery Services vaults."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

WEB = "Microsoft.Web"
AKS = "Microsoft.ContainerService"
ACR = "Microsoft.ContainerRegistry"
RSV = "Microsoft.RecoveryServices"

APP_SAFE = rid(SUB1, "rg-web", WEB, "sites", "app-safe")
APP_OPEN = rid(SUB1, "rg-web", WEB, "sites", "app-open")
AKS_PRIVATE = rid(SUB1, "rg-k8s", AKS, "managedClusters", "aks-private")
AKS_OPEN = rid(SUB2, "rg-k8s2", AKS, "managedClusters", "aks-open")
ACR_PREMIUM = rid(SUB1, "rg-k8s", ACR, "registries", "acrpremium")
ACR_BASIC = rid(SUB1, "rg-k8s", ACR, "registries", "acrbasic")
RSV_GEO = rid(SUB1, "rg-bk", RSV, "vaults", "rsv-geo")
RSV_OLD = rid(SUB2, "rg-bk2", RSV, "vaults", "rsv-old")


def site(site_id: str, kind: str, identity: str | None = None, **props: Any) -> dict[str, Any]:
    name = site_id.rsplit("/", 1)[1]
    extra = {"identity": {"type": identity}} if identity else {}
    return {
        **extra,
        "id": site_id,
        "name": name,
        "type": "Microsoft.Web/sites",
        "kind": kind,
        "location": "westeurope",
        # The list never fills siteConfig's settings: they come from config/web.
        "properties": {
            "state": "Running",
            "defaultHostName": f"{name}.azurewebsites.net",
            "siteConfig": {"minTlsVersion": None, "ftpsState": None},
            **props,
        },
    }


def site_config(site_id: str, **props: Any) -> dict[str, Any]:
    return {
        "id": f"{site_id}/config/web",
        "name": "web",
        "type": "Microsoft.Web/sites/config",
        "properties": props,
    }


def cluster(cluster_id: str, location: str, **props: Any) -> dict[str, Any]:
    return {
        "id": cluster_id,
        "name": cluster_id.rsplit("/", 1)[1],
        "type": "Microsoft.ContainerService/ManagedClusters",
        "location": location,
        "properties": {
            "kubernetesVersion": "1.30.5",
            "currentKubernetesVersion": "1.30.5",
            **props,
        },
    }


def registry(registry_id: str, sku: str, **props: Any) -> dict[str, Any]:
    name = registry_id.rsplit("/", 1)[1]
    return {
        "id": registry_id,
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": "westeurope",
        "sku": {"name": sku, "tier": sku},
        "properties": {"loginServer": f"{name}.azurecr.io", **props},
    }


def vault(vault_id: str, location: str, **props: Any) -> dict[str, Any]:
    return {
        "id": vault_id,
        "name": vault_id.rsplit("/", 1)[1],
        "type": "Microsoft.RecoveryServices/vaults",
        "location": location,
        "sku": {"name": "RS0", "tier": "Standard"},
        "properties": {"provisioningState": "Succeeded", **props},
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, WEB, "sites"): listing(
        site(
            APP_SAFE,
            "app,linux",
            "SystemAssigned, UserAssigned",
            httpsOnly=True,
            clientCertEnabled=True,
            publicNetworkAccess="Disabled",
        ),
        site(APP_OPEN, "app", httpsOnly=False),
    ),
    sub_path(SUB2, WEB, "sites"): listing(),
    f"{APP_SAFE}/config/web": site_config(
        APP_SAFE,
        minTlsVersion="1.2",
        ftpsState="Disabled",
        http20Enabled=True,
        remoteDebuggingEnabled=False,
    ),
    f"{APP_OPEN}/config/web": site_config(
        APP_OPEN,
        minTlsVersion="1.0",
        ftpsState="AllAllowed",
        http20Enabled=False,
        remoteDebuggingEnabled=True,
    ),
    sub_path(SUB1, AKS, "managedClusters"): listing(
        cluster(
            AKS_PRIVATE,
            "germanywestcentral",
            enableRBAC=True,
            aadProfile={"managed": True, "enableAzureRBAC": True},
            disableLocalAccounts=True,
            apiServerAccessProfile={"enablePrivateCluster": True},
            networkProfile={"networkPlugin": "azure", "networkPolicy": "cilium"},
            addonProfiles={"azurepolicy": {"enabled": True}},
            autoUpgradeProfile={"upgradeChannel": "stable"},
            agentPoolProfiles=[
                {
                    "name": "system",
                    "mode": "System",
                    "vmSize": "Standard_D4s_v5",
                    "enableEncryptionAtHost": True,
                    "enableNodePublicIP": False,
                }
            ],
        )
    ),
    sub_path(SUB2, AKS, "managedClusters"): listing(
        cluster(
            AKS_OPEN,
            "eastus",
            enableRBAC=False,
            apiServerAccessProfile={"authorizedIPRanges": []},
            networkProfile={"networkPlugin": "kubenet", "networkPolicy": "none"},
            agentPoolProfiles=[
                {
                    "name": "pool1",
                    "mode": "System",
                    "vmSize": "Standard_B2s",
                    "enableNodePublicIP": True,
                }
            ],
        )
    ),
    sub_path(SUB1, ACR, "registries"): listing(
        registry(
            ACR_PREMIUM,
            "Premium",
            adminUserEnabled=False,
            publicNetworkAccess="Disabled",
            networkRuleSet={"defaultAction": "Deny"},
            encryption={"status": "enabled", "keyVaultProperties": {"keyIdentifier": "k"}},
        ),
        registry(
            ACR_BASIC,
            "Basic",
            adminUserEnabled=True,
            publicNetworkAccess="Enabled",
            anonymousPullEnabled=True,
        ),
    ),
    sub_path(SUB2, ACR, "registries"): listing(),
    f"{ACR_PREMIUM}/replications": listing(
        {
            "id": f"{ACR_PREMIUM}/replications/westeurope",
            "name": "westeurope",
            "location": "westeurope",
            "properties": {"provisioningState": "Succeeded"},
        },
        {
            "id": f"{ACR_PREMIUM}/replications/eastus",
            "name": "eastus",
            "location": "eastus",
            "properties": {"provisioningState": "Succeeded"},
        },
    ),
    sub_path(SUB1, RSV, "vaults"): listing(
        vault(
            RSV_GEO,
            "westeurope",
            redundancySettings={
                "standardTierStorageRedundancy": "GeoRedundant",
                "crossRegionRestore": "Enabled",
            },
            securitySettings={
                "softDeleteSettings": {"softDeleteState": "AlwaysON"},
                "immutabilitySettings": {"state": "Locked"},
            },
            publicNetworkAccess="Disabled",
        )
    ),
    # A vault whose listing carries no redundancy settings: its storage configuration says.
    sub_path(SUB2, RSV, "vaults"): listing(
        vault(
            RSV_OLD,
            "brazilsouth",
            securitySettings={"softDeleteSettings": {"softDeleteState": "Disabled"}},
        )
    ),
    f"{RSV_OLD}/backupstorageconfig/vaultstorageconfig": {
        "id": f"{RSV_OLD}/backupstorageconfig/vaultstorageconfig",
        "name": "vaultstorageconfig",
        "properties": {
            "storageModelType": "LocallyRedundant",
            "storageType": "LocallyRedundant",
            "storageTypeState": "Locked",
            "crossRegionRestoreFlag": False,
        },
    },
}
