"""The AWS collector against moto in-process: minimal calls, errors, secrets, permissions."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy, select_controls
from govscan.collectors.aws import AwsCollector
from govscan.collectors.aws import session as aws_session
from govscan.collectors.aws.permissions import required_actions
from govscan.collectors.aws.registry import iam_action
from govscan.collectors.interface import CollectionPlan
from govscan.engine.plan import needed_fields
from govscan.engine.scan import ScanOptions, run_scan
from govscan.errors import ExitCode
from govscan.model import CollectionError, Policy, Resource, Status
from govscan.runner import exit_code_for

from .conftest import REGIONS


def collector(**extra: Any) -> AwsCollector:
    return AwsCollector({"aws": True, "aws_regions": REGIONS, **extra})


def seed() -> None:
    from govscan.demo.aws_estate import seed_estate

    seed_estate()


def with_hook(monkeypatch: pytest.MonkeyPatch, event: str, handler: Callable[..., Any]) -> None:
    """Every session the collector makes gets a botocore event handler."""
    original = aws_session.base_session

    def patched(profile: str | None) -> Any:
        s = original(profile)
        s.events.register(event, handler)
        return s

    monkeypatch.setattr(aws_session, "base_session", patched)
    import govscan.collectors.aws.discovery as discovery

    monkeypatch.setattr(discovery, "base_session", patched)


def fail_with(code: str, message: str = "denied by test") -> Callable[..., Any]:
    def handler(**kwargs: Any) -> None:
        op = kwargs.get("model").name if kwargs.get("model") else "op"
        raise ClientError(
            {
                "Error": {"Code": code, "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            },
            op,
        )

    return handler


def scan(controls_glob: str, col: AwsCollector) -> Any:
    controls, _ = load_control_dirs([])
    policy = load_policy("baseline")
    chosen = select_controls(Policy("t", include=()), controls.controls.values())
    import fnmatch

    chosen = [c for c in chosen if fnmatch.fnmatchcase(c.id, controls_glob)]
    return run_scan(chosen, policy, [col], ScanOptions(as_of=dt.datetime.now(dt.UTC)))


def test_only_the_detail_calls_the_controls_need(mocked: None) -> None:
    seed()
    col = collector()
    plan = CollectionPlan({"aws.s3.bucket": frozenset({"default_encryption"})})
    items = list(col.collect(plan))
    assert any(isinstance(i, Resource) for i in items)
    ops = {f"{a.service}:{a.operation}" for a in col.api_calls()}
    assert "s3:GetBucketEncryption" in ops
    assert not ops & {
        "s3:GetBucketLogging",
        "s3:GetBucketVersioning",
        "s3:GetBucketAcl",
        "s3:GetBucketPolicy",
        "s3:GetBucketReplication",
    }
    assert not any(op.startswith(("ec2:DescribeVolumes", "rds:")) for op in ops)


def test_call_log_records_counts_and_scope(mocked: None) -> None:
    seed()
    col = collector()
    list(col.collect(CollectionPlan({"aws.ec2.volume": frozenset({"encrypted"})})))
    rows = {(a.region, a.operation): a for a in col.api_calls() if a.service == "ec2"}
    assert {r for r, op in rows if op == "DescribeVolumes"} == set(REGIONS)
    assert all(
        a.account == "123456789012" and a.count >= 1 and a.errors == 0
        for (_, op), a in rows.items()
        if op == "DescribeVolumes"
    )


def test_permissions_cover_every_call_of_a_real_scan(mocked: None) -> None:
    seed()
    controls, _ = load_control_dirs([])
    aws_controls = [c for c in controls.controls.values() if c.resource.startswith("aws.")]
    plan = CollectionPlan(needed_fields(aws_controls))
    col = collector()
    list(col.collect(plan))
    called = {iam_action(f"{a.service}:{a.operation}") for a in col.api_calls()}
    allowed = set(required_actions(plan))
    assert called <= allowed, called - allowed
    # and nothing in the policy is never needed by some resource type of the plan
    encryption_only = CollectionPlan({"aws.s3.bucket": frozenset({"default_encryption"})})
    assert "s3:GetBucketLogging" not in required_actions(encryption_only)
    assert "s3:GetEncryptionConfiguration" in required_actions(encryption_only)


def test_access_denied_on_a_detail_call_is_error_for_exactly_that_control(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    with_hook(monkeypatch, "before-call.s3.GetBucketEncryption", fail_with("AccessDenied"))
    result = scan("aws.s3.*", collector())
    by_control: dict[str, set[Status]] = {}
    for r in result.results:
        by_control.setdefault(r.control_id, set()).add(r.status)
    assert by_control["aws.s3.bucket-default-encryption"] == {Status.ERROR}
    assert Status.PASS in by_control["aws.s3.bucket-versioning"]
    assert Status.FAIL in by_control["aws.s3.bucket-versioning"]
    err = next(e for e in result.errors if e.operation == "s3:GetBucketEncryption")
    assert err.account == "123456789012" and "AccessDenied" in err.message
    assert exit_code_for(result, None) is ExitCode.INCOMPLETE


def test_access_denied_on_a_list_call_errors_that_scope_only(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    with_hook(monkeypatch, "before-call.ec2.DescribeVolumes", fail_with("UnauthorizedOperation"))
    result = scan("aws.ebs.volume-encrypted", collector())
    assert {r.status for r in result.results} == {Status.ERROR}
    assert {r.resource.region for r in result.results} == set(REGIONS)
    assert all("ec2:DescribeVolumes" in r.message for r in result.results)


def test_exhausted_throttling_is_error_not_pass(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    with_hook(monkeypatch, "before-call.rds.DescribeDBInstances", fail_with("Throttling", "Rate"))
    result = scan("aws.rds.instance-*", collector())
    assert {r.status for r in result.results} == {Status.ERROR}
    assert any("retries exhausted" in e.message for e in result.errors)


def test_resource_deleted_between_list_and_describe_is_skipped(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()

    def gone(**kwargs: Any) -> None:
        if kwargs["params"].get("TableName") == "sessions":
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "DescribeTable"
            )

    with_hook(monkeypatch, "before-parameter-build.dynamodb.DescribeTable", gone)
    col = collector()
    items = list(col.collect(CollectionPlan({"aws.dynamodb.table": frozenset({"sse"})})))
    names = {i.ref.name for i in items if isinstance(i, Resource)}
    assert names == {"orders"}
    assert not [i for i in items if isinstance(i, CollectionError)]


def test_lambda_environment_values_never_leave_the_collector(
    mocked: None, caplog: pytest.LogCaptureFixture
) -> None:
    seed()
    caplog.set_level(logging.DEBUG)
    items = list(collector().collect(CollectionPlan({"aws.lambda.function": frozenset()})))
    (fn,) = [i for i in items if isinstance(i, Resource)]
    assert fn.data["environment_variable_names"] == ["SMTP_HOST", "SMTP_PASSWORD"]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("govscan"))
    dumped = json.dumps(fn.data) + ours
    assert "hunter2-demo-value" not in dumped
    assert "mail.brauwerk.example" not in dumped


def test_s3_location_special_cases() -> None:
    from govscan.collectors.aws.s3 import location_region

    assert location_region(None) == "us-east-1"
    assert location_region("") == "us-east-1"
    assert location_region("EU") == "eu-west-1"
    assert location_region("eu-central-1") == "eu-central-1"


def test_assume_role_into_a_second_account(mocked: None) -> None:
    sts = boto3.client("sts", region_name="eu-central-1")
    creds = sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/audit", RoleSessionName="seed")[
        "Credentials"
    ]
    other = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    other.client("ec2", region_name="eu-central-1").create_volume(
        AvailabilityZone="eu-central-1a", Size=1
    )
    col = collector(
        aws_role_arn="arn:aws:iam::210987654321:role/audit", aws_regions=["eu-central-1"]
    )
    items = list(col.collect(CollectionPlan({"aws.ec2.volume": frozenset({"encrypted"})})))
    vols = [i for i in items if isinstance(i, Resource)]
    assert vols and {v.ref.account for v in vols} == {"210987654321"}
    assert all(v.ref.id.startswith("arn:aws:ec2:eu-central-1:210987654321:volume/") for v in vols)
    assert [t.identity for t in col.targets()] == ["210987654321"]


def test_accounts_file_errors_name_file_and_line(tmp_path: Any) -> None:
    from govscan.errors import ValidationError

    f = tmp_path / "accounts.yaml"
    f.write_text("accounts:\n  - account_id: '12345'\n    colour: blue\n")
    with pytest.raises(ValidationError) as exc:
        aws_session.load_accounts_file(f)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "accounts.yaml:2:17: account_id must be 12 digits" in text
    assert "accounts.yaml:3:5: unknown account field 'colour'" in text


def test_organizations_discovery_scans_member_accounts(mocked: None) -> None:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="shop-prod", Email="aws+prod@brauwerk.example")
    status = member["CreateAccountStatus"]
    account_id = org.describe_create_account_status(CreateAccountRequestId=status["Id"])[
        "CreateAccountStatus"
    ]["AccountId"]
    col = collector(aws_organizations=True, aws_regions=["eu-central-1"])
    list(col.collect(CollectionPlan({"aws.ec2.volume": frozenset({"encrypted"})})))
    scanned = {t.identity for t in col.targets()}
    assert {"123456789012", account_id} <= scanned


def test_cloudtrail_log_bucket_residency(mocked: None) -> None:
    seed()
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="trail-logs-us")
    boto3.client("cloudtrail", region_name="eu-central-1").create_trail(
        Name="us-logs", S3BucketName="trail-logs-us"
    )
    result = scan("residency.aws.cloudtrail-bucket-region", collector())
    statuses = {r.resource.name: r.status for r in result.results}
    assert statuses == {"org-trail": Status.PASS, "us-logs": Status.FAIL}


def test_region_deny_scp_guardrail(mocked: None) -> None:
    control = "residency.aws.region-deny-scp"
    assert {r.status for r in scan(control, collector()).results} == {Status.FAIL}, (
        "not in an organization: no guardrail"
    )
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    policy = org.create_policy(
        Name="eu-only",
        Type="SERVICE_CONTROL_POLICY",
        Description="regions",
        Content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*", "cloudfront:*"],
                        "Resource": "*",
                        "Condition": {
                            "StringNotEquals": {
                                "aws:RequestedRegion": ["eu-central-1", "eu-west-1"]
                            }
                        },
                    }
                ],
            }
        ),
    )
    assert {r.status for r in scan(control, collector()).results} == {Status.FAIL}, (
        "a policy that is not attached guards nothing"
    )
    org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=root)
    assert {r.status for r in scan(control, collector()).results} == {Status.PASS}


def test_region_deny_parsing() -> None:
    from govscan.collectors.aws.organizations import region_deny_regions

    deny = {
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": "eu-central-1"}},
            }
        ]
    }
    assert region_deny_regions(json.dumps(deny)) == ["eu-central-1"]
    assert region_deny_regions(json.dumps({"Statement": [{"Effect": "Allow"}]})) is None
    assert region_deny_regions("not json") is None


def test_rds_snapshot_copies_are_judged_where_they_lie(mocked: None) -> None:
    seed()
    rds = boto3.client("rds", region_name="eu-central-1")
    rds.create_db_snapshot(DBInstanceIdentifier="shop-orders", DBSnapshotIdentifier="nightly")
    arn = rds.describe_db_snapshots(DBSnapshotIdentifier="nightly")["DBSnapshots"][0][
        "DBSnapshotArn"
    ]
    boto3.client("rds", region_name="us-east-1").copy_db_snapshot(
        SourceDBSnapshotIdentifier=arn,
        TargetDBSnapshotIdentifier="nightly-dr",
        SourceRegion="eu-central-1",
    )
    result = scan("residency.aws.rds-snapshot-region", collector())
    statuses = {(r.resource.name, r.resource.region): r.status for r in result.results}
    assert statuses[("nightly", "eu-central-1")] is Status.PASS
    assert statuses[("nightly-dr", "us-east-1")] is Status.FAIL
