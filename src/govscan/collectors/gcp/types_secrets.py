"""Secret Manager secrets, through the Secret Manager API (discovery client).

Names and metadata only: govscan never lists or reads secret versions, so no
payload can reach a scan (its permissions do not even allow it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    days,
    labels,
    located,
    location,
    obj,
    pages,
    seq,
    text,
    token,
)

T = "gcp.secretmanager.secret"
API = "secretmanager.googleapis.com"
LIST = "secretmanager.secrets.list"
PAGE_SIZE = 250


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    parent = f"projects/{project.project_id}"
    return pages(
        clients,
        project,
        API,
        LIST,
        lambda s, t: s.projects().secrets().list(parent=parent, pageSize=PAGE_SIZE, **token(t)),
        "secrets",
    )


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A secret's REST JSON (metadata, never a payload) -> gcp.secretmanager.secret."""
    replication = obj(item.get("replication"))
    automatic = replication.get("automatic")
    user = replication.get("userManaged")
    replicas = [r for r in seq(obj(user).get("replicas")) if isinstance(r, dict)]
    if isinstance(automatic, dict):
        kind: str | None = "automatic"
        cmek = bool(obj(automatic.get("customerManagedEncryption")).get("kmsKeyName"))
    elif isinstance(user, dict):
        kind = "user_managed"
        cmek = bool(replicas) and all(
            obj(r.get("customerManagedEncryption")).get("kmsKeyName") for r in replicas
        )
    else:
        kind, cmek = None, False
    rotation = obj(item.get("rotation"))
    secret_id = str(item.get("name") or "").rsplit("/", 1)[-1] or None
    return {
        "name": secret_id,
        # A secret with replication is global; its copies are its replica locations.
        **located("global"),
        "labels": labels(item.get("labels")),
        "secret_id": secret_id,
        "replication": kind,
        "replica_locations": sorted(
            {x for x in (location(r.get("location")) for r in replicas) if x}
        ),
        "cmek": cmek,
        "rotation_period_days": days(rotation.get("rotationPeriod")),
        "next_rotation_time": text(rotation.get("nextRotationTime")),
        "expire_time": text(item.get("expireTime")),
        "created": text(item.get("createTime")),
    }


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST,),
        asset_type="secretmanager.googleapis.com/Secret",
    )
)
