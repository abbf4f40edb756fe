"""Every AWS control judged against the moto estate: the expected passing and failing
resources of ``expected.yaml``, by one data-driven test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy
from govscan.engine.scan import Evaluator
from govscan.model import Resource, ResourceRef, Status

# Whole-estate or subprocess cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

EXPECTED: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "expected.yaml").read_text())
CONTROLS = {c.id: c for c in load_control_dirs([])[0].controls.values() if c.id.startswith("aws.")}
POLICY = load_policy("baseline")
NOW = dt.datetime.now(dt.UTC)


def _label(r: Any) -> str:
    suffix = "" if r.resource.account in ("123456789012", "") else "@" + r.resource.account[:3]
    return r.resource.name + suffix


def judge(control_id: str, resources: list[Resource], as_of: dt.datetime) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s.value: set() for s in Status}
    ev = Evaluator([CONTROLS[control_id]], POLICY, as_of)
    for res in resources:
        ev.evaluate(res, lambda r: out[r.status.value].add(_label(r)))
    return out


def test_at_least_sixty_controls_each_with_pass_and_fail() -> None:
    assert len(CONTROLS) >= 60
    assert set(EXPECTED) == set(CONTROLS)
    for cid, case in EXPECTED.items():
        passes = (
            case["pass"]
            or case.get("later", {}).get("pass")
            or case.get("synthetic", {}).get("pass")
        )
        fails = (
            case["fail"]
            or case.get("later", {}).get("fail")
            or case.get("synthetic", {}).get("fail")
        )
        assert passes and fails, cid


@pytest.mark.parametrize("control_id", sorted(EXPECTED))
def test_control_on_estate(control_id: str, estate: list[Resource]) -> None:
    case = EXPECTED[control_id]
    got = judge(control_id, estate, NOW)
    assert set(case["pass"]) <= got["pass"], (got["pass"], got["fail"])
    assert set(case["fail"]) <= got["fail"], (got["pass"], got["fail"])
    assert not got["error"], got["error"]
    later = case.get("later")
    if later:
        got = judge(control_id, estate, NOW + dt.timedelta(days=later["days"]))
        assert set(later["pass"]) <= got["pass"]
        assert set(later["fail"]) <= got["fail"]
    for status, spec in case.get("synthetic", {}).items():
        res = Resource(ResourceRef(spec["type"], "synthetic", "synthetic", "aws"), spec["data"])
        assert judge(control_id, [res], NOW)[status] == {"synthetic"}
