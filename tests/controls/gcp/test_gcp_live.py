"""The GCP controls against what the live collector emits over the test estate
(tests/gcp/estate, through the real client libraries): every field a control reads is
one the collector fills, no control errs on a collected resource, and every control
judges some resource of the estate."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy
from govscan.collectors.gcp import GcpCollector
from govscan.collectors.interface import CollectionPlan
from govscan.engine.plan import needed_fields
from govscan.engine.scan import Evaluator
from govscan.model import Resource, Result, Status
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ORG

# Whole-estate cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

CONTROLS = [
    c
    for c in load_control_dirs([])[0].controls.values()
    if c.id.startswith("gcp.") and not c.id.startswith("gcp.residency")
]


def test_every_gcp_control_judges_the_live_estate(gcp: Gcp) -> None:
    # The plan a scan with these controls makes: only the fields they read.
    fields = needed_fields(CONTROLS)
    col = GcpCollector({"gcp": True, "gcp_organization": ORG, "gcp_endpoint": gcp.server.url})
    resources = [i for i in col.collect(CollectionPlan(fields)) if isinstance(i, Resource)]
    assert {r.type for r in resources} == set(fields)

    # Every field a control reads is filled (or reported unavailable) somewhere: an
    # absent field would silently judge as "not configured".
    filled: dict[str, set[str]] = defaultdict(set)
    for r in resources:
        filled[r.type] |= set(r.data) | set(r.unavailable)
    assert {t: sorted(f - filled[t]) for t, f in fields.items() if f - filled[t]} == {}

    results: list[Result] = []
    ev = Evaluator(CONTROLS, load_policy("baseline"), dt.datetime.now(dt.UTC))
    for r in resources:
        ev.evaluate(r, results.append)
    errors = [
        f"{x.control_id} {x.resource.id}: {x.message}" for x in results if x.status == Status.ERROR
    ]
    assert errors == []
    judged: dict[str, set[Status]] = defaultdict(set)
    for x in results:
        judged[x.control_id].add(x.status)
    assert {c.id for c in CONTROLS if not judged[c.id] & {Status.PASS, Status.FAIL}} == set()
