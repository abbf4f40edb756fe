"""Compute Engine disk snapshots, through ``google.cloud.compute_v1`` (one global list
per project).

A snapshot is a full copy of a disk, personal data included, kept until deleted; the
storage-limitation controls judge its age. Snapshots a schedule took are deleted by the
schedule's retention (``auto_created``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    integer,
    key_without_version,
    labels,
    last,
    located,
    location,
    obj,
    others,
    seq,
    text,
)
from govscan.collectors.gcp.types_compute import API, PAGE_SIZE

SNAPSHOT = "gcp.compute.snapshot"
LIST_SNAPSHOTS = "compute.snapshots.list"


def _snapshots_client() -> Callable[..., Any]:
    from google.cloud import compute_v1

    return compute_v1.SnapshotsClient


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    client = clients.gapic(API, _snapshots_client())
    return clients.pages(
        API,
        project.project_id,
        LIST_SNAPSHOTS,
        client.list,
        {"project": project.project_id, "max_results": PAGE_SIZE},
        "items",
    )


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A snapshot's REST JSON -> gcp.compute.snapshot."""
    stored = [x for x in (location(s) for s in seq(item.get("storageLocations"))) if x]
    loc = stored[0] if stored else None
    key = obj(item.get("snapshotEncryptionKey"))
    return {
        "name": text(item.get("name")),
        **located(loc),
        "labels": labels(item.get("labels")),
        "snapshot_id": text(item.get("id")),
        "storage_locations": stored,
        "replica_locations": others(stored, loc),
        "source_disk": last(item.get("sourceDisk")),
        "disk_size_gb": integer(item.get("diskSizeGb")),
        "snapshot_type": text(item.get("snapshotType")),
        "auto_created": bool(item.get("autoCreated")),
        "status": text(item.get("status")),
        "kms_key": key_without_version(key.get("kmsKeyName")),
        "created": text(item.get("creationTimestamp")),
    }


define(
    GcpType(
        type=SNAPSHOT,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST_SNAPSHOTS,),
    )
)
