"""The GCP controls that judge code (tagged iac) against what the Terraform normaliser
makes of the repository test trees (tests/repo/cases): every field such a control
reads is one the normaliser fills for its type, and each control decides some code
resource; an error is only ever a value Terraform knows after apply."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.repo import RepoCollector
from govscan.engine.plan import needed_fields
from govscan.engine.scan import Evaluator
from govscan.model import Resource, Result, Status

# Whole-tree cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

CASES = Path(__file__).parent.parent.parent / "repo" / "cases"
CONTROLS = [
    c
    for c in load_control_dirs([])[0].controls.values()
    if c.id.startswith("gcp.") and "iac" in c.tags
]


def _google_trees() -> list[Path]:
    return sorted(
        p
        for p in CASES.iterdir()
        if p.is_dir() and any("google_" in f.read_text(errors="replace") for f in p.rglob("*.tf"))
    )


def test_every_code_control_judges_terraform() -> None:
    fields = needed_fields(CONTROLS)
    resources = [
        i
        for tree in _google_trees()
        for i in RepoCollector(tree).collect(CollectionPlan(fields))
        if isinstance(i, Resource) and i.type in fields
    ]
    assert {r.type for r in resources} == set(fields)

    filled: dict[str, set[str]] = defaultdict(set)
    for r in resources:
        filled[r.type] |= set(r.data) | {k.split(".")[0] for k in r.unknown}
    assert {t: sorted(f - filled[t]) for t, f in fields.items() if f - filled[t]} == {}

    results: list[Result] = []
    ev = Evaluator(CONTROLS, load_policy("baseline"), dt.datetime.now(dt.UTC))
    for r in resources:
        ev.evaluate(r, results.append)
    errors = [
        f"{x.control_id} {x.resource.name}: {x.message}"
        for x in results
        if x.status == Status.ERROR and not x.undetermined
    ]
    assert errors == []
    judged: dict[str, set[Status]] = defaultdict(set)
    for x in results:
        judged[x.control_id].add(x.status)
    assert {c.id for c in CONTROLS if not judged[c.id] & {Status.PASS, Status.FAIL}} == set()
