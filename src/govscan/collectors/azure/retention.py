"""Readers of retention settings: storage lifecycle policies and backup policies.

Pure functions over ARM JSON, shared by the storage and Recovery Services type
modules; periods become days through ``catalog.retention`` (the conversion the
Terraform normalisers use too)."""

from __future__ import annotations

from typing import Any

from govscan.catalog.retention import longest, retention_days
from govscan.collectors.azure.types_util import dig, obj, objs, props

DELETE_AFTER = ("daysAfterModificationGreaterThan", "daysAfterCreationGreaterThan")
"""The age conditions of a lifecycle rule's ``baseBlob.delete`` action, in days. A
last-access condition bounds no age: a blob read now and then is never deleted."""


def whole_days(value: Any) -> int | None:
    """A day count as ARM sends it (``90`` or ``90.0``); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def lifecycle_delete_after_days(policy: Any) -> int | None:
    """The age by which a management policy (``GET .../managementPolicies/default``)
    deletes every base blob: the shortest delete age of its enabled rules that cover
    every blob (no prefix or blob index tag filter). None without such a rule: some
    blobs are kept until someone deletes them."""
    days: list[int] = []
    for rule in objs(dig(props(obj(policy)), "policy", "rules")):
        # A rule without "enabled" is on: Azure's documented default.
        if rule.get("enabled") is False:
            continue
        filters = obj(dig(rule, "definition", "filters"))
        if filters.get("prefixMatch") or filters.get("blobIndexMatch"):
            continue
        delete = obj(dig(rule, "definition", "actions", "baseBlob", "delete"))
        found = [d for d in (whole_days(delete.get(k)) for k in DELETE_AFTER) if d is not None]
        if found:
            # Whichever condition is met first deletes the blob.
            days.append(min(found))
    return min(days) if days else None


def _durations(value: Any) -> list[Any]:
    """Every ``retentionDuration`` in a policy's properties, at any depth: daily,
    weekly, monthly and yearly points, simple policies and workload sub-policies."""
    if isinstance(value, list):
        return [d for v in value for d in _durations(v)]
    if not isinstance(value, dict):
        return []
    found: list[Any] = []
    for key, inner in value.items():
        if key == "retentionDuration" and isinstance(inner, dict):
            found.append(retention_days(inner.get("count"), inner.get("durationType")))
        else:
            found += _durations(inner)
    return found


def backup_policy(arm: Any) -> dict[str, Any]:
    """One backup policy: ``{name, management_type, retention_days}``."""
    p = props(obj(arm))
    return {
        "name": obj(arm).get("name"),
        "management_type": p.get("backupManagementType"),
        "retention_days": longest(_durations(p)),
    }
