"""Log router sinks and log buckets of a project, through the Logging API (discovery client)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    integer,
    located,
    location,
    obj,
    pages,
    seq,
    text,
    token,
)

SINK = "gcp.logging.sink"
BUCKET = "gcp.logging.bucket"
API = "logging.googleapis.com"
LIST_SINKS = "logging.sinks.list"
LIST_BUCKETS = "logging.buckets.list"
PAGE_SIZE = 200
PARENT = "govscan:parent"
"""Added to each listed sink: its parent (``projects/P``); the API names a sink by its
short name only."""

BUILTIN = frozenset({"_Required", "_Default"})
DESTINATIONS = (
    ("storage.googleapis.com/", "storage"),
    ("bigquery.googleapis.com/", "bigquery"),
    ("pubsub.googleapis.com/", "pubsub"),
)


def _list_sinks(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    parent = f"projects/{project.project_id}"
    for sink in pages(
        clients,
        project,
        API,
        LIST_SINKS,
        lambda s, t: s.projects().sinks().list(parent=parent, pageSize=PAGE_SIZE, **token(t)),
        "sinks",
    ):
        yield {**sink, PARENT: parent}


def _list_buckets(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    # "-" lists the buckets of every location.
    parent = f"projects/{project.project_id}/locations/-"
    return pages(
        clients,
        project,
        API,
        LIST_BUCKETS,
        lambda s, t: (
            s.projects().locations().buckets().list(parent=parent, pageSize=PAGE_SIZE, **token(t))
        ),
        "buckets",
    )


def destination_type(destination: str) -> str | None:
    """storage, bigquery, pubsub, logging (a log bucket) or project (another project)."""
    for prefix, kind in DESTINATIONS:
        if destination.startswith(prefix):
            return kind
    if destination.startswith("logging.googleapis.com/"):
        return "logging" if "/buckets/" in destination else "project"
    return None


def normalise_sink(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A sink's REST JSON -> gcp.logging.sink."""
    destination = str(item.get("destination") or "")
    condition = str(item.get("filter") or "")
    return {
        "name": text(item.get("name")),
        **located("global"),
        "destination": destination or None,
        "destination_type": destination_type(destination),
        "filter": condition,
        "all_entries": not condition.strip(),
        "disabled": bool(item.get("disabled")),
        "include_children": bool(item.get("includeChildren")),
        "writer_identity": text(item.get("writerIdentity")),
        "exclusions": [
            str(e["name"])
            for e in seq(item.get("exclusions"))
            if isinstance(e, dict) and e.get("name")
        ],
        "created": text(item.get("createTime")),
    }


def sink_ident(item: Mapping[str, Any]) -> str:
    return f"//logging.googleapis.com/{item.get(PARENT, '')}/sinks/{item.get('name', '')}"


def normalise_bucket(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A log bucket's REST JSON -> gcp.logging.bucket."""
    # projects/P/locations/L/buckets/B
    parts = str(item.get("name") or "").split("/")
    bucket_id = parts[-1] or None
    return {
        "name": bucket_id,
        **located(location(parts[3]) if len(parts) > 3 else None),
        "bucket_id": bucket_id,
        "builtin": bucket_id in BUILTIN,
        "retention_days": integer(item.get("retentionDays")),
        "locked": bool(item.get("locked")),
        "lifecycle_state": text(item.get("lifecycleState")),
        "kms_key": text(obj(item.get("cmekSettings")).get("kmsKeyName")),
        "analytics_enabled": bool(item.get("analyticsEnabled")),
    }


define(
    GcpType(
        type=SINK,
        api=API,
        list=_list_sinks,
        normalise=normalise_sink,
        permissions=(LIST_SINKS,),
        located=False,
        ident=sink_ident,
    )
)
define(
    GcpType(
        type=BUCKET,
        api=API,
        list=_list_buckets,
        normalise=normalise_bucket,
        permissions=(LIST_BUCKETS,),
    )
)
