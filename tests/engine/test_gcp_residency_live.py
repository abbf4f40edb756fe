"""The GCP residency controls against what the live collector emits over the test estate
(tests/gcp, through the real client libraries): every location the estate holds is
placed by the jurisdiction tables, and each control decides some live resource."""

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

# The test server and its estate, shared with the collector's tests (tests/gcp).
from tests.gcp.conftest import gcp as gcp
from tests.gcp.conftest import gcp_files as gcp_files
from tests.gcp.conftest import gcp_server as gcp_server
from tests.gcp.estate.core import ORG

# Whole-estate cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

CONTROLS = [
    c for c in load_control_dirs([])[0].controls.values() if c.id.startswith("residency.gcp.")
]


EXPECTED = {
    ("residency.gcp.storage-bucket-location", "alpha-public"): Status.FAIL,  # US
    ("residency.gcp.storage-bucket-location", "alpha-nam4"): Status.FAIL,
    ("residency.gcp.storage-bucket-data-locations", "alpha-dual"): Status.PASS,
    ("residency.gcp.sql-replica-locations", "pg-main"): Status.FAIL,  # a replica in Iowa
    ("residency.gcp.sql-instance-location", "pg-replica-us"): Status.FAIL,
    ("residency.gcp.secret-replica-locations", "us-copy"): Status.FAIL,
    ("residency.gcp.secret-replica-locations", "db-password"): Status.PASS,
    ("residency.gcp.secret-location", "plain"): Status.FAIL,  # automatic: global
    ("residency.gcp.logging-bucket-location", "audit-eu"): Status.PASS,
    ("residency.gcp.logging-bucket-location", "_Default"): Status.FAIL,  # global
    ("residency.gcp.compute-instance-location", "web-1"): Status.PASS,  # placed by its zone
    ("residency.gcp.bigquery-dataset-location", "public_ds"): Status.FAIL,
}
"""(control, last segment of the resource name) -> the verdict on the estate."""


def test_residency_controls_judge_the_live_estate(gcp: Gcp) -> None:
    fields = needed_fields(CONTROLS)
    col = GcpCollector({"gcp": True, "gcp_organization": ORG, "gcp_endpoint": gcp.server.url})
    resources = [i for i in col.collect(CollectionPlan(fields)) if isinstance(i, Resource)]
    results: list[Result] = []
    ev = Evaluator(CONTROLS, load_policy("baseline"), dt.datetime.now(dt.UTC))
    for r in resources:
        ev.evaluate(r, results.append)
    got = {(x.control_id, x.resource.id.rsplit("/", 1)[-1]): x for x in results}

    errors = [f"{c} {r}: {x.message}" for (c, r), x in got.items() if x.status == Status.ERROR]
    assert errors == []
    assert {k: got[k].status for k in EXPECTED if k in got} == EXPECTED

    judged: dict[str, set[Status]] = defaultdict(set)
    for (control, _), x in got.items():
        judged[control].add(x.status)
    # The estate's one regional disk replicates inside its own region: no copy to judge.
    undecided = {c.id for c in CONTROLS if not judged[c.id] & {Status.PASS, Status.FAIL}}
    assert undecided == {"residency.gcp.compute-disk-replica-locations"}

    # The guardrail: one verdict per scanned project, restricted ones pass.
    guard = [x.status for (c, _), x in got.items() if c.endswith("resource-locations-constraint")]
    assert len(guard) >= 3 and {Status.PASS, Status.FAIL} <= set(guard)
