"""Retention (storage limitation): Log Analytics workspaces, lifecycle management policies
of the storage accounts, backup policies of the Recovery Services vaults."""

from __future__ import annotations

from typing import Any

from tests.azure.estate import apps, storage
from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

OI = "Microsoft.OperationalInsights"

WS_SHORT = rid(SUB1, "rg-logs", OI, "workspaces", "ws-short")
WS_LONG = rid(SUB1, "rg-logs", OI, "workspaces", "ws-long")


def workspace(ws_id: str, **props: Any) -> dict[str, Any]:
    return {
        "id": ws_id,
        "name": ws_id.rsplit("/", 1)[1],
        "type": "Microsoft.OperationalInsights/workspaces",
        "location": "germanywestcentral",
        "properties": {"provisioningState": "Succeeded", **props},
    }


def rule(
    name: str, enabled: bool | None, actions: dict[str, Any], *prefixes: str
) -> dict[str, Any]:
    filters: dict[str, Any] = {"blobTypes": ["blockBlob"]}
    if prefixes:
        filters["prefixMatch"] = list(prefixes)
    out: dict[str, Any] = {
        "name": name,
        "type": "Lifecycle",
        "definition": {"actions": actions, "filters": filters},
    }
    if enabled is not None:
        out["enabled"] = enabled
    return out


def management_policy(account_id: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{account_id}/managementPolicies/default",
        "name": "DefaultManagementPolicy",
        "type": "Microsoft.Storage/storageAccounts/managementPolicies",
        "properties": {"policy": {"rules": list(rules)}},
    }


def duration(count: int, unit: str) -> dict[str, Any]:
    return {"retentionDuration": {"count": count, "durationType": unit}}


def vm_policy(vault_id: str, name: str, **schedules: Any) -> dict[str, Any]:
    return {
        "id": f"{vault_id}/backupPolicies/{name}",
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults/backupPolicies",
        "properties": {
            "backupManagementType": "AzureIaasVM",
            "instantRpRetentionRangeInDays": 2,
            "schedulePolicy": {
                "schedulePolicyType": "SimpleSchedulePolicy",
                "scheduleRunFrequency": "Daily",
                "scheduleRunTimes": ["2026-01-01T02:00:00Z"],
            },
            "retentionPolicy": {"retentionPolicyType": "LongTermRetentionPolicy", **schedules},
            "timeZone": "UTC",
        },
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, OI, "workspaces"): listing(
        # retentionInDays left out: Azure keeps 30 days.
        workspace(WS_SHORT, sku={"name": "PerGB2018"}),
        workspace(
            WS_LONG,
            sku={"name": "PerGB2018"},
            retentionInDays=730,
            publicNetworkAccessForIngestion="Disabled",
            publicNetworkAccessForQuery="Enabled",
        ),
    ),
    sub_path(SUB2, OI, "workspaces"): listing(),
    # GOOD deletes every base blob after a year (the disabled rule and the rule for one
    # prefix do not count); WEAK has no policy (404); BRAZIL's only rule deletes
    # snapshots, never base blobs.
    f"{storage.GOOD}/managementPolicies/default": management_policy(
        storage.GOOD,
        rule("expire", None, {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 365}}}),
        rule("old", False, {"baseBlob": {"delete": {"daysAfterCreationGreaterThan": 5000}}}),
        rule("cool", True, {"baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 30}}}),
        rule(
            "tmp", True, {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 7}}}, "tmp/"
        ),
    ),
    f"{storage.BRAZIL}/managementPolicies/default": management_policy(
        storage.BRAZIL,
        rule("snapshots", True, {"snapshot": {"delete": {"daysAfterCreationGreaterThan": 90}}}),
    ),
    # RSV_GEO: daily points 30 days, weekly 12 weeks, yearly 10 years (3660 days).
    f"{apps.RSV_GEO}/backupPolicies": listing(
        vm_policy(apps.RSV_GEO, "DefaultPolicy", dailySchedule=duration(30, "Days")),
        vm_policy(
            apps.RSV_GEO,
            "archive",
            dailySchedule=duration(30, "Days"),
            weeklySchedule={"daysOfTheWeek": ["Sunday"], **duration(12, "Weeks")},
            yearlySchedule={
                "retentionScheduleFormatType": "Daily",
                "monthsOfYear": ["January"],
                **duration(10, "Years"),
            },
        ),
    ),
    f"{apps.RSV_OLD}/backupPolicies": listing(),
}
