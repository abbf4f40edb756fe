"""Every residency control reads the right field: pass, fail and error for an unknown region."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from govscan.catalog.policies import load_policy
from govscan.engine.scan import Evaluator
from govscan.model import Resource, ResourceRef, Status
from tests.dsgvo.conftest import controls

CONTROLS = {cid: c for cid, c in controls().items() if cid.startswith("residency.aws.")}
AS_OF = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)

# Copies: control -> (pass, fail, error, not applicable) resource data.
COPIES: dict[str, tuple[dict[str, Any], ...]] = {
    "residency.aws.s3-replication-destinations": (
        {"replication": {"enabled": True, "regions": ["eu-west-1", "eu-central-1"]}},
        {"replication": {"enabled": True, "regions": ["eu-west-1", "us-east-1"]}},
        {"replication": {"enabled": True, "regions": ["eu-west-1", "unknown"]}},
        {"replication": {"enabled": False, "regions": []}},
    ),
    "residency.aws.rds-read-replicas": (
        {"replica_regions": ["eu-west-1"]},
        {"replica_regions": ["us-east-1"]},
        {"replica_regions": ["mars-north-1"]},
        {"replica_regions": []},
    ),
    "residency.aws.dynamodb-global-replicas": (
        {"replica_regions": ["eu-central-1", "eu-west-1"]},
        {"replica_regions": ["eu-central-1", "us-east-1"]},
        {"replica_regions": ["eu-central-1", "xx-unknown-1"]},
        {"replica_regions": []},
    ),
    "residency.aws.cloudtrail-bucket-region": (
        {"s3_bucket": "logs", "bucket_region": "eu-central-1"},
        {"s3_bucket": "logs", "bucket_region": "us-east-1"},
        {"s3_bucket": "logs", "bucket_region": "unknown"},
        {"bucket_region": "us-east-1"},
    ),
    "residency.aws.backup-copy-destinations": (
        {"copy_regions": ["eu-west-1"]},
        {"copy_regions": ["eu-west-1", "us-east-1"]},
        {"copy_regions": ["unknown"]},
        {"copy_regions": []},
    ),
}


def _judge(control_id: str, data: dict[str, Any], **params: Any) -> Status:
    control = CONTROLS[control_id]
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **params})
    out: list[Status] = []
    res = Resource(ResourceRef(control.resource, "arn:test", "thing", "aws"), data)
    Evaluator([control], policy, AS_OF).evaluate(res, lambda r: out.append(r.status))
    assert len(out) == 1
    return out[0]


def test_every_data_bearing_regional_type_has_a_residency_control() -> None:
    judged = {c.resource for c in CONTROLS.values()}
    assert judged >= {
        "aws.s3.bucket",
        "aws.ec2.volume",
        "aws.ec2.instance",
        "aws.rds.instance",
        "aws.rds.cluster",
        "aws.dynamodb.table",
        "aws.efs.file_system",
        "aws.backup.vault",
        "aws.backup.plan",
        "aws.cloudtrail.trail",
        "aws.lambda.function",
        "aws.sqs.queue",
        "aws.sns.topic",
        "aws.kms.key",
    }
    for c in CONTROLS.values():
        assert c.frameworks["dsgvo"][0] == "Art. 44"
        assert c.frameworks["nist-800-53-r5"] == ("SA-9(5)",)
        # A.5.31 (legal and contractual requirements) only for the guardrails that
        # enforce Chapter V at the account, subscription or organisation level.
        assert c.frameworks["iso27001-2022"][0] == "A.5.23"
        assert set(c.frameworks["iso27001-2022"]) <= {"A.5.23", "A.5.31"}
        assert c.frameworks["bsi-c5-2020"] == ("PSS-12",)
        assert c.origins in (("cloud",), ("cloud", "code"))
    # A regional resource defined in Terraform is judged by its provider's region on its
    # own line, so a pull request adding one to a non-EU provider fails where it adds it.
    in_code = {c.resource for c in CONTROLS.values() if "code" in c.origins}
    assert in_code >= {
        "aws.s3.bucket",
        "aws.ec2.volume",
        "aws.ec2.instance",
        "aws.rds.instance",
        "aws.rds.cluster",
        "aws.dynamodb.table",
        "aws.efs.file_system",
        "aws.cloudtrail.trail",
        "aws.lambda.function",
        "aws.sqs.queue",
        "aws.sns.topic",
        "aws.kms.key",
    }


GUARDRAILS = {"residency.aws.region-deny-scp"}  # judged in tests/aws/test_collector.py


@pytest.mark.parametrize(
    "control_id", sorted(c for c in CONTROLS if c not in COPIES and c not in GUARDRAILS)
)
def test_region_controls(control_id: str) -> None:
    assert _judge(control_id, {"region": "eu-central-1"}) is Status.PASS
    assert _judge(control_id, {"region": "us-east-1"}) is Status.FAIL
    assert _judge(control_id, {"region": "mars-north-1"}) is Status.ERROR
    assert _judge(control_id, {"region": "eu-west-1"}, allowed_jurisdictions=["DE"]) is Status.FAIL
    assert (
        _judge(control_id, {"region": "eu-west-1"}, allowed_regions=["eu-central-1"]) is Status.FAIL
    )


@pytest.mark.parametrize("control_id", sorted(COPIES))
def test_copy_controls(control_id: str) -> None:
    passing, failing, unknown, none = COPIES[control_id]
    assert _judge(control_id, passing) is Status.PASS
    assert _judge(control_id, failing) is Status.FAIL
    assert _judge(control_id, unknown) is Status.ERROR
    assert _judge(control_id, none) is Status.NOT_APPLICABLE
