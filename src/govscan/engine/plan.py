"""Which collectors, resource types and fields a set of controls needs."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govscan.collectors.interface import CollectionPlan, Collector
from govscan.engine.messages import message_fields
from govscan.language.reads import check_fields
from govscan.model import Control


def control_fields(control: Control) -> frozenset[str]:
    """Top-level resource fields a control reads (check, applies_when, message)."""
    fields = set(check_fields(control.check))
    if control.applies_when:
        fields |= check_fields(control.applies_when)
    fields |= message_fields(control.message)
    return frozenset(fields)


def needed_fields(controls: Iterable[Control]) -> dict[str, frozenset[str]]:
    """Resource type -> union of the fields its controls read."""
    out: dict[str, set[str]] = {}
    for c in controls:
        out.setdefault(c.resource, set()).update(control_fields(c))
    return {t: frozenset(f) for t, f in sorted(out.items())}


def produces(cls: type[Collector], resource_type: str) -> bool:
    globs = cls.produces or (f"{cls.name}.*",)
    return any(fnmatch.fnmatchcase(resource_type, g) for g in globs)


@dataclass(frozen=True)
class CollectorPlan:
    collector: Collector
    plan: CollectionPlan


def plan_collectors(
    collectors: Sequence[Collector],
    controls: Sequence[Control],
    parameters: Mapping[str, Any],
) -> list[CollectorPlan]:
    """Give each targeted collector only the types it can produce and controls need.

    A collector none of whose types is needed is not run at all."""
    fields = needed_fields(controls)
    out = []
    for col in collectors:
        own = {t: f for t, f in fields.items() if produces(type(col), t)}
        if own:
            out.append(CollectorPlan(col, CollectionPlan(own, dict(parameters))))
    return out
