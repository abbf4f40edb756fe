"""Each registry, transfer and VVT rule against a passing registry and failing variants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from govscan.model import Status
from tests.dsgvo.conftest import AS_OF, HERE, collect, controls, fixture, judge, patched

CASES: dict[str, Any] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
CONTROLS = controls()
# The rules judging registry and records resources; storage-limitation rules judge
# cloud and code resources and have their own tests.
DSGVO_CONTROLS = sorted(c for c, ctl in CONTROLS.items() if ctl.resource.startswith("dsgvo."))


def _docs() -> dict[str, Any]:
    return {"registry": fixture("registry.yaml"), "records": fixture("records.yaml")}


def _run(tmp_path: Path, control_id: str, variant: dict[str, Any] | None) -> tuple[Status, str]:
    case = CASES[control_id]
    docs = patched(_docs(), case.get("pass_first"))
    docs = patched(docs, variant)
    resources = collect(tmp_path, docs["registry"], docs["records"])
    rid = (variant or {}).get("resource", case["resource"])
    as_of = (variant or {}).get("as_of", AS_OF)
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    got = judge(CONTROLS[control_id], resources, as_of, (variant or {}).get("params"))
    assert rid in got, f"{rid} not judged; judged: {sorted(got)}"
    return got[rid]


def test_every_dsgvo_control_has_cases() -> None:
    assert set(CASES) == set(DSGVO_CONTROLS)
    assert all(CASES[c]["fail"] for c in CASES)


def test_fixture_registry_passes_every_dsgvo_control(tmp_path: Path) -> None:
    docs = _docs()
    resources = collect(tmp_path, docs["registry"], docs["records"])
    for cid in DSGVO_CONTROLS:
        got = judge(CONTROLS[cid], resources)
        bad = {rid: s for rid, s in got.items() if s[0] not in (Status.PASS, Status.NOT_APPLICABLE)}
        assert not bad, (cid, bad)
        # Rules whose precondition the plain fixture does not meet are covered by
        # their own `pass_first` variant below.
        if "pass_first" not in CASES[cid]:
            assert any(s[0] is Status.PASS for s in got.values()), cid


@pytest.mark.parametrize("control_id", sorted(CASES))
def test_passes(control_id: str, tmp_path: Path) -> None:
    status, message = _run(tmp_path, control_id, None)
    assert status is Status.PASS, message
    for i, variant in enumerate(CASES[control_id].get("pass_also", [])):
        status, message = _run(tmp_path, control_id, variant)
        assert status is Status.PASS, (i, variant, message)


@pytest.mark.parametrize(
    ("control_id", "index"),
    [(cid, i) for cid in sorted(CASES) for i in range(len(CASES[cid]["fail"]))],
)
def test_fails(control_id: str, index: int, tmp_path: Path) -> None:
    variant = CASES[control_id]["fail"][index]
    status, message = _run(tmp_path, control_id, variant)
    assert status is Status.FAIL, (variant, message)
    assert message and "{" not in message, message
