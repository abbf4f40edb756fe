"""Storage limitation on live AWS: CloudWatch log groups, S3 lifecycle expiration and
EBS snapshots collected from moto, and the controls judging them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from govscan.collectors.aws import AwsCollector
from govscan.collectors.aws.api import CallLog
from govscan.collectors.aws.permissions import required_actions
from govscan.collectors.aws.s3 import lifecycle_summary
from govscan.collectors.aws.scope import Scope
from govscan.collectors.interface import CollectionPlan
from govscan.model import CollectionError, Resource, Status
from tests.aws.test_collector import fail_with, with_hook
from tests.dsgvo.conftest import controls, judge

REGION = "eu-central-1"
LIFECYCLE = frozenset(
    {"lifecycle_expiration_days", "lifecycle_noncurrent_expiration_days", "versioning"}
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with mock_aws():
        yield


def _collect(plan: dict[str, frozenset[str]]) -> tuple[AwsCollector, list[Any]]:
    col = AwsCollector({"aws": True, "aws_regions": [REGION]})
    return col, list(col.collect(CollectionPlan(plan)))


def _by_name(items: list[Any]) -> dict[str, Resource]:
    return {i.ref.name: i for i in items if isinstance(i, Resource)}


def _statuses(control_id: str, found: dict[str, Resource], **kw: Any) -> dict[str, Status]:
    got = judge(controls()[control_id], list(found.values()), **kw)
    name_of = {r.ref.id: n for n, r in found.items()}
    return {name_of[rid]: status for rid, (status, _) in got.items()}


def test_log_groups_are_listed_across_pages_with_their_retention(aws_env: None) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for i in range(52):  # more than one page of DescribeLogGroups (50)
        logs.create_log_group(logGroupName=f"/app/filler-{i:02}")
        logs.put_retention_policy(logGroupName=f"/app/filler-{i:02}", retentionInDays=30)
    logs.create_log_group(logGroupName="/app/access")
    logs.put_retention_policy(logGroupName="/app/access", retentionInDays=365)
    logs.create_log_group(logGroupName="/app/debug")
    logs.create_log_group(logGroupName="/app/archive")
    logs.put_retention_policy(logGroupName="/app/archive", retentionInDays=3653)
    col, items = _collect({"aws.logs.log_group": frozenset({"retention_days"})})
    assert not [i for i in items if isinstance(i, CollectionError)]
    found = _by_name(items)
    assert len(found) == 55
    access = found["/app/access"]
    assert access.ref.id == f"arn:aws:logs:{REGION}:123456789012:log-group:/app/access"
    assert access.data["retention_days"] == 365
    assert access.data["created"].endswith("Z")
    assert found["/app/debug"].data["retention_days"] is None
    assert {"log_group_name", "kms_key_id", "stored_bytes"} <= set(access.data)
    ops = {a.operation for a in col.api_calls() if a.service == "logs"}
    assert ops == {"DescribeLogGroups"}
    got = _statuses("dsgvo.retention.aws-log-group", found)
    assert (got["/app/access"], got["/app/debug"], got["/app/archive"]) == (
        Status.PASS,
        Status.FAIL,
        Status.FAIL,
    )
    # A shorter maximum from the policy fails the year-long group too.
    tight = _statuses("dsgvo.retention.aws-log-group", found, params={"max_log_retention_days": 90})
    assert tight["/app/access"] == Status.FAIL and tight["/app/filler-00"] == Status.PASS


def _bucket(
    s3: Any, name: str, rules: list[dict[str, Any]] | None, versioned: bool = False
) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if rules is not None:
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})


def _expire(
    days: int, *, prefix: str = "", status: str = "Enabled", **extra: Any
) -> dict[str, Any]:
    return {
        "ID": f"expire-{days}",
        "Status": status,
        "Filter": {"Prefix": prefix},
        "Expiration": {"Days": days},
        **extra,
    }


def test_bucket_lifecycle_expiration_is_read_only_when_a_control_needs_it(aws_env: None) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    _bucket(s3, "uploads", [_expire(365)])
    _bucket(s3, "archive", None)
    _bucket(s3, "exports", [_expire(7, prefix="tmp/")])
    _bucket(s3, "reports", [_expire(30, status="Disabled")])
    _bucket(
        s3,
        "documents",
        [_expire(730, NoncurrentVersionExpiration={"NoncurrentDays": 30})],
        versioned=True,
    )
    _bucket(s3, "invoices", [_expire(730)], versioned=True)
    col, items = _collect({"aws.s3.bucket": LIFECYCLE})
    assert not [i for i in items if isinstance(i, CollectionError)]
    found = _by_name(items)
    days = {
        n: (r.data["lifecycle_expiration_days"], r.data["lifecycle_noncurrent_expiration_days"])
        for n, r in found.items()
    }
    assert days == {
        "uploads": (365, None),
        "archive": (None, None),  # NoSuchLifecycleConfiguration: no rules, not an error
        "exports": (None, None),
        "reports": (None, None),
        "documents": (730, 30),
        "invoices": (730, None),
    }
    assert found["exports"].data["lifecycle_rules"] == [
        {
            "id": "expire-7",
            "enabled": True,
            "all_objects": False,
            "expiration_days": 7,
            "noncurrent_expiration_days": None,
        }
    ]
    assert _statuses("dsgvo.retention.aws-s3-lifecycle", found) == {
        "uploads": Status.PASS,
        "archive": Status.FAIL,
        "exports": Status.FAIL,
        "reports": Status.FAIL,
        "documents": Status.PASS,
        "invoices": Status.FAIL,
    }
    ops = {a.operation for a in col.api_calls() if a.service == "s3"}
    assert "GetBucketLifecycleConfiguration" in ops
    col, items = _collect({"aws.s3.bucket": frozenset({"versioning"})})
    assert "GetBucketLifecycleConfiguration" not in {a.operation for a in col.api_calls()}
    assert "lifecycle_expiration_days" not in _by_name(items)["uploads"].data


def test_a_denied_lifecycle_read_is_an_error_never_a_verdict(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    _bucket(s3, "uploads", [_expire(365)])
    with_hook(
        monkeypatch,
        "before-call.s3.GetBucketLifecycleConfiguration",
        fail_with("AccessDenied"),
    )
    _, items = _collect({"aws.s3.bucket": LIFECYCLE})
    found = _by_name(items)
    assert "lifecycle_expiration_days" in found["uploads"].unavailable
    errors = [i for i in items if isinstance(i, CollectionError)]
    assert [e.operation for e in errors] == ["s3:GetBucketLifecycleConfiguration"]
    got = _statuses("dsgvo.retention.aws-s3-lifecycle", found)
    assert got == {"uploads": Status.ERROR}


def test_lifecycle_summary_counts_only_rules_that_expire_every_object() -> None:
    rules = [
        # A tag or size filter leaves objects out; an And of empty prefixes does not.
        {
            "ID": "tag",
            "Status": "Enabled",
            "Filter": {"Tag": {"Key": "a", "Value": "b"}},
            "Expiration": {"Days": 1},
        },
        {
            "ID": "size",
            "Status": "Enabled",
            "Filter": {"ObjectSizeGreaterThan": 10},
            "Expiration": {"Days": 2},
        },
        {"ID": "legacy", "Status": "Enabled", "Prefix": "logs/", "Expiration": {"Days": 3}},
        {"ID": "date", "Status": "Enabled", "Filter": {}, "Expiration": {"Date": "2030-01-01"}},
        {
            "ID": "and",
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": ""}},
            "Expiration": {"Days": 400},
        },
        {
            "ID": "all",
            "Status": "Enabled",
            "Expiration": {"Days": 500},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 5, "NewerNoncurrentVersions": 3},
        },
    ]
    out = lifecycle_summary(rules)
    assert out["lifecycle_expiration_days"] == 400
    # NewerNoncurrentVersions keeps three versions however old: not an age limit.
    assert out["lifecycle_noncurrent_expiration_days"] is None
    assert [r["all_objects"] for r in out["lifecycle_rules"]] == [
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    assert lifecycle_summary([])["lifecycle_expiration_days"] is None
    assert lifecycle_summary(["junk", {"Status": 1}])["lifecycle_rules"][0]["enabled"] is False


@pytest.fixture
def no_default_amis(monkeypatch: pytest.MonkeyPatch) -> None:
    # moto's default images bring 1,285 snapshots of other accounts and a second of set-up.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def test_snapshots_of_other_accounts_are_left_out() -> None:
    from govscan.collectors.aws.snapshots import _snapshot

    scope = Scope(None, "123456789012", REGION, CallLog(), {})
    listed = {"SnapshotId": "snap-1", "StartTime": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)}
    assert _snapshot(scope, {**listed, "OwnerId": "801119661308"}) is None
    own = _snapshot(scope, {**listed, "OwnerId": "123456789012"})
    assert own is not None and own.data["created"] == "2026-01-02T00:00:00Z"


def test_own_ebs_snapshots_are_judged_by_age_unless_a_lifecycle_deletes_them(
    no_default_amis: None, aws_env: None
) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vol = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    manual = ec2.create_snapshot(
        VolumeId=vol,
        TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "pre-upgrade"}]}
        ],
    )["SnapshotId"]
    ec2.create_snapshot(
        VolumeId=vol,
        TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": [{"Key": "dlm:managed", "Value": "true"}]}
        ],
    )
    col, items = _collect({"aws.ec2.snapshot": frozenset({"created", "managed_by"})})
    found = _by_name(items)
    assert len(found) == 2, sorted(found)
    snap = found["pre-upgrade"]
    assert snap.ref.id == f"arn:aws:ec2:{REGION}:123456789012:snapshot/{manual}"
    assert (snap.data["volume_id"], snap.data["volume_size_gib"]) == (vol, 8)
    assert snap.data["managed_by"] is None
    dlm = next(r for n, r in found.items() if n != "pre-upgrade")
    assert dlm.data["managed_by"] == "dlm"
    today = dt.datetime.now(dt.UTC).date()
    cid = "dsgvo.retention.aws-ebs-snapshot-age"
    now = _statuses(cid, found, as_of=today)
    later = _statuses(cid, found, as_of=today + dt.timedelta(days=400))
    assert now["pre-upgrade"] == Status.PASS and later["pre-upgrade"] == Status.FAIL
    assert now[dlm.ref.name] == later[dlm.ref.name] == Status.NOT_APPLICABLE
    assert "DescribeSnapshots" in {a.operation for a in col.api_calls() if a.service == "ec2"}


def test_permissions_follow_the_new_types_and_fields() -> None:
    plan = CollectionPlan(
        {
            "aws.logs.log_group": frozenset({"retention_days"}),
            "aws.ec2.snapshot": frozenset({"created"}),
            "aws.s3.bucket": frozenset({"lifecycle_expiration_days"}),
        }
    )
    actions = set(required_actions(plan))
    assert {
        "logs:DescribeLogGroups",
        "ec2:DescribeSnapshots",
        "s3:GetLifecycleConfiguration",
    } <= actions
    without = required_actions(CollectionPlan({"aws.s3.bucket": frozenset({"versioning"})}))
    assert "s3:GetLifecycleConfiguration" not in without
