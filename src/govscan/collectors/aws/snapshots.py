"""EBS snapshots the account owns (regional)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope, iso, tag_dict
from govscan.collectors.interface import Item
from govscan.model import Resource

SNAPSHOT = "aws.ec2.snapshot"


def managed_by(tags: dict[str, str]) -> str | None:
    """The service whose lifecycle deletes the snapshot, read from the tags it sets:
    AWS Backup tags its recovery points, Data Lifecycle Manager its snapshots."""
    if any(k.startswith("aws:backup:") for k in tags):
        return "backup"
    if tags.get("dlm:managed") == "true" or "aws:dlm:lifecycle-policy-id" in tags:
        return "dlm"
    return None


def _snapshot(scope: Scope, s: dict[str, Any]) -> Resource | None:
    if s.get("OwnerId") not in (None, scope.account):
        return None
    sid = s["SnapshotId"]
    tags = tag_dict(s.get("Tags"))
    data = {
        "snapshot_id": sid,
        "volume_id": s.get("VolumeId"),
        "volume_size_gib": s.get("VolumeSize"),
        "encrypted": bool(s.get("Encrypted")),
        "kms_key_id": s.get("KmsKeyId"),
        "state": s.get("State"),
        "description": s.get("Description"),
        "storage_tier": s.get("StorageTier"),
        "managed_by": managed_by(tags),
        "created": iso(s.get("StartTime")),
    }
    arn = f"arn:aws:ec2:{scope.region}:{scope.account}:snapshot/{sid}"
    return scope.resource(SNAPSHOT, arn, tags.get("Name", sid), data, tags=tags)


def snapshots(scope: Scope) -> Iterator[Item]:
    """Only the account's own: public and shared snapshots of others are not its data
    to delete. The owner-id filter repeats OwnerIds=self for endpoints that ignore it."""
    mine = [{"Name": "owner-id", "Values": [scope.account]}]
    try:
        for s in scope.api("ec2").pages(
            "describe_snapshots", "Snapshots", OwnerIds=["self"], Filters=mine
        ):
            resource = _snapshot(scope, s)
            if resource is not None:
                yield resource
    except CallFailure as failure:
        yield scope.list_error(SNAPSHOT, failure)


register(TypeDef(SNAPSHOT, "ec2", snapshots, ("ec2:DescribeSnapshots",)))
