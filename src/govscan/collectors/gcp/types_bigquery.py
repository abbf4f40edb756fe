"""BigQuery datasets, through the BigQuery API (discovery client).

The list answers name and location only; access entries and the default key come
from ``datasets.get``, called only when a control reads them. Listing and reading
both need ``bigquery.datasets.get``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    PUBLIC_MEMBERS,
    call,
    integer,
    labels,
    located,
    location,
    obj,
    pages,
    seq,
    text,
    token,
)

T = "gcp.bigquery.dataset"
API = "bigquery.googleapis.com"
GET = "bigquery.datasets.get"
PAGE_SIZE = 1000
DETAIL_FIELDS = (
    "default_kms_key",
    "access",
    "iam_public_members",
    "default_table_expiration_days",
    "created",
)

MEMBER_PREFIXES = (
    ("userByEmail", "user:"),
    ("groupByEmail", "group:"),
    ("domain", "domain:"),
)


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    return pages(
        clients,
        project,
        API,
        GET,
        lambda s, t: s.datasets().list(
            projectId=project.project_id, all=True, maxResults=PAGE_SIZE, **token(t)
        ),
        "datasets",
    )


def _reference(item: Mapping[str, Any]) -> tuple[str, str]:
    ref = obj(item.get("datasetReference"))
    return str(ref.get("projectId") or ""), str(ref.get("datasetId") or "")


def _get(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    owner, dataset = _reference(item)
    return call(
        clients,
        project,
        API,
        GET,
        lambda s, _t: s.datasets().get(projectId=owner, datasetId=dataset),
    )


def member(entry: Mapping[str, Any]) -> str | None:
    """An access entry's grantee in IAM spelling."""
    for key, prefix in MEMBER_PREFIXES:
        if entry.get(key):
            return f"{prefix}{entry[key]}"
    special = text(entry.get("specialGroup"))
    if special:
        return special if special in PUBLIC_MEMBERS else f"specialGroup:{special}"
    if entry.get("iamMember"):
        return str(entry["iamMember"])
    view = entry.get("view")
    if isinstance(view, dict):
        return f"view:{view.get('projectId')}.{view.get('datasetId')}.{view.get('tableId')}"
    routine = entry.get("routine")
    if isinstance(routine, dict):
        return (
            f"routine:{routine.get('projectId')}.{routine.get('datasetId')}."
            f"{routine.get('routineId')}"
        )
    target = obj(entry.get("dataset")).get("dataset")
    if isinstance(target, dict):
        return f"dataset:{target.get('projectId')}.{target.get('datasetId')}"
    return None


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A listed dataset (and its full resource when read) -> gcp.bigquery.dataset."""
    _, dataset = _reference(item)
    data: dict[str, Any] = {
        "name": dataset or None,
        **located(location(item.get("location"))),
        "labels": labels(item.get("labels")),
        "dataset_id": dataset or None,
    }
    if GET in fetched:
        full = fetched[GET]
        access = [
            {"role": text(e.get("role")), "member": member(e)}
            for e in seq(full.get("access"))
            if isinstance(e, dict)
        ]
        expiration = integer(full.get("defaultTableExpirationMs"))
        data.update(
            {
                "default_kms_key": text(
                    obj(full.get("defaultEncryptionConfiguration")).get("kmsKeyName")
                ),
                "access": access,
                "iam_public_members": sorted(
                    {str(a["member"]) for a in access if a["member"] in PUBLIC_MEMBERS}
                ),
                "default_table_expiration_days": round(expiration / 86_400_000, 4)
                if expiration is not None
                else None,
                "created": _millis(full.get("creationTime")),
            }
        )
    return data


def _millis(value: Any) -> str | None:
    """Epoch milliseconds (BigQuery's timestamps) as ISO 8601."""
    ms = integer(value)
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def ident(item: Mapping[str, Any]) -> str:
    owner, dataset = _reference(item)
    return f"//bigquery.googleapis.com/projects/{owner}/datasets/{dataset}"


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(GET,),
        details=(Detail(GET, DETAIL_FIELDS, _get),),
        ident=ident,
        asset_type="bigquery.googleapis.com/Dataset",
    )
)
