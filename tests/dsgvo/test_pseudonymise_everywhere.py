"""Every place a person can appear is pseudonymised in every file of the bundle.

Known names are seeded in a waiver owner (active and expired), the registry's
review owner, a records activity owner, EC2 and EBS tags (``data.tags`` and the
top-level copy) and IAM user names; then every bundle file (gzip members
decompressed) is searched for them.  With redaction off the same names are
there, so the search can fail.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from govscan.evidence.pseudonymise import Redactor
from govscan.model import (
    Resource,
    ResourceRef,
    Result,
    RunInfo,
    Severity,
    Status,
    Target,
    WaiverInfo,
)
from govscan.runner import ScanConfig, run

from .conftest import fixture

# Whole-estate or subprocess cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

REGION = "eu-central-1"
AS_OF = dt.date(2026, 6, 30)

CREATED_BY = "erika.mustermann"
CONTACT = "lena.vogel@brauwerk.example"
OWNER_TAG = "Jonas Becker"
VOLUME_CREATOR = "tobiasq"
IAM_USER_LOGIN = "max.muster"
IAM_USER_PLAIN = "kwagner"
VOLUME_OWNER = "Anna Schmidt"
REVIEW_OWNER = "Sabine Roth"
ACTIVITY_OWNER = "Dieter Kraus"
WAIVER_OWNER = "petra.schulz@brauwerk.example"
EXPIRED_WAIVER_OWNER = "Hans Meier"

SEEDED = (
    CREATED_BY,
    CONTACT,
    OWNER_TAG,
    VOLUME_CREATOR,
    IAM_USER_LOGIN,
    IAM_USER_PLAIN,
    VOLUME_OWNER,
    REVIEW_OWNER,
    ACTIVITY_OWNER,
    WAIVER_OWNER,
    EXPIRED_WAIVER_OWNER,
)

FORMATS = ("json", "html", "sarif", "junit", "oscal", "csv", "md")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for var, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(var, value)
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with mock_aws():
        _seed_estate()
        yield


def _tags(**tags: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _seed_estate() -> None:
    import boto3

    ec2 = boto3.client("ec2", region_name=REGION)
    image = ec2.register_image(Name="base", RootDeviceName="/dev/xvda", VirtualizationType="hvm")[
        "ImageId"
    ]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": _tags(Name="web-1", CreatedBy=CREATED_BY, Contact=CONTACT, Owner=OWNER_TAG),
            }
        ],
    )
    ec2.create_volume(
        AvailabilityZone=f"{REGION}a",
        Size=8,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": _tags(CreatedBy=VOLUME_CREATOR, Owner=VOLUME_OWNER)}
        ],
    )
    iam = boto3.client("iam", region_name=REGION)
    for user in (IAM_USER_LOGIN, IAM_USER_PLAIN):
        iam.create_user(UserName=user)
        iam.put_user_policy(
            UserName=user,
            PolicyName="direct",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        )
        iam.create_login_profile(UserName=user, Password="Not-a-real-pass-123")


def _project(tmp_path: Path) -> tuple[Path, Path, Path]:
    registry = fixture("registry.yaml")
    # Overdue, so the failure message names the owner too.
    registry["processors"][0]["review"] = {
        "owner": REVIEW_OWNER,
        "last_review": dt.date(2024, 1, 1),
        "next_review": dt.date(2025, 1, 1),
    }
    records = fixture("records.yaml")
    records["activities"][0]["owner"] = ACTIVITY_OWNER
    reg = tmp_path / "avv-registry.yaml"
    reg.write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")
    rec = tmp_path / "vvt.yaml"
    rec.write_text(yaml.safe_dump(records, sort_keys=False), encoding="utf-8")
    policy = tmp_path / "seeded.yaml"
    policy.write_text(
        yaml.safe_dump(
            {
                "name": "seeded",
                "extends": "dsgvo",
                "select": [
                    {
                        "ids": [
                            "aws.ec2.instance-*",
                            "aws.ebs.*",
                            "aws.iam.user-*",
                            "dsgvo.registry.*",
                            "dsgvo.vvt.*",
                        ]
                    }
                ],
                "waivers": [
                    {
                        "control": "aws.iam.user-no-direct-policies",
                        "resources": [f"*{IAM_USER_PLAIN}"],
                        "reason": f"break-glass account, agreed with {WAIVER_OWNER}",
                        "owner": WAIVER_OWNER,
                        "expires": dt.date(2027, 1, 1),
                    },
                    {
                        "control": "aws.iam.user-no-direct-policies",
                        "resources": [f"*{IAM_USER_LOGIN}"],
                        "reason": "migration",
                        "owner": EXPIRED_WAIVER_OWNER,
                        "expires": dt.date(2026, 1, 1),
                    },
                ],
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return reg, rec, policy


def _scan(tmp_path: Path, out: Path, *, redact: bool) -> dict[str, str]:
    reg, rec, policy = _project(tmp_path)
    config = ScanConfig(
        policy=str(policy),
        targets={"aws": True, "aws_regions": [REGION], "registry": str(reg), "records": str(rec)},
        formats=FORMATS,
        output_dir=out,
        as_of=AS_OF,
        redact=redact,
    )
    outcome = run(config)
    assert outcome.scan.results.counts(), "the scan judged nothing"
    return _bundle_text(out)


def _bundle_text(out: Path) -> dict[str, str]:
    """Every file of the bundle as text; gzip members decompressed."""
    files: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        files[str(path.relative_to(out))] = raw.decode("utf-8", "replace")
    return files


def _found(files: dict[str, str], name: str) -> list[str]:
    # JSON may escape "/" or non-ASCII; HTML may escape "@": look for the plain and the
    # escaped forms alike.
    forms = {name, json.dumps(name)[1:-1], name.replace("@", "&#64;")}
    return [f for f, text in files.items() if any(form in text for form in forms)]


@pytest.mark.timeout(300)
def test_no_seeded_name_in_any_bundle_file(tmp_path: Path, aws: None) -> None:
    redacted = _scan(tmp_path, tmp_path / "redacted", redact=True)
    assert {"results.json", "resources.jsonl.gz", "results.csv"} <= set(redacted)
    leaks = {name: _found(redacted, name) for name in SEEDED}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}

    results = json.loads(redacted["results.json"])["results"]
    waived = [r for r in results if r.get("waiver")]
    assert waived and all(r["waiver"]["owner"].startswith("anon-") for r in waived)
    expired = [r for r in waived if r["waiver"]["expired"]]
    assert expired and all(r["waiver"]["owner"] in r["message"] for r in expired)

    plain = _scan(tmp_path, tmp_path / "plain", redact=False)
    missing = [name for name in SEEDED if not _found(plain, name)]
    assert not missing, missing


def _scan_result(redactor: Redactor, result: Result) -> Result:
    return redactor.result(result)


KEY = b"K" * 32


def test_nested_tags_use_the_pseudonym_of_the_top_level_copy() -> None:
    tags = {"CreatedBy": CREATED_BY, "Name": "web-1", "Team": "platform"}
    resource = Resource(
        ResourceRef("aws.ec2.instance", "i-1", "web-1", "aws", "123456789012", REGION),
        {
            "tags": dict(tags),
            "launch_template": {"Tags": _tags(CreatedBy=CREATED_BY, Team="platform")},
            "note": f"launched by {CREATED_BY}",
        },
        tags=tags,
    )
    r = Redactor(KEY)
    out = r.resource(resource)
    alias = r.pseudonym(CREATED_BY)
    assert out.tags["CreatedBy"] == alias
    assert out.data["tags"] == {"CreatedBy": alias, "Name": "web-1", "Team": "platform"}
    assert out.data["launch_template"]["Tags"][0] == {"Key": "CreatedBy", "Value": alias}
    assert out.data["launch_template"]["Tags"][1]["Value"] == "platform"
    assert out.data["note"] == f"launched by {alias}"


def test_registry_owner_fields_are_pseudonymised_whatever_they_look_like() -> None:
    r = Redactor(KEY)
    processor = Resource(
        ResourceRef("dsgvo.processor", "avv:x", "X GmbH", "dsgvo"),
        {"review": {"owner": "IT-Leitung", "next_review": "2027-01-01"}, "purpose": "Hosting"},
    )
    out = r.resource(processor)
    assert out.data["review"]["owner"] == r.pseudonym("IT-Leitung")
    assert out.data["purpose"] == "Hosting"
    activity = Resource(ResourceRef("dsgvo.activity", "vvt:a", "Shop", "dsgvo"), {"owner": "IT"})
    assert r.resource(activity).data["owner"] == r.pseudonym("IT", remember=False)
    # Two letters are pseudonymised in their field but not hunted in free text.
    assert r.text("IT security") == "IT security"


def test_waiver_owner_and_reason_and_inline_suppressions() -> None:
    r = Redactor(KEY)
    ref = ResourceRef("aws.iam.user", "arn:aws:iam::123456789012:user/x", "x", "aws")
    failed = Result(
        "aws.iam.user-no-direct-policies",
        "t",
        Severity.LOW,
        Status.FAIL,
        ref,
        {},
        message=f"User x has policies (waiver by {EXPIRED_WAIVER_OWNER} expired on 2026-01-01)",
        waiver=WaiverInfo("migration", EXPIRED_WAIVER_OWNER, dt.date(2026, 1, 1), expired=True),
    )
    out = _scan_result(r, failed)
    alias = r.pseudonym(EXPIRED_WAIVER_OWNER)
    assert out.waiver is not None and out.waiver.owner == alias
    assert out.message.endswith(f"(waiver by {alias} expired on 2026-01-01)")
    inline = Result(
        "c.x",
        "t",
        Severity.LOW,
        Status.WAIVED,
        ref,
        {},
        waiver=WaiverInfo(f"ok per {CONTACT}", "inline", None, inline=True),
    )
    kept = _scan_result(r, inline).waiver
    assert kept is not None and kept.owner == "inline"
    assert kept.reason == f"ok per {r.pseudonym(CONTACT)}"


def test_run_metadata_caller_sessions_and_account_tags() -> None:
    r = Redactor(KEY)
    session = f"arn:aws:sts::123456789012:assumed-role/Admin/{CONTACT}"
    run_info = RunInfo(
        "run",
        dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
        "0",
        "p",
        targets=(
            Target(
                "aws",
                "123456789012",
                {"caller": session, "tags": {"Owner": OWNER_TAG, "CostCenter": "4711"}},
            ),
        ),
        parameters={"approvers": [WAIVER_OWNER]},
    )
    out = r.run(run_info)
    details: Any = out.targets[0].details
    assert details["caller"] == (
        f"arn:aws:sts::123456789012:assumed-role/Admin/{r.pseudonym(CONTACT)}"
    )
    assert details["tags"] == {"Owner": r.pseudonym(OWNER_TAG), "CostCenter": "4711"}
    assert out.parameters["approvers"] == [r.pseudonym(WAIVER_OWNER)]
