"""``govscan permissions``: the least-privilege IAM policy for a plan."""

from __future__ import annotations

from typing import Any

from govscan.collectors.aws import (  # noqa: F401
    coverage,
    databases,
    ec2,
    iam,
    logs,
    organizations,
    s3,
    security,
    services,
    snapshots,
)
from govscan.collectors.aws.registry import TYPES, iam_action
from govscan.collectors.interface import CollectionPlan

# Always needed: identify the caller and list the enabled regions.
BASE = ("sts:GetCallerIdentity", "ec2:DescribeRegions")


def required_operations(plan: CollectionPlan) -> list[str]:
    """``service:Operation`` API calls a scan with this plan may make."""
    ops = set(BASE)
    for rtype, fields in plan.fields.items():
        td = TYPES.get(rtype)
        if td is None:
            continue
        ops.update(td.list_ops)
        for f in fields:
            ops.update(td.detail_ops.get(f, ()))
    return sorted(ops)


def required_actions(plan: CollectionPlan) -> list[str]:
    return sorted({iam_action(op) for op in required_operations(plan)})


def iam_policy_document(plan: CollectionPlan) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GovscanReadOnly",
                "Effect": "Allow",
                "Action": required_actions(plan),
                "Resource": "*",
            }
        ],
    }
