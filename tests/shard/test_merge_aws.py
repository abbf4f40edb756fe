"""An organisation scanned in shards through assumed roles, merged, equals the
single-process scan (boto3 against in-process moto)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govscan.errors import UsageError
from govscan.runner import ScanConfig, plan_scan, run
from govscan.shard.planfile import write_plan
from tests.shard.conftest import comparable, govscan, results

POLICY = """
name: org-sample
extends: baseline
select:
  - resource_types: [aws.s3.bucket, aws.sqs.queue, aws.sns.topic, aws.iam.user]
"""
REGIONS = ["eu-central-1", "eu-west-1"]


@pytest.fixture(scope="module")
def organisation() -> Iterator[list[str]]:
    """A management account and three members, each with a few resources (no EC2:
    moto builds an EC2 backend per account and region, seconds each)."""
    import boto3
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "eu-central-1")
        for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
            mp.delenv(var, raising=False)
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        members = []
        for i, name in enumerate(("shop", "data", "ops")):
            req = org.create_account(AccountName=name, Email=f"aws+{name}@example.org")
            status = org.describe_create_account_status(
                CreateAccountRequestId=req["CreateAccountStatus"]["Id"]
            )
            account = status["CreateAccountStatus"]["AccountId"]
            members.append(account)
            creds = boto3.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="seed",
            )["Credentials"]
            session = boto3.session.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
            s3 = session.client("s3", region_name="eu-central-1")
            s3.create_bucket(
                Bucket=f"{name}-records-{i}",
                CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
            )
            for region in REGIONS[: i + 1]:
                attrs = {"KmsMasterKeyId": "alias/aws/sqs"} if i % 2 else {}
                sqs = session.client("sqs", region_name=region)
                sqs.create_queue(QueueName=f"{name}-orders", Attributes=attrs)
                session.client("sns", region_name=region).create_topic(Name=f"{name}-alerts")
            session.client("iam").create_user(UserName=f"{name}-admin")
        yield members


def config(tmp: Path, out: str, **extra: object) -> ScanConfig:
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY)
    targets = {"aws": True, "aws_organizations": True, "aws_regions": REGIONS}
    return ScanConfig(
        policy=str(policy),
        targets=targets,
        formats=("json",),
        output_dir=tmp / out,
        fail_on=None,
        **extra,  # type: ignore[arg-type]
    )


def test_organisation_shards_merge_to_the_single_process_scan(
    organisation: list[str], tmp_path: Path, shared_keys: None
) -> None:
    planned = plan_scan(config(tmp_path, "unused"))
    assert not planned.deterministic  # Organizations members: a plan file is needed
    units = {u.key for u in planned.plan.units}
    for account in organisation:
        assert {f"aws:{account}:global", *(f"aws:{account}:{r}" for r in REGIONS)} <= units
    plan = tmp_path / "units.json"
    write_plan(planned.plan, plan)
    run(config(tmp_path, "single"))
    shards = []
    for i in (1, 2, 3):
        run(config(tmp_path, f"shard-{i}", plan_file=plan, shard=f"{i}/3"))
        shards.append(tmp_path / f"shard-{i}")
    scanned = [set(results(s)["run"]["shard"]["units"]) for s in shards]
    assert set().union(*scanned) == units and sum(map(len, scanned)) == len(units)
    merged = tmp_path / "merged"
    joined = govscan("merge", *shards, "--output-dir", merged, "--fail-on", "none")
    assert joined.exit_code == 0, joined.output
    one, many = results(tmp_path / "single"), results(merged)
    assert comparable(many) == comparable(one)
    assert {r["status"] for r in one["results"]} >= {"pass", "fail"}
    assert len({t["identity"] for t in one["run"]["targets"]}) == 4


def test_shards_without_a_plan_are_refused_for_an_organisation(
    organisation: list[str], tmp_path: Path, shared_keys: None
) -> None:
    with pytest.raises(UsageError, match="discovered at run time"):
        run(config(tmp_path, "out", shard="1/2"))
    assert not (tmp_path / "out").exists()
    run(config(tmp_path, "alone", shard="1/1"))  # one shard cannot disagree with itself
    assert results(tmp_path / "alone")["run"]["shard"]["count"] == 1
