"""Retention readers over ARM JSON: lifecycle management policies and backup policies
(pure functions, hostile shapes included), and the one unit conversion they share."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.catalog.retention import DAYS_PER_UNIT, longest, retention_days
from govscan.collectors.azure.retention import backup_policy, lifecycle_delete_after_days
from govscan.collectors.azure.spec import Fetched
from govscan.collectors.azure.types_loganalytics import workspace


@pytest.mark.parametrize(
    ("count", "unit", "days"),
    [
        (30, "Days", 30),
        (12, "Weeks", 84),
        (60, "Months", 1860),
        (10, "Years", 3660),
        (1, "year", 366),
        (0, "Days", None),
        (-1, "Days", None),
        (True, "Days", None),
        ("30", "Days", None),
        (3, "Invalid", None),
        (3, None, None),
    ],
)
def test_periods_count_at_their_longest(count: Any, unit: Any, days: int | None) -> None:
    assert retention_days(count, unit) == days


def test_the_conversion_is_the_documented_one() -> None:
    assert DAYS_PER_UNIT == {"day": 1, "week": 7, "month": 31, "year": 366}
    assert longest([None, 3, True, 9, "12"]) == 9
    assert longest([None]) is None


def _policy(*rules: Any) -> dict[str, Any]:
    return {"properties": {"policy": {"rules": list(rules)}}}


def _rule(delete: dict[str, Any], enabled: Any = None, **filters: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "name": "r",
        "definition": {"actions": {"baseBlob": {"delete": delete}}, "filters": filters},
    }
    if enabled is not None:
        rule["enabled"] = enabled
    return rule


def test_the_shortest_rule_covering_every_blob_decides() -> None:
    policy = _policy(
        _rule({"daysAfterModificationGreaterThan": 400}),
        _rule({"daysAfterCreationGreaterThan": 365.0}, enabled=True),
        _rule({"daysAfterModificationGreaterThan": 7}, prefixMatch=["tmp/"]),
        _rule({"daysAfterModificationGreaterThan": 1}, enabled=False),
        _rule({"daysAfterCreationGreaterThan": 2}, blobIndexMatch=[{"name": "t"}]),
    )
    assert lifecycle_delete_after_days(policy) == 365


@pytest.mark.parametrize(
    "policy",
    [
        None,
        {},
        _policy(),
        # Last access bounds no age: a blob read now and then is never deleted.
        _policy(_rule({"daysAfterLastAccessTimeGreaterThan": 30})),
        _policy(_rule({"daysAfterModificationGreaterThan": "30"})),
        _policy(_rule({"daysAfterModificationGreaterThan": 30.5})),
        {"properties": {"policy": {"rules": "nonsense"}}},
        {"properties": {"policy": {"rules": [None, 3, {"definition": []}]}}},
    ],
)
def test_no_rule_that_deletes_every_blob_is_none(policy: Any) -> None:
    assert lifecycle_delete_after_days(policy) is None


def test_every_retention_of_a_policy_counts_workload_sub_policies_too() -> None:
    workload = {
        "name": "sql",
        "properties": {
            "backupManagementType": "AzureWorkload",
            "subProtectionPolicy": [
                {
                    "policyType": "Full",
                    "retentionPolicy": {
                        "retentionPolicyType": "LongTermRetentionPolicy",
                        "monthlySchedule": {
                            "retentionDuration": {"count": 13, "durationType": "Months"}
                        },
                    },
                },
                {
                    "policyType": "Log",
                    "retentionPolicy": {
                        "retentionPolicyType": "SimpleRetentionPolicy",
                        "retentionDuration": {"count": 15, "durationType": "Days"},
                    },
                },
            ],
        },
    }
    assert backup_policy(workload) == {
        "name": "sql",
        "management_type": "AzureWorkload",
        "retention_days": 403,
    }


@pytest.mark.parametrize("arm", [{}, None, [], {"properties": {"retentionPolicy": "x"}}])
def test_a_policy_without_a_readable_retention_has_none(arm: Any) -> None:
    assert backup_policy(arm)["retention_days"] is None


def test_a_workspace_without_a_retention_keeps_azures_default() -> None:
    data = workspace({"properties": {"retentionInDays": True}}, Fetched({}))
    assert data["retention_in_days"] == 30
    assert data["public_network_access_for_query"] == "Enabled"
