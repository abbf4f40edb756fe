"""How long the demo's Azure subscription keeps data (storage limitation, DSGVO Art.
5(1)(e)): blob lifecycle policies, the Log Analytics workspace and the Recovery
Services vault with its backup policy (``path -> JSON`` for ``govscan.demo.restserver``).

The shop account deletes blobs a year after their last change; the export account
has no lifecycle policy, so every export is kept until someone deletes it (the
deliberate finding). Logs stay 90 days, backups at most six months.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.demo.restserver import ABSENT

_RUN_AT = ["2026-01-12T02:00:00Z"]


def _lifecycle(account_id: str, delete_after_days: int) -> dict[str, Any]:
    rule = {
        "enabled": True,
        "name": f"delete-after-{delete_after_days}-days",
        "type": "Lifecycle",
        "definition": {
            "filters": {"blobTypes": ["blockBlob"]},
            "actions": {
                "baseBlob": {"delete": {"daysAfterModificationGreaterThan": delete_after_days}},
                "snapshot": {"delete": {"daysAfterCreationGreaterThan": 30}},
                "version": {"delete": {"daysAfterCreationGreaterThan": 30}},
            },
        },
    }
    return {
        "id": f"{account_id}/managementPolicies/default",
        "name": "DefaultManagementPolicy",
        "type": "Microsoft.Storage/storageAccounts/managementPolicies",
        "properties": {
            "lastModifiedTime": "2026-01-12T08:00:00.0000000Z",
            "policy": {"rules": [rule]},
        },
    }


def _workspace(sub: str, location: str) -> dict[str, Any]:
    name = "log-brauwerk"
    return {
        "id": (
            f"{sub}/resourceGroups/rg-monitoring/providers/"
            f"Microsoft.OperationalInsights/workspaces/{name}"
        ),
        "name": name,
        "type": "Microsoft.OperationalInsights/workspaces",
        "location": location,
        "tags": {"owner": "platform"},
        "properties": {
            "customerId": "3f0a9c1e-5b2d-4e7f-8a6b-0000000010a9",
            "provisioningState": "Succeeded",
            "sku": {"name": "PerGB2018"},
            "retentionInDays": 90,
            "publicNetworkAccessForIngestion": "Disabled",
            "publicNetworkAccessForQuery": "Disabled",
        },
    }


def _recovery_vault(sub: str, location: str) -> dict[str, Any]:
    name = "rsv-brauwerk"
    return {
        "id": f"{sub}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/{name}",
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults",
        "location": location,
        "tags": {"owner": "platform"},
        "sku": {"name": "RS0", "tier": "Standard"},
        "properties": {
            "provisioningState": "Succeeded",
            "publicNetworkAccess": "Disabled",
            # Geo-redundant to the paired region germanynorth: the copies stay in Germany.
            "redundancySettings": {
                "standardTierStorageRedundancy": "GeoRedundant",
                "crossRegionRestore": "Enabled",
            },
            "securitySettings": {
                "softDeleteSettings": {
                    "softDeleteState": "AlwaysON",
                    "softDeleteRetentionPeriodInDays": 14,
                },
                "immutabilitySettings": {"state": "Unlocked"},
            },
        },
    }


def _point(count: int, unit: str, **schedule: Any) -> dict[str, Any]:
    return {
        "retentionTimes": _RUN_AT,
        "retentionDuration": {"count": count, "durationType": unit},
        **schedule,
    }


def _backup_policy(vault_id: str) -> dict[str, Any]:
    name = "fileshare-daily"
    return {
        "id": f"{vault_id}/backupPolicies/{name}",
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults/backupPolicies",
        "properties": {
            "backupManagementType": "AzureStorage",
            "workLoadType": "AzureFileShare",
            "schedulePolicy": {
                "schedulePolicyType": "SimpleSchedulePolicy",
                "scheduleRunFrequency": "Daily",
                "scheduleRunTimes": _RUN_AT,
            },
            # The longest point decides: six months (186 days), within the policy's year.
            "retentionPolicy": {
                "retentionPolicyType": "LongTermRetentionPolicy",
                "dailySchedule": _point(30, "Days"),
                "weeklySchedule": _point(12, "Weeks", daysOfTheWeek=["Sunday"]),
                "monthlySchedule": _point(
                    6,
                    "Months",
                    retentionScheduleFormatType="Weekly",
                    retentionScheduleWeekly={
                        "daysOfTheWeek": ["Sunday"],
                        "weeksOfTheMonth": ["First"],
                    },
                ),
            },
            "timeZone": "W. Europe Standard Time",
            "protectedItemsCount": 0,
        },
    }


def resources(sub: str, location: str) -> tuple[dict[str, Any], ...]:
    """The workspace and the vault, for the subscription's generic resource listing."""
    return _workspace(sub, location), _recovery_vault(sub, location)


def routes(sub: str, location: str, lifecycle_days: Mapping[str, int | None]) -> dict[str, Any]:
    """Paths below ``sub`` and their answers; ``lifecycle_days`` maps a storage
    account's id to the age at which its policy deletes blobs, None for no policy."""
    vault = _recovery_vault(sub, location)
    out: dict[str, Any] = {
        f"{sub}/providers/Microsoft.OperationalInsights/workspaces": {
            "value": [_workspace(sub, location)]
        },
        f"{sub}/providers/Microsoft.RecoveryServices/vaults": {"value": [vault]},
        f"{vault['id']}/backupPolicies": {"value": [_backup_policy(vault["id"])]},
    }
    for account_id, days in lifecycle_days.items():
        # Azure answers 404 for an account that never had a policy.
        out[f"{account_id}/managementPolicies/default"] = (
            ABSENT if days is None else _lifecycle(account_id, days)
        )
    return out
