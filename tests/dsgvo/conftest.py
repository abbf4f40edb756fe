"""Shared helpers: build registries from the fixtures, collect and judge them."""

from __future__ import annotations

import copy
import datetime as dt
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from govscan.catalog.controls import load_control_dirs
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


# --- a stand-in for the jurisdiction tables ------------------------------------------------


@dataclass(frozen=True)
class _Where:
    region: str
    country: str
    groups: frozenset[str] = field(default_factory=frozenset)


_REGIONS = {
    "eu-central-1": _Where("eu-central-1", "DE", frozenset({"EU", "EEA"})),
    "eu-west-1": _Where("eu-west-1", "IE", frozenset({"EU", "EEA"})),
    "eu-central-2": _Where("eu-central-2", "CH", frozenset({"adequacy"})),
    "us-east-1": _Where("us-east-1", "US", frozenset({"us-dpf"})),
}


class Tables:
    """A stand-in with the API of ``govscan.catalog.jurisdictions``."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.module = types.ModuleType("govscan.catalog.jurisdictions")

        class UnknownLocation(LookupError):
            pass

        def resolve(provider: str, location: str) -> _Where:
            if provider != "aws" or location not in _REGIONS:
                raise UnknownLocation(location)
            return _REGIONS[location]

        def allowed(
            j: _Where,
            allowed_jurisdictions: Any,
            allowed_regions: Any = (),
            as_of: Any = None,
            dpf_certified: bool = False,
        ) -> bool:
            self.calls.append({"regions": allowed_regions, "as_of": as_of, "dpf": dpf_certified})
            groups = set(j.groups)
            if "us-dpf" in groups and not dpf_certified:
                groups.discard("us-dpf")
            ok = j.country in allowed_jurisdictions or bool(groups & set(allowed_jurisdictions))
            return ok and (not allowed_regions or j.region in allowed_regions)

        self.module.UnknownLocation = UnknownLocation  # type: ignore[attr-defined]
        self.module.resolve = resolve  # type: ignore[attr-defined]
        self.module.allowed = allowed  # type: ignore[attr-defined]


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> Tables:
    t = Tables()
    monkeypatch.setitem(sys.modules, "govscan.catalog.jurisdictions", t.module)
    return t
