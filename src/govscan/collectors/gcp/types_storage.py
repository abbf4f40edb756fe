"""Cloud Storage buckets, through ``google.cloud.storage`` (JSON API)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    PUBLIC_MEMBERS,
    integer,
    labels,
    located,
    location,
    obj,
    others,
    public_members,
    seq,
    text,
)

T = "gcp.storage.bucket"
API = "storage.googleapis.com"
LIST = "storage.buckets.list"
GET = "storage.buckets.get"
GET_IAM = "storage.buckets.getIamPolicy"
PAGE_SIZE = 500


def _client(clients: Clients, project: Project) -> Any:
    def make() -> Any:
        from google.cloud import storage  # type: ignore[attr-defined]

        client = storage.Client(
            project=project.project_id,
            credentials=clients.credentials,
            client_options=clients.client_options(API) or None,
        )
        # The client's bucket metadata cache (for tracing) fetches each bucket again in
        # a background thread, outside the retry policy and the call log: off.
        client._bucket_metadata_cache = None
        return client

    return clients.once(("gcp-storage-client", project.project_id), make)


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    client = _client(clients, project)
    timeout = clients.throttle.policy.read_timeout
    page_token = ""
    seen: set[str] = set()
    while True:

        def page(current: str = page_token) -> tuple[list[dict[str, Any]], str]:
            found = client.list_buckets(
                project=project.project_id,
                page_token=current or None,
                page_size=PAGE_SIZE,
                retry=None,
                timeout=timeout,
            )
            # Only the first page: each further page is its own call under the policy.
            buckets = [dict(b._properties) for b in next(found.pages)]
            return buckets, str(found.next_page_token or "")

        buckets, page_token = clients.run(API, project.project_id, LIST, page)
        yield from buckets
        if not page_token or page_token in seen:
            return
        seen.add(page_token)


def _iam_policy(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    bucket = _client(clients, project).bucket(str(item.get("name", "")))
    timeout = clients.throttle.policy.read_timeout
    policy = clients.run(
        API,
        project.project_id,
        GET_IAM,
        lambda: bucket.get_iam_policy(requested_policy_version=3, retry=None, timeout=timeout),
    )
    return policy.to_api_repr()


def _acls(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    bucket = _client(clients, project).bucket(str(item.get("name", "")))
    timeout = clients.throttle.policy.read_timeout

    def read() -> dict[str, Any]:
        # projection=full adds the bucket ACL and the default object ACL.
        bucket.reload(projection="full", retry=None, timeout=timeout)
        props = bucket._properties
        return {
            "acl": seq(props.get("acl")),
            "defaultObjectAcl": seq(props.get("defaultObjectAcl")),
        }

    return clients.run(API, project.project_id, GET, read)


def _acls_in_effect(item: Mapping[str, Any]) -> bool:
    """ACLs grant nothing under uniform bucket-level access: not worth a call."""
    iam = obj(item.get("iamConfiguration"))
    return not obj(iam.get("uniformBucketLevelAccess")).get("enabled")


COUNTED = frozenset({"age", "daysSinceNoncurrentTime", "isLive"})
"""The conditions a delete bound is read from; any other (a prefix, a storage class,
a creation date, a version count) leaves some objects out of the rule."""


def delete_ages(lifecycle: Any) -> tuple[int | None, int | None]:
    """(age at which a Delete rule deletes every live object, days after which one deletes
    every noncurrent version); None where no rule does.

    The first rule that matches deletes, so of several rules the youngest bound wins. An
    age rule not limited to live objects deletes noncurrent versions at that age too.
    """
    live: list[int] = []
    noncurrent: list[int] = []
    for rule in seq(obj(lifecycle).get("rule")):
        if not isinstance(rule, dict) or obj(rule.get("action")).get("type") != "Delete":
            continue
        condition = obj(rule.get("condition"))
        if {k for k, v in condition.items() if v not in (None, [])} - COUNTED:
            continue
        age = integer(condition.get("age"))
        since = integer(condition.get("daysSinceNoncurrentTime"))
        is_live = condition.get("isLive")
        if age is not None and since is None:
            if is_live is not False:
                live.append(age)
            if is_live is not True:
                noncurrent.append(age)
        elif since is not None and age is None and is_live is not True:
            noncurrent.append(since)
    return min(live, default=None), min(noncurrent, default=None)


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A bucket's REST JSON (and its IAM policy and ACLs when read) -> gcp.storage.bucket."""
    loc = location(item.get("location"))
    iam = obj(item.get("iamConfiguration"))
    ubla = bool(obj(iam.get("uniformBucketLevelAccess")).get("enabled"))
    pap = str(iam.get("publicAccessPrevention") or "inherited").lower()
    placement = seq(obj(item.get("customPlacementConfig")).get("dataLocations"))
    data_locations = sorted({x for x in (location(d) for d in placement) if x})
    retention = item.get("retentionPolicy")
    period = integer(obj(retention).get("retentionPeriod"))
    retention_days = period // 86400 if period is not None else None
    soft = integer(obj(item.get("softDeletePolicy")).get("retentionDurationSeconds"))
    live_age, noncurrent_age = delete_ages(item.get("lifecycle"))
    log = item.get("logging")
    rpo = text(item.get("rpo"))
    data: dict[str, Any] = {
        "name": text(item.get("name")),
        **located(loc),
        "labels": labels(item.get("labels")),
        "location_type": text(item.get("locationType")),
        "data_locations": data_locations,
        "replica_locations": others(data_locations, loc),
        "rpo": rpo,
        "turbo_replication": rpo == "ASYNC_TURBO",
        "storage_class": text(item.get("storageClass")),
        "uniform_bucket_level_access": ubla,
        "public_access_prevention": "inherited" if pap == "unspecified" else pap,
        "default_kms_key": text(obj(item.get("encryption")).get("defaultKmsKeyName")),
        "versioning": bool(obj(item.get("versioning")).get("enabled")),
        "retention_policy": {
            "retention_days": retention_days,
            "locked": bool(retention.get("isLocked")),
            "effective_time": text(retention.get("effectiveTime")),
        }
        if isinstance(retention, dict)
        else None,
        "retention_days": retention_days,
        "retention_locked": bool(obj(retention).get("isLocked")),
        "soft_delete_retention_days": soft // 86400 if soft is not None else None,
        "lifecycle_delete_age_days": live_age,
        "lifecycle_noncurrent_delete_days": noncurrent_age,
        "logging": {
            "log_bucket": text(log.get("logBucket")),
            "log_object_prefix": text(log.get("logObjectPrefix")),
        }
        if isinstance(log, dict) and log.get("logBucket")
        else None,
        "logging_enabled": bool(isinstance(log, dict) and log.get("logBucket")),
        "created": text(item.get("timeCreated")),
    }
    if GET_IAM in fetched:
        data["iam_public_members"] = public_members(fetched[GET_IAM])
    if GET in fetched:
        # With uniform access ACLs grant nothing, whatever they still hold.
        entries = [*fetched[GET].get("acl", ()), *fetched[GET].get("defaultObjectAcl", ())]
        data["acl_public"] = not ubla and any(
            isinstance(e, dict) and e.get("entity") in PUBLIC_MEMBERS for e in entries
        )
    return data


def ident(item: Mapping[str, Any]) -> str:
    return f"//storage.googleapis.com/projects/_/buckets/{item.get('name', '')}"


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST,),
        details=(
            Detail(GET_IAM, ("iam_public_members",), _iam_policy),
            Detail(GET, ("acl_public",), _acls, permissions=(GET, GET_IAM), when=_acls_in_effect),
        ),
        ident=ident,
        asset_type="storage.googleapis.com/Bucket",
    )
)
