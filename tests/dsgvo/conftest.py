"""Shared helpers: build registries from the fixtures, collect and judge them."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.jurisdictions import JurisdictionTables
from govscan.catalog.policies import load_policy
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.registry import RegistryCollector
from govscan.engine.scan import Evaluator
from govscan.model import Control, Resource, Status, Target

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
AS_OF = dt.date(2026, 6, 30)
DSGVO_TYPES = ("dsgvo.processor", "dsgvo.transfer", "dsgvo.service_usage", "dsgvo.activity")
TARGETS = (Target("aws", "111122223333", {"regions": ["eu-central-1"]}),)


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def controls() -> dict[str, Control]:
    return dict(load_control_dirs([])[0].controls)


def as_datetime(day: dt.date) -> dt.datetime:
    # What the runner does with --as-of: the end of that day, UTC.
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)


def _walk(doc: Any, parts: Sequence[str]) -> Any:
    for p in parts:
        doc = doc[int(p)] if isinstance(doc, list) else doc[p]
    return doc


def patched(docs: Mapping[str, Any], patch: Mapping[str, Any] | None) -> dict[str, Any]:
    """Apply ``set``/``delete`` of slash paths (``registry/processors/0/...``)."""
    out = copy.deepcopy(dict(docs))
    for path, value in ((patch or {}).get("set") or {}).items():
        *parent, last = path.split("/")
        target = _walk(out, parent)
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    for path in (patch or {}).get("delete") or []:
        *parent, last = path.split("/")
        target = _walk(out, parent)
        del target[int(last) if isinstance(target, list) else last]
    return out


def collect(
    tmp: Path,
    registry: Mapping[str, Any],
    records: Mapping[str, Any] | None = None,
    targets: Sequence[Target] = TARGETS,
) -> list[Resource]:
    reg_path = tmp / "avv-registry.yaml"
    reg_path.write_text(yaml.safe_dump(dict(registry), sort_keys=False), encoding="utf-8")
    options: dict[str, Any] = {"registry": str(reg_path)}
    if records is not None:
        rec_path = tmp / "vvt.yaml"
        rec_path.write_text(yaml.safe_dump(dict(records), sort_keys=False), encoding="utf-8")
        options["records"] = str(rec_path)
    col = RegistryCollector.from_options(options)
    assert col is not None
    plan = CollectionPlan({t: frozenset() for t in DSGVO_TYPES}, targets=tuple(targets))
    items = list(col.collect(plan))
    assert all(isinstance(i, Resource) for i in items), items
    return [i for i in items if isinstance(i, Resource)]


def judge(
    control: Control,
    resources: Sequence[Resource],
    as_of: dt.date = AS_OF,
    params: Mapping[str, Any] | None = None,
) -> dict[str, tuple[Status, str]]:
    """Resource id -> (status, message) for one control."""
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **(params or {})})
    out: dict[str, tuple[Status, str]] = {}
    ev = Evaluator([control], policy, as_datetime(as_of))
    for r in resources:
        ev.evaluate(r, lambda res: out.__setitem__(res.resource.id, (res.status, res.message)))
    return out


# --- small jurisdiction tables, read by the real loader --------------------------------------


def small_tables(folder: Path, regions: Mapping[str, str]) -> JurisdictionTables:
    """Tables placing each listed aws region in a country, built like the packaged ones."""
    folder.mkdir(parents=True, exist_ok=True)
    table = {"provider": "aws", "regions": {r: [c, "aws", r] for r, c in regions.items()}}
    (folder / "aws.yaml").write_text(yaml.safe_dump(table), encoding="utf-8")
    return JurisdictionTables(folder)
