"""RDS instances and clusters, DynamoDB tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope, iso, tag_dict
from govscan.collectors.aws.spec import Detail, Fetched, ListSpec, define
from govscan.collectors.interface import Item
from govscan.model import Resource

RDS = "aws.rds.instance"
CLUSTER = "aws.rds.cluster"
DYNAMO = "aws.dynamodb.table"
SNAPSHOT = "aws.rds.snapshot"


def _region_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[3] else None


def _snapshots(
    scope: Scope, rtype: str, method: str, key: str, unavailable: dict[str, str], **kwargs: Any
) -> dict[str, list[dict[str, Any]]]:
    """Snapshots by source identifier (one list call per region, not per database)."""
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        for s in scope.api("rds").pages(method, key, **kwargs):
            src = s.get("DBInstanceIdentifier") or s.get("DBClusterIdentifier") or ""
            out.setdefault(src, []).append(
                {
                    "id": s.get("DBSnapshotIdentifier") or s.get("DBClusterSnapshotIdentifier"),
                    "encrypted": bool(s.get("Encrypted") or s.get("StorageEncrypted")),
                }
            )
    except CallFailure as failure:
        unavailable["snapshots"] = str(failure)
    return out


def instances(scope: Scope) -> Iterator[Item]:
    rds = scope.api("rds")
    try:
        found = list(rds.pages("describe_db_instances", "DBInstances"))
    except CallFailure as failure:
        yield scope.list_error(RDS, failure)
        return
    shared: dict[str, str] = {}
    snaps = (
        _snapshots(scope, RDS, "describe_db_snapshots", "DBSnapshots", shared)
        if scope.wants(RDS, "snapshots", "all_snapshots_encrypted")
        else {}
    )
    for d in found:
        ident = d["DBInstanceIdentifier"]
        replicas = d.get("ReadReplicaDBInstanceIdentifiers", [])
        data: dict[str, Any] = {
            "identifier": ident,
            "engine": d.get("Engine"),
            "engine_version": d.get("EngineVersion"),
            "storage_encrypted": bool(d.get("StorageEncrypted")),
            "kms_key_id": d.get("KmsKeyId"),
            "publicly_accessible": bool(d.get("PubliclyAccessible")),
            "backup_retention_days": d.get("BackupRetentionPeriod", 0),
            "deletion_protection": bool(d.get("DeletionProtection")),
            "multi_az": bool(d.get("MultiAZ")),
            "auto_minor_version_upgrade": bool(d.get("AutoMinorVersionUpgrade")),
            "iam_auth": bool(d.get("IAMDatabaseAuthenticationEnabled")),
            "cluster": d.get("DBClusterIdentifier"),
            "read_replicas": replicas,
            "replica_regions": sorted({r for r in (_region_of(x) for x in replicas) if r}),
            "replica_source": d.get("ReadReplicaSourceDBInstanceIdentifier"),
            "created": iso(d.get("InstanceCreateTime")),
        }
        unavailable = dict(shared)
        if scope.wants(RDS, "snapshots", "all_snapshots_encrypted") and not shared:
            own = snaps.get(ident, [])
            data["snapshots"] = own
            data["all_snapshots_encrypted"] = all(s["encrypted"] for s in own)
        elif shared:
            unavailable["all_snapshots_encrypted"] = shared["snapshots"]
        yield scope.resource(
            RDS, d["DBInstanceArn"], ident, data, unavailable, tags=tag_dict(d.get("TagList"))
        )


def _cluster(scope: Scope, c: dict[str, Any], _: Fetched) -> Resource:
    ident = c["DBClusterIdentifier"]
    data = {
        "identifier": ident,
        "engine": c.get("Engine"),
        "storage_encrypted": bool(c.get("StorageEncrypted")),
        "kms_key_id": c.get("KmsKeyId"),
        "publicly_accessible": bool(c.get("PubliclyAccessible")),
        "backup_retention_days": c.get("BackupRetentionPeriod", 0),
        "deletion_protection": bool(c.get("DeletionProtection")),
        "multi_az": bool(c.get("MultiAZ")),
        "iam_auth": bool(c.get("IAMDatabaseAuthenticationEnabled")),
    }
    return scope.resource(CLUSTER, c["DBClusterArn"], ident, data, tags=tag_dict(c.get("TagList")))


def _table(scope: Scope, name: str, got: Fetched) -> Resource:
    info = got["DescribeTable"].get("Table", {}) if "DescribeTable" in got else {}
    arn = info.get("TableArn") or f"arn:aws:dynamodb:{scope.region}:{scope.account}:table/{name}"
    data: dict[str, Any] = {"table_name": name, "status": info.get("TableStatus")}
    if "DescribeTable" in got:
        sse = info.get("SSEDescription") or {}
        # No SSEDescription means encrypted with an AWS owned key (the default).
        data["sse"] = {
            "enabled": sse.get("Status", "ENABLED") in ("ENABLED", "ENABLING"),
            "type": sse.get("SSEType", "AWS_OWNED"),
            "kms_key_arn": sse.get("KMSMasterKeyArn"),
        }
        data["replica_regions"] = sorted(
            r.get("RegionName") for r in info.get("Replicas", []) if r.get("RegionName")
        )
    if "DescribeContinuousBackups" in got:
        pitr = (
            got["DescribeContinuousBackups"]
            .get("ContinuousBackupsDescription", {})
            .get("PointInTimeRecoveryDescription", {})
        )
        data["point_in_time_recovery"] = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
    if scope.wants(DYNAMO, "deletion_protection"):
        data["deletion_protection"] = bool(info.get("DeletionProtectionEnabled"))
    return scope.resource(DYNAMO, arn, name, data, got.unavailable)


register(
    TypeDef(
        RDS,
        "rds",
        instances,
        ("rds:DescribeDBInstances",),
        {
            "snapshots": ("rds:DescribeDBSnapshots",),
            "all_snapshots_encrypted": ("rds:DescribeDBSnapshots",),
        },
    )
)


def _snapshot(scope: Scope, sn: dict[str, Any], _: Fetched) -> Resource:
    """Every DB snapshot in the region, copies from other regions included."""
    sid = sn["DBSnapshotIdentifier"]
    arn = sn.get("DBSnapshotArn") or f"arn:aws:rds:{scope.region}:{scope.account}:snapshot:{sid}"
    data = {
        "snapshot_id": sid,
        "source_db": sn.get("DBInstanceIdentifier"),
        "snapshot_type": sn.get("SnapshotType"),
        "encrypted": bool(sn.get("Encrypted")),
        # Set on copies: the region the snapshot was copied from.
        "source_region": sn.get("SourceRegion"),
        "is_copy": bool(sn.get("SourceRegion") or sn.get("SourceDBSnapshotIdentifier")),
        "created": iso(sn.get("SnapshotCreateTime")),
    }
    return scope.resource(SNAPSHOT, arn, sid, data, tags=tag_dict(sn.get("TagList")))


define(ListSpec(CLUSTER, "rds", "DescribeDBClusters", "DBClusters", _cluster))
define(
    ListSpec(
        DYNAMO,
        "dynamodb",
        "ListTables",
        "TableNames",
        _table,
        details=(
            Detail(
                "DescribeTable",
                ("sse", "replica_regions"),
                lambda name: {"TableName": name},
                always=True,
            ),
            Detail(
                "DescribeContinuousBackups",
                ("point_in_time_recovery",),
                lambda name: {"TableName": name},
            ),
        ),
        parallel=True,
    )
)
define(ListSpec(SNAPSHOT, "rds", "DescribeDBSnapshots", "DBSnapshots", _snapshot))
