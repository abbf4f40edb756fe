"""The lifecycle Delete rules of a Terraform ``google_storage_bucket``, read as the live
collector reads the bucket's ``lifecycle.rule`` (``types_storage.delete_ages``): the
age at which every live object is deleted and the days after which every noncurrent
version is."""

from __future__ import annotations

from typing import Any

from govscan.collectors.repo.hcl import Block, Unknown
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_int, as_str

NARROWING = (
    "created_before",
    "custom_time_before",
    "days_since_custom_time",
    "matches_prefix",
    "matches_storage_class",
    "matches_suffix",
    "noncurrent_time_before",
    "num_newer_versions",
)
"""Conditions that leave some objects out of a rule. The provider sends a zero number
or an empty list as "not set", so those do not narrow."""

_UNSET: tuple[Any, ...] = (None, 0, "", [])
_LIVE = {"LIVE": True, "ARCHIVED": False, "ANY": None, None: None}


class _Rule:
    """One lifecycle rule's delete bounds: (live age, noncurrent days), each None when
    the rule sets none, or the Unknown that hides whether it does."""

    def __init__(self, r: TfResource, rule: Block) -> None:
        self.live: Any = None
        self.noncurrent: Any = None
        action = rule.children("action")
        conditions = rule.children("condition")
        if not action or not conditions:
            return
        kind = as_str(r.sub_get(action[0], "type"))
        if kind is not None and not isinstance(kind, Unknown) and kind != "Delete":
            return
        condition = conditions[0]
        hidden: Unknown | None = kind if isinstance(kind, Unknown) else None
        for key in NARROWING:
            value = r.sub_get(condition, key)
            if isinstance(value, Unknown):
                hidden = hidden or value
            elif value not in _UNSET:
                return
        state = as_str(r.sub_get(condition, "with_state"))
        age = as_int(r.sub_get(condition, "age"), None)
        since = as_int(r.sub_get(condition, "days_since_noncurrent_time"), None)
        since = None if since == 0 else since
        for value in (state, age, since):
            if isinstance(value, Unknown):
                hidden = hidden or value
        if hidden is not None:
            # Whether and when this rule deletes is known only after apply.
            self.live = self.noncurrent = hidden
            return
        is_live = _LIVE.get(state, False)
        if age is not None and since is None:
            self.live = age if is_live is not False else None
            self.noncurrent = age if is_live is not True else None
        elif since is not None and age is None and is_live is not True:
            self.noncurrent = since


def _youngest(values: list[Any]) -> Any:
    """The smallest known bound; an Unknown when a rule not known before apply could
    still delete earlier than the known ones."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    known = [int(v) for v in values if v is not None]
    return min(known) if known else None


def delete_ages(r: TfResource) -> tuple[Any, Any]:
    """(``lifecycle_delete_age_days``, ``lifecycle_noncurrent_delete_days``)."""
    rules = [_Rule(r, b) for b in r.block.children("lifecycle_rule")]
    return _youngest([x.live for x in rules]), _youngest([x.noncurrent for x in rules])
