"""Managed disks, Log Analytics workspaces, AKS clusters, container registries and
Cosmos DB accounts from their ARM JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.collectors.shapes.azure_details import Details
from govscan.collectors.shapes.azure_util import (
    dig,
    items,
    lower_location,
    obj,
    objs,
    others,
    props,
    strs,
    tls,
)


def disk(arm: dict[str, Any], _: Details) -> dict[str, Any]:
    p = props(arm)
    kind = dig(p, "encryption", "type")
    state = p.get("diskState")
    return {
        "disk_state": state,
        "attached": bool(arm.get("managedBy")) or state in ("Attached", "Reserved"),
        "managed_by": arm.get("managedBy"),
        "sku": dig(arm, "sku", "name"),
        "size_gb": p.get("diskSizeGB"),
        "os_type": p.get("osType"),
        "encryption_type": kind or "EncryptionAtRestWithPlatformKey",
        "customer_managed_key": isinstance(kind, str) and "CustomerKey" in kind,
        "disk_encryption_set_id": dig(p, "encryption", "diskEncryptionSetId"),
        "ade_enabled": bool(dig(p, "encryptionSettingsCollection", "enabled")),
        "network_access_policy": p.get("networkAccessPolicy") or "AllowAll",
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "created": p.get("timeCreated"),
    }


DEFAULT_RETENTION_DAYS = 30
"""What a workspace keeps when retentionInDays was never set (Azure's default)."""


def workspace(arm: dict[str, Any], _: Details) -> dict[str, Any]:
    p = props(arm)
    days = p.get("retentionInDays")
    return {
        "sku": dig(p, "sku", "name"),
        "retention_in_days": days
        if isinstance(days, int) and not isinstance(days, bool)
        else DEFAULT_RETENTION_DAYS,
        "public_network_access_for_ingestion": p.get("publicNetworkAccessForIngestion")
        or "Enabled",
        "public_network_access_for_query": p.get("publicNetworkAccessForQuery") or "Enabled",
    }


def _addon(p: dict[str, Any], name: str) -> bool:
    addons = obj(p.get("addonProfiles"))
    for key, value in addons.items():
        if str(key).lower() == name:
            return bool(dig(value, "enabled"))
    return False


def cluster(arm: dict[str, Any], _: Details) -> dict[str, Any]:
    p = props(arm)
    aad = p.get("aadProfile")
    api = obj(p.get("apiServerAccessProfile"))
    policy = dig(p, "networkProfile", "networkPolicy")
    return {
        "kubernetes_version": p.get("currentKubernetesVersion") or p.get("kubernetesVersion"),
        "rbac_enabled": p.get("enableRBAC") is not False,
        "entra_integration": isinstance(aad, dict) and bool(aad),
        "azure_rbac": bool(dig(aad, "enableAzureRBAC")),
        "local_accounts_disabled": bool(p.get("disableLocalAccounts")),
        "private_cluster": bool(api.get("enablePrivateCluster")),
        "authorized_ip_ranges": strs(api.get("authorizedIPRanges")),
        "network_policy": None if policy in (None, "", "none") else policy,
        "azure_policy_enabled": _addon(p, "azurepolicy"),
        "automatic_upgrade_channel": dig(p, "autoUpgradeProfile", "upgradeChannel"),
        "node_pools": [
            {
                "name": pool.get("name"),
                "mode": pool.get("mode"),
                "vm_size": pool.get("vmSize"),
                "encryption_at_host": bool(pool.get("enableEncryptionAtHost")),
                "node_public_ip": bool(pool.get("enableNodePublicIP")),
            }
            for pool in objs(p.get("agentPoolProfiles"))
        ],
    }


def registry(arm: dict[str, Any], got: Details) -> dict[str, Any]:
    p = props(arm)
    data: dict[str, Any] = {
        "sku": dig(arm, "sku", "name"),
        "login_server": p.get("loginServer"),
        "admin_user_enabled": bool(p.get("adminUserEnabled")),
        "anonymous_pull_enabled": bool(p.get("anonymousPullEnabled")),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "network_default_action": dig(p, "networkRuleSet", "defaultAction") or "Allow",
        "customer_managed_key": str(dig(p, "encryption", "status") or "").lower() == "enabled",
    }
    if not premium(arm):
        # Only Premium registries geo-replicate: the listing says enough.
        data["replication_locations"] = []
        data["copy_locations"] = []
    elif "replications" in got:
        found = [lower_location(r.get("location")) for r in items(got.get("replications"))]
        data["replication_locations"] = [loc for loc in found if loc]
        data["copy_locations"] = others(arm.get("location"), found)
    return data


def premium(arm: Mapping[str, Any]) -> bool:
    return str(dig(arm, "sku", "name") or "").lower() == "premium"


def cosmos_account(arm: dict[str, Any], _: Details) -> dict[str, Any]:
    p = props(arm)
    locations = [
        {
            "location": lower_location(loc.get("locationName")),
            "failover_priority": loc.get("failoverPriority"),
            "zone_redundant": bool(loc.get("isZoneRedundant")),
        }
        for loc in objs(p.get("locations"))
    ]
    return {
        "kind": arm.get("kind"),
        "locations": locations,
        "copy_locations": others(arm.get("location"), (loc["location"] for loc in locations)),
        "multiple_write_locations": bool(p.get("enableMultipleWriteLocations")),
        "automatic_failover": bool(p.get("enableAutomaticFailover")),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "network_filter_enabled": bool(p.get("isVirtualNetworkFilterEnabled")),
        "ip_rules": [
            r.get("ipAddressOrRange") for r in objs(p.get("ipRules")) if r.get("ipAddressOrRange")
        ],
        "key_based_metadata_write_disabled": bool(p.get("disableKeyBasedMetadataWriteAccess")),
        "local_auth_disabled": bool(p.get("disableLocalAuth")),
        "customer_managed_key": bool(p.get("keyVaultKeyUri")),
        "minimum_tls_version": tls(p.get("minimalTlsVersion")),
        "backup_policy": dig(p, "backupPolicy", "type"),
        "backup_storage_redundancy": dig(
            p, "backupPolicy", "periodicModeProperties", "backupStorageRedundancy"
        ),
    }
