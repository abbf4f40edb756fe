"""Terraform definitions of how long AWS keeps data (log groups, S3 lifecycle rules),
in the shapes of the live AWS collector.

The conventions are those of ``normalize_aws``: a value not known before apply
stays an ``Unknown`` for ``unknowns.split``, never read as a default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govscan.collectors.repo.hcl import Block, Unknown
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_bool, as_int, as_str, same

if TYPE_CHECKING:
    from govscan.collectors.repo.normalize_aws import Companions

Normalised = tuple[str, dict[str, Any]]


def log_group(r: TfResource, _: Companions) -> Normalised:
    days = as_int(r.get("retention_in_days"), 0)
    return "aws.logs.log_group", {
        "log_group_name": as_str(r.get("name")),
        # 0, like leaving it out, keeps events forever.
        "retention_days": days if isinstance(days, Unknown) or days else None,
        "kms_key_id": as_str(r.get("kms_key_id")),
        "log_group_class": as_str(r.get("log_group_class")) or "STANDARD",
    }


def _empty(
    owner: TfResource, block: Block | None, names: tuple[str, ...], nested: bool = True
) -> Any:
    """Whether a filter selects every object: none of ``names`` set to a value (an
    empty prefix selects all) and, with ``nested``, no nested block (``tag``, ``and``)."""
    if block is None:
        return True
    if nested and block.blocks:
        return False
    for name in names:
        value = owner.sub_get(block, name)
        if isinstance(value, Unknown):
            return value
        if value not in (None, "", {}, []):
            return False
    return True


def _rule(
    owner: TfResource, rule: Block, enabled: Any, everything: Any, days: Any, old: Any
) -> dict[str, Any]:
    return {
        "id": as_str(owner.sub_get(rule, "id")),
        "enabled": enabled,
        "all_objects": everything,
        "expiration_days": days,
        "noncurrent_expiration_days": old,
    }


def _configured_rules(c: TfResource) -> list[dict[str, Any]]:
    """``aws_s3_bucket_lifecycle_configuration`` rules."""
    out = []
    for rule in c.block.children("rule"):
        filters = rule.children("filter")
        everything = _empty(
            c,
            filters[0] if filters else None,
            ("prefix", "object_size_greater_than", "object_size_less_than"),
        )
        if everything is True:
            everything = _empty(c, rule, ("prefix",), nested=False)
        exp = rule.children("expiration")
        nve = rule.children("noncurrent_version_expiration")
        newer = c.sub_get(nve[0], "newer_noncurrent_versions") if nve else None
        old = as_int(c.sub_get(nve[0], "noncurrent_days"), None) if nve else None
        out.append(
            _rule(
                c,
                rule,
                same(c.sub_get(rule, "status"), "Enabled"),
                everything,
                as_int(c.sub_get(exp[0], "days"), None) if exp else None,
                newer if isinstance(newer, Unknown) else (None if newer else old),
            )
        )
    return out


def _inline_rules(r: TfResource) -> list[dict[str, Any]]:
    """``aws_s3_bucket.lifecycle_rule`` blocks (provider versions before 4)."""
    out = []
    for rule in r.block.children("lifecycle_rule"):
        exp = rule.children("expiration")
        nve = rule.children("noncurrent_version_expiration")
        out.append(
            _rule(
                r,
                rule,
                as_bool(r.sub_get(rule, "enabled"), False),
                _empty(r, rule, ("prefix", "tags"), nested=False),
                as_int(r.sub_get(exp[0], "days"), None) if exp else None,
                as_int(r.sub_get(nve[0], "days"), None) if nve else None,
            )
        )
    return out


def _shortest(rules: list[dict[str, Any]], key: str) -> Any:
    """The fewest days among enabled rules covering every object; unknown when a
    rule that could count is not known."""
    known: list[int] = []
    for rule in rules:
        enabled, everything, days = rule["enabled"], rule["all_objects"], rule[key]
        if enabled is False or everything is False or days is None:
            continue
        for value in (enabled, everything, days):
            if isinstance(value, Unknown):
                return value
        if isinstance(days, int):
            known.append(days)
    return min(known) if known else None


def s3_lifecycle(r: TfResource, comp: Companions, name: str | None) -> dict[str, Any]:
    """The lifecycle fields of ``aws.s3.bucket``: its lifecycle configuration
    resource's rules, else its inline ``lifecycle_rule`` blocks."""
    config = comp.find("aws_s3_bucket_lifecycle_configuration", r, name)
    rules = _configured_rules(config) if config is not None else _inline_rules(r)
    return {
        "lifecycle_expiration_days": _shortest(rules, "expiration_days"),
        "lifecycle_noncurrent_expiration_days": _shortest(rules, "noncurrent_expiration_days"),
        "lifecycle_rules": rules,
    }
