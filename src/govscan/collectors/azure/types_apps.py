"""App Service apps, AKS clusters, container registries and Recovery Services vaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.catalog.retention import longest
from govscan.collectors.azure.retention import backup_policy
from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.azure.types_util import (
    dig,
    enabled,
    identity,
    items,
    obj,
    paired_region,
    props,
    tls,
)
from govscan.collectors.shapes.azure_services import cluster, premium, registry

__all__ = ["cluster", "registry"]

WEB_APP = "azure.web.app"
AKS = "azure.containerservice.cluster"
REGISTRY = "azure.containerregistry.registry"
RECOVERY_VAULT = "azure.recoveryservices.vault"

STORAGE_CONFIG_API = "2023-04-01"


def web_app(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    p = props(arm)
    kind, has_identity = identity(arm)
    data: dict[str, Any] = {
        "kind": arm.get("kind"),
        "state": p.get("state"),
        "https_only": bool(p.get("httpsOnly")),
        "client_cert_enabled": bool(p.get("clientCertEnabled")),
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "identity_type": kind,
        "has_managed_identity": has_identity,
    }
    if "config" in got:
        config = props(got.get("config"))
        data["minimum_tls_version"] = tls(config.get("minTlsVersion"))
        data["ftps_state"] = config.get("ftpsState")
        data["http20_enabled"] = bool(config.get("http20Enabled"))
        data["remote_debugging"] = bool(config.get("remoteDebuggingEnabled"))
    return data


def _replications(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.replications.list(ctx.resource_group(arm), arm["name"])


def _lists_redundancy(arm: Mapping[str, Any]) -> bool:
    return bool(dig(arm, "properties", "redundancySettings", "standardTierStorageRedundancy"))


def recovery_vault(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    p = props(arm)
    if _lists_redundancy(arm):
        listed = obj(p.get("redundancySettings"))
        redundancy = listed.get("standardTierStorageRedundancy")
        restore = bool(enabled(listed.get("crossRegionRestore")))
    else:
        config = props(got.get("storage_config"))
        redundancy = config.get("storageType") or config.get("storageModelType")
        restore = bool(config.get("crossRegionRestoreFlag"))
    secondary = paired_region(arm.get("location")) if redundancy == "GeoRedundant" else None
    soft = dig(p, "securitySettings", "softDeleteSettings", "softDeleteState")
    data: dict[str, Any] = {
        "sku": dig(arm, "sku", "name"),
        "soft_delete": soft is None or bool(enabled(soft)),
        "immutability": dig(p, "securitySettings", "immutabilitySettings", "state") or "Disabled",
        "public_network_access": p.get("publicNetworkAccess") or "Enabled",
        "customer_managed_key": bool(dig(p, "encryption", "keyVaultProperties", "keyUri")),
    }
    if _lists_redundancy(arm) or "storage_config" in got:
        data["storage_redundancy"] = redundancy
        data["cross_region_restore"] = restore
        data["secondary_location"] = secondary
        data["copy_locations"] = [secondary] if secondary else []
    if "backup_policies" in got:
        policies = [backup_policy(p) for p in items(got.get("backup_policies"))]
        data["backup_policies"] = policies
        data["longest_backup_retention_days"] = longest([p["retention_days"] for p in policies])
    return data


def _backup_policies(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.backup_policies.list(arm["name"], ctx.resource_group(arm))


def _storage_config(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    """The vault's backup storage configuration, for vaults whose listing does not
    carry ``redundancySettings`` (no SDK client of this package covers it)."""
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat

    request = HttpRequest(
        "GET",
        f"{arm['id']}/backupstorageconfig/vaultstorageconfig",
        params={"api-version": STORAGE_CONFIG_API},
    )
    # The client's own send_request: its endpoint, credential, retries and host guard.
    response = client.send_request(request)
    if response.status_code == 404:
        raise ResourceNotFoundError(response=response)
    if response.status_code >= 400:
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    body = response.json()
    return body if isinstance(body, dict) else {}


REDUNDANCY_FIELDS = (
    "storage_redundancy",
    "cross_region_restore",
    "secondary_location",
    "copy_locations",
)

define(
    AzureType(
        type=WEB_APP,
        client="web",
        list=lambda c, ctx: c.web_apps.list(),
        action="Microsoft.Web/sites/read",
        normalise=web_app,
        details=(
            Detail(
                "config",
                ("minimum_tls_version", "ftps_state", "http20_enabled", "remote_debugging"),
                lambda c, ctx, arm: c.web_apps.get_configuration(
                    ctx.resource_group(arm), arm["name"]
                ),
                "Microsoft.Web/sites/config/read",
            ),
        ),
    )
)

define(
    AzureType(
        type=AKS,
        client="containerservice",
        list=lambda c, ctx: c.managed_clusters.list(),
        action="Microsoft.ContainerService/managedClusters/read",
        normalise=cluster,
    )
)

define(
    AzureType(
        type=REGISTRY,
        client="containerregistry",
        list=lambda c, ctx: c.registries.list(),
        action="Microsoft.ContainerRegistry/registries/read",
        normalise=registry,
        details=(
            Detail(
                "replications",
                ("replication_locations", "copy_locations"),
                _replications,
                "Microsoft.ContainerRegistry/registries/replications/read",
                when=premium,
            ),
        ),
    )
)

define(
    AzureType(
        type=RECOVERY_VAULT,
        client="recoveryservices",
        list=lambda c, ctx: c.vaults.list_by_subscription_id(),
        action="Microsoft.RecoveryServices/vaults/read",
        normalise=recovery_vault,
        details=(
            Detail(
                "storage_config",
                REDUNDANCY_FIELDS,
                _storage_config,
                "Microsoft.RecoveryServices/vaults/backupstorageconfig/read",
                when=lambda arm: not _lists_redundancy(arm),
            ),
            Detail(
                "backup_policies",
                ("backup_policies", "longest_backup_retention_days"),
                _backup_policies,
                "Microsoft.RecoveryServices/vaults/backupPolicies/read",
                client="recoveryservicesbackup",
            ),
        ),
    )
)
