"""Storage limitation (Art. 5(1)(e)) and DPIA (Art. 35): the fields the collectors add,
the parameters the policies declare, and the controls judging real collected resources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from govscan.catalog.policies import load_policy, select_controls
from govscan.collectors.aws import AwsCollector
from govscan.collectors.interface import CollectionPlan
from govscan.model import Resource, Status
from tests.dsgvo.conftest import collect, controls, fixture, judge

RETENTION = sorted(c for c in controls() if c.startswith("dsgvo.retention."))
MAXIMA = (
    "max_log_retention_days",
    "max_backup_retention_days",
    "max_snapshot_age_days",
    "max_object_retention_days",
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with mock_aws():
        yield


def _rule(name: str, delete_after: int | None) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "RuleName": name,
        "TargetBackupVaultName": "vault",
        "ScheduleExpression": "cron(0 3 * * ? *)",
    }
    if delete_after is not None:
        rule["Lifecycle"] = {"DeleteAfterDays": delete_after}
    return rule


def test_backup_plans_report_longest_and_unbounded_retention(aws_env: None) -> None:
    bk = boto3.client("backup", region_name="eu-central-1")
    bk.create_backup_vault(BackupVaultName="vault")
    for name, rules in (
        ("bounded", [_rule("daily", 35), _rule("monthly", 365)]),
        ("forever", [_rule("daily", 35), _rule("archive", None)]),
        ("decade", [_rule("yearly", 3650)]),
    ):
        bk.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": rules})
    col = AwsCollector({"aws": True, "aws_regions": ["eu-central-1"]})
    fields = frozenset({"max_retention_days", "retention_unbounded"})
    items = list(col.collect(CollectionPlan({"aws.backup.plan": fields})))
    plans = {i.ref.name: i for i in items if isinstance(i, Resource)}
    seen = {
        n: (p.data["max_retention_days"], p.data["retention_unbounded"]) for n, p in plans.items()
    }
    assert seen == {
        "bounded": (365, False),
        "forever": (35, True),
        "decade": (3650, False),
    }
    got = judge(controls()["dsgvo.retention.aws-backup-plan"], list(plans.values()))
    name_of = {plans[n].ref.id: n for n in plans}
    assert {name_of[rid]: s for rid, (s, _) in got.items()} == {
        "bounded": Status.PASS,
        "forever": Status.FAIL,
        "decade": Status.FAIL,
    }


def test_records_carry_high_risk_and_dpia(tmp_path: Path) -> None:
    resources = collect(tmp_path, fixture("registry.yaml"), fixture("records.yaml"))
    acts = {r.ref.id: r.data for r in resources if r.ref.type == "dsgvo.activity"}
    shop = next(d for rid, d in acts.items() if rid.endswith("vvt:shop"))
    newsletter = next(d for rid, d in acts.items() if rid.endswith("vvt:newsletter"))
    assert shop["high_risk"] is True
    assert shop["dpia"] == {"reference": "DSFA-2026-01 Web shop", "completed": "2026-02-15"}
    # Not flagged means not high-risk: the DPIA control is not applicable.
    assert (newsletter["high_risk"], newsletter["dpia"]) == (False, None)
    got = judge(controls()["dsgvo.vvt.high-risk-has-dpia"], resources)
    by_activity = {rid.rsplit(":", 1)[-1]: s for rid, (s, _) in got.items()}
    assert by_activity == {"shop": Status.PASS, "newsletter": Status.NOT_APPLICABLE}


def test_maxima_are_declared_and_leave_room_for_the_minima() -> None:
    policy = load_policy("dsgvo")
    for name in MAXIMA:
        assert isinstance(policy.values[name], int) and policy.values[name] > 0, name
    # A log kept at least min and at most max days: both controls can pass at once.
    assert policy.values["max_log_retention_days"] >= policy.values["min_log_retention_days"]
    assert policy.values["max_backup_retention_days"] >= policy.values["min_backup_retention_days"]


def test_every_retention_control_is_storage_limitation_and_in_the_dsgvo_policy() -> None:
    assert len(RETENTION) >= 5
    selected = {c.id for c in select_controls(load_policy("dsgvo"), controls().values())}
    for cid in RETENTION:
        c = controls()[cid]
        assert "Art. 5(1)(e)" in c.frameworks["dsgvo"], cid
        assert "storage-limitation" in c.tags, cid
        assert cid in selected, cid


def test_a_param_override_tightens_the_maximum_under_every_policy() -> None:
    for name in ("dsgvo", "baseline", "iso27001"):
        policy = load_policy(name, overrides={"max_log_retention_days": "90"})
        assert policy.values["max_log_retention_days"] == 90, name
