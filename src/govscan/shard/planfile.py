"""The plan file (``govscan plan -o units.json``): a scan's units, found once.

Shards read it instead of discovering: an organisation's member accounts or
enabled regions may change between two shards' start, the plan does not. Its
digest covers everything a shard's results depend on (controls, policy,
govscan version, as-of date, scan options, units); a shard records it, and a
merge refuses shards of different plans.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govscan.canonical import content_hash
from govscan.collectors.units import Unit
from govscan.errors import UsageError
from govscan.model import CollectionError, Target
from govscan.serialize import error_from_dict, error_to_dict

SCHEMA_ID = "govscan/plan/v1"
MAX_PLAN_BYTES = 256 * 1024 * 1024
"""A million units with their attributes stay well below this."""


@dataclass(frozen=True)
class ScanPlan:
    govscan_version: str
    policy: str
    controls_hash: str
    policy_hash: str
    options_hash: str
    """Hash of the collector options (targets, regions, roles): a shard started with
    other options would scan something else than the plan lists."""
    as_of: date
    units: tuple[Unit, ...]
    targets: tuple[Target, ...] = ()
    errors: tuple[CollectionError, ...] = ()
    created_at: str = ""

    @property
    def digest(self) -> str:
        body = self._body()
        body.pop("created_at", None)
        return content_hash(body)

    def _body(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "govscan_version": self.govscan_version,
            "policy": self.policy,
            "controls_hash": self.controls_hash,
            "policy_hash": self.policy_hash,
            "options_hash": self.options_hash,
            "as_of": self.as_of.isoformat(),
            "created_at": self.created_at,
            "units": [_unit_to_dict(u) for u in sorted(self.units, key=lambda u: u.sort_key)],
            "targets": [
                {"collector": t.collector, "identity": t.identity, "details": dict(t.details)}
                for t in self.targets
            ],
            "errors": [error_to_dict(e) for e in self.errors],
        }

    def document(self) -> dict[str, Any]:
        body = self._body()
        return {"schema": body.pop("schema"), "digest": self.digest, **body}

    def by_collector(self) -> dict[str, list[Unit]]:
        out: dict[str, list[Unit]] = {}
        for u in self.units:
            out.setdefault(u.collector, []).append(u)
        return out


def _unit_to_dict(u: Unit) -> dict[str, Any]:
    doc: dict[str, Any] = {"collector": u.collector, "scope": u.scope}
    if u.part:
        doc["part"] = u.part
    if u.attrs:
        doc["attrs"] = dict(sorted(u.attrs.items()))
    return doc


def options_hash(options: Mapping[str, Any]) -> str:
    """Hash of the scan options that decide what is collected. Neither the run's own
    output directory (excluded from a repository walk) nor tuning (workers, call
    limits: a shard on a smaller machine may go slower) is among them; an option not
    given counts the same as one given empty."""
    from govscan.collectors.declared import declared

    speed = {o.key for cls in declared().values() for o in cls.options if o.tuning}
    doc = {
        k: _plain(v)
        for k, v in sorted(options.items())
        if k != "exclude_paths" and k not in speed and v not in (None, (), [], "")
    }
    return content_hash(doc)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def write_plan(plan: ScanPlan, path: Path) -> None:
    """Write the plan through a new file renamed into place (a symbolic link of that
    name is replaced, never followed)."""
    from govscan.evidence.safeio import replace_file

    data = (json.dumps(plan.document(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    replace_file(path, lambda fh: fh.write(data))


def read_plan(path: Path) -> ScanPlan:
    """Read and check a plan file; any problem is one line naming the file."""
    from govscan.fileread import UnreadableFile, read_regular
    from govscan.jsondoc import check_document

    name = str(path)
    try:
        raw = read_regular(path, MAX_PLAN_BYTES)
    except UnreadableFile as exc:
        raise UsageError(f"{name}: {exc}") from None
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{name}: not a govscan plan (invalid JSON: {exc})") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{name}: not a govscan plan (expected a JSON object)")
    check_document(doc, "plan.schema.json", name)
    plan = plan_from_document(doc)
    dupes = duplicate_units(plan.units)
    if dupes:
        raise UsageError(f"{name}: unit {dupes[0]} is listed twice; make a new plan")
    if plan.digest != doc["digest"]:
        raise UsageError(
            f"{name}: the plan's content does not match its digest (edited after "
            "govscan plan wrote it?); make a new plan"
        )
    return plan


def plan_from_document(doc: Mapping[str, Any]) -> ScanPlan:
    return ScanPlan(
        govscan_version=doc["govscan_version"],
        policy=doc.get("policy", ""),
        controls_hash=doc["controls_hash"],
        policy_hash=doc["policy_hash"],
        options_hash=doc["options_hash"],
        as_of=date.fromisoformat(doc["as_of"]),
        units=tuple(
            Unit(u["collector"], u["scope"], u.get("part", ""), u.get("attrs", {}))
            for u in doc["units"]
        ),
        targets=tuple(
            Target(t["collector"], t["identity"], t.get("details", {}))
            for t in doc.get("targets", ())
        ),
        errors=tuple(error_from_dict(e) for e in doc.get("errors", ())),
        created_at=doc.get("created_at", ""),
    )


def duplicate_units(units: Sequence[Unit]) -> list[str]:
    seen: set[tuple[str, str, str]] = set()
    dupes = []
    for u in units:
        if u.sort_key in seen:
            dupes.append(u.key)
        seen.add(u.sort_key)
    return dupes
