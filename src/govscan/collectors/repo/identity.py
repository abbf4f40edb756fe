"""Ids, names, file locations and regions of Terraform resources.

An id is the root module's directory and the full address of the instance,
``examples/complete: module.s3_bucket.aws_s3_bucket.this[0]`` (``.`` for a
root module at the repository root). A module called from three roots, or
twice from one, therefore yields one resource per instance, and the id does
not move when lines are added above the block: baselines and waivers keep
matching. The location is the block in the file that defines it, with the
calling ``module`` blocks, so a report can point at both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govscan.collectors.repo.tf_providers import region
from govscan.model import Location

GLOBAL_TYPES = frozenset({"aws.iam.policy", "aws.iam.role", "aws.cloudfront.distribution"})
"""Normalised types that live in no region: their provider's region says nothing."""


def root_name(repo: Path, directory: Path) -> str:
    """A root module's directory relative to the repository, ``.`` for the root itself."""
    rel = directory.relative_to(repo).as_posix()
    return rel if rel and rel != "." else "."


def code_id(root: str, address: str) -> str:
    return f"{root}: {address}"


def location(tf: Any) -> Location:
    """The defining block, and the ``module`` blocks the instance is created through."""
    return Location(tf.path, tf.block.line, tf.block.end_line, tuple(tf.calls))


def placement(tf: Any, resource_type: str, data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The region a resource's provider configuration gives it, written to
    ``data["region"]`` as the live collectors do; when it is not known, the empty
    region and ``{"region": why}`` (so a residency control reports ``error``)."""
    if resource_type in GLOBAL_TYPES:
        return "", {}
    where, why = region(tf)
    if where:
        data["region"] = where
        return where, {}
    return "", {"region": why}


def plan_region(providers: Any) -> tuple[str, dict[str, str], dict[str, str]]:
    """The region of a plan's resources, the fields it adds to each and the unknown
    fields: the one ``aws`` configuration's static region. With several ``aws``
    configurations (aliases, modules' own) which resource uses which is not read
    here, so the region is unknown."""
    region, why = _plan_region(providers)
    return (region, {"region": region}, {}) if region else ("", {}, {"region": why})


def _plan_region(providers: Any) -> tuple[str, str]:
    configs = [
        c
        for c in (providers.values() if isinstance(providers, dict) else ())
        if isinstance(c, dict) and c.get("name") == "aws"
    ]
    if len(configs) != 1:
        many = "several aws provider configurations" if configs else "no aws provider"
        return "", f"the plan has {many}: which region a resource uses is not known"
    expressions = configs[0].get("expressions")
    expr = expressions.get("region") if isinstance(expressions, dict) else None
    value = expr.get("constant_value") if isinstance(expr, dict) else None
    if isinstance(value, str) and value.strip():
        return value.strip(), ""
    return "", "the plan's aws provider sets no static region"
