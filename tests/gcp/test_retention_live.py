"""Storage limitation on live Google Cloud: bucket lifecycle Delete rules, Cloud SQL
backup retention and disk snapshots, collected through the real client libraries from
the test estate (tests/gcp/estate/types_storage.py, types_data.py, types_snapshots.py)
and judged by the dsgvo.retention controls in a scan."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors.gcp.spec import Fetched
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_storage import delete_ages, normalise
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA
from tests.gcp.test_core_permissions import _role
from tests.gcp.types_expected import C, S

CONTROLS = (
    "dsgvo.retention.gcp-bucket-lifecycle",
    "dsgvo.retention.gcp-sql-backups",
    "dsgvo.retention.gcp-snapshot-age",
)


def _delete(**condition: Any) -> dict[str, Any]:
    return {"action": {"type": "Delete"}, "condition": condition}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([], (None, None)),
        # The first rule that matches deletes: the youngest bound wins.
        ([_delete(age=3650), _delete(age=30)], (30, 30)),
        ([_delete(age=365, isLive=True)], (365, None)),
        ([_delete(age=365, isLive=False)], (None, 365)),
        ([_delete(age=365), _delete(daysSinceNoncurrentTime=7)], (365, 7)),
        # Narrowed rules bound only some objects.
        ([_delete(age=1, matchesPrefix=["tmp/"])], (None, None)),
        ([_delete(age=1, matchesStorageClass=["NEARLINE"])], (None, None)),
        ([_delete(age=1, createdBefore="2020-01-01")], (None, None)),
        ([_delete(age=1, numNewerVersions=3)], (None, None)),
        # Both conditions must hold: not a bound on either alone.
        ([_delete(age=10, daysSinceNoncurrentTime=5)], (None, None)),
        ([{"action": {"type": "SetStorageClass"}, "condition": {"age": 1}}], (None, None)),
        # Hostile shapes are no rules, never an exception.
        (["x", {"action": "Delete"}, _delete(age="soon")], (None, None)),
        ([_delete(age="400")], (400, 400)),
    ],
)
def test_delete_bounds_of_lifecycle_rules(rules: list[Any], expected: tuple[Any, Any]) -> None:
    assert delete_ages({"rule": rules}) == expected


def test_a_bucket_whose_lifecycle_is_not_a_mapping_has_no_bound() -> None:
    fetched = Fetched({}, {}, Project(ALPHA, "111"))
    data = normalise({"name": "b", "lifecycle": ["odd"]}, fetched)
    assert (data["lifecycle_delete_age_days"], data["lifecycle_noncurrent_delete_days"]) == (
        None,
        None,
    )


def test_the_retention_controls_on_the_live_estate(gcp: Gcp) -> None:
    run = gcp.scan(*CONTROLS, args=("--gcp-projects", ALPHA, "--as-of", "2026-06-30"))
    assert run.errors == []
    assert run.statuses("dsgvo.retention.gcp-bucket-lifecycle") == {
        # Deletes at ten years, noncurrent versions after 30 days; a prefix rule ignored.
        f"{S}/alpha-dual": "pass",
        # Versioned, but no Delete rule at all: kept forever.
        f"{S}/alpha-logs": "fail",
        f"{S}/alpha-public": "fail",
        f"{S}/alpha-nam4": "fail",
    }
    sql = f"//cloudsql.googleapis.com/projects/{ALPHA}/instances"
    assert run.statuses("dsgvo.retention.gcp-sql-backups") == {
        f"{sql}/pg-main": "pass",
        # Backups on, but the answer states no retention: a failure, never a pass.
        f"{sql}/mysql-1": "fail",
        # A read replica takes no backups.
        f"{sql}/pg-replica-us": "not_applicable",
    }
    snaps = f"{C}/global/snapshots"
    assert run.statuses("dsgvo.retention.gcp-snapshot-age") == {
        f"{snaps}/pre-migration": "fail",
        f"{snaps}/last-week": "pass",
        f"{snaps}/encrypted": "pass",
        f"{snaps}/nightly-2024": "not_applicable",
    }
    # One list call a page (three snapshots a page on the test server), no detail call.
    snapshot_calls = [c for c in run.calls if c["operation"] == "compute.snapshots.list"]
    assert sum(c["count"] for c in snapshot_calls) == 2
    # The custom role grants every call the scan made, the snapshot list among them.
    role = set(_role(gcp, *CONTROLS)["includedPermissions"])
    assert "compute.snapshots.list" in role
    assert run.operations() <= role


def test_a_tighter_backup_maximum_fails_the_instance(gcp: Gcp) -> None:
    run = gcp.scan(
        "dsgvo.retention.gcp-sql-backups",
        args=("--gcp-projects", ALPHA, "--param", "max_backup_retention_days=10"),
    )
    pg = f"//cloudsql.googleapis.com/projects/{ALPHA}/instances/pg-main"
    assert run.statuses("dsgvo.retention.gcp-sql-backups")[pg] == "fail"
    message = next(
        r["message"]
        for r in run.results
        if r["control_id"] == "dsgvo.retention.gcp-sql-backups" and r["resource"]["id"] == pg
    )
    assert "keeps 14 daily automated backups" in message
