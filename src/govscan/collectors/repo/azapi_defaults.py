"""What Azure gives a resource whose ``azapi_resource`` body leaves a property out.

Only defaults Azure documents for every resource of the type are listed, each
with its source; any other property a body leaves out keeps the fields it feeds
undetermined (``normalize_azapi``). ``since`` is the first API version from which
the default holds: a body naming an older API version, or none, gets no default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_STORAGE_API = "https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create"
_STORAGE_NET = "https://learn.microsoft.com/azure/storage/common/storage-network-security"
_STORAGE_INFRA = "https://learn.microsoft.com/azure/storage/common/infrastructure-encryption-enable"
_KV_SOFT = "https://learn.microsoft.com/azure/key-vault/general/soft-delete-change"
_KV_API = "https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update"
_DISK = "https://learn.microsoft.com/azure/virtual-machines/disk-encryption"
_COSMOS_CMK = "https://learn.microsoft.com/azure/cosmos-db/how-to-setup-customer-managed-keys"
_LAW = "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure"


@dataclass(frozen=True)
class ArmDefault:
    arm_type: str
    """ARM resource type, lowercase, without the API version."""
    path: tuple[str, ...]
    """Where in the body the property sits (``properties``, ``supportsHttpsTrafficOnly``)."""
    value: Any
    since: str
    """First API version (or date) the default holds for; ISO dates compare as text."""
    source: str


DEFAULTS: tuple[ArmDefault, ...] = (
    ArmDefault(
        "microsoft.storage/storageaccounts",
        ("properties", "supportsHttpsTrafficOnly"),
        True,
        "2019-04-01",
        _STORAGE_API,
    ),
    ArmDefault(
        # No network rule set: the account accepts connections from any network.
        "microsoft.storage/storageaccounts",
        ("properties", "networkAcls"),
        {"defaultAction": "Allow"},
        "2017-06-01",
        _STORAGE_NET,
    ),
    ArmDefault(
        # Encrypted once, at the service level, unless infrastructure encryption is
        # asked for when the account is created.
        "microsoft.storage/storageaccounts",
        ("properties", "encryption", "requireInfrastructureEncryption"),
        False,
        "2019-06-01",
        _STORAGE_INFRA,
    ),
    ArmDefault(
        "microsoft.keyvault/vaults",
        ("properties", "enableSoftDelete"),
        True,
        "2016-10-01",
        _KV_SOFT,
    ),
    ArmDefault(
        "microsoft.keyvault/vaults",
        ("properties", "softDeleteRetentionInDays"),
        90,
        "2019-09-01",
        _KV_API,
    ),
    ArmDefault(
        "microsoft.compute/disks",
        ("properties", "encryption"),
        {"type": "EncryptionAtRestWithPlatformKey"},
        "2017-03-30",
        _DISK,
    ),
    ArmDefault(
        # No key: the account's data is encrypted with service-managed keys.
        "microsoft.documentdb/databaseaccounts",
        ("properties", "keyVaultKeyUri"),
        None,
        "2019-08-01",
        _COSMOS_CMK,
    ),
    ArmDefault(
        "microsoft.operationalinsights/workspaces",
        ("properties", "retentionInDays"),
        30,
        "2015-03-20",
        _LAW,
    ),
)


def apply(
    doc: dict[str, Any], arm_type: str, version: str, open_paths: set[tuple[Any, ...]]
) -> None:
    """Writes into ``doc`` each default of ``arm_type`` whose property the body leaves
    out (and not as a value unknown before apply) and which holds for ``version``."""
    if not version:
        return
    for d in DEFAULTS:
        if d.arm_type != arm_type.lower() or version < d.since:
            continue
        node: Any = doc
        for step in d.path[:-1]:
            node = node.setdefault(step, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict) or d.path[-1] in node:
            continue
        if any(p[: len(d.path)] == d.path or d.path[: len(p)] == p for p in open_paths):
            continue
        node[d.path[-1]] = d.value if not isinstance(d.value, dict) else dict(d.value)
