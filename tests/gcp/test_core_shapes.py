"""What the live GCP collector emits over the test estate has the documented shape
(``data/resource_types/gcp.yaml``): every type it produces, every field requested."""

from __future__ import annotations

from govscan.catalog.resource_types import builtin_resource_types
from govscan.collectors.gcp import GcpCollector
from govscan.collectors.interface import CollectionPlan
from govscan.model import CollectionError, Resource
from tests.contract.test_shapes import violations
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ORG

TYPES = {k: v for k, v in builtin_resource_types().items() if k.startswith("gcp.")}


def test_live_gcp_output_has_the_documented_shape(gcp: Gcp) -> None:
    plan = CollectionPlan({t: frozenset(s.fields) for t, s in TYPES.items()})
    col = GcpCollector({"gcp": True, "gcp_organization": ORG, "gcp_endpoint": gcp.server.url})
    items = list(col.collect(plan))
    resources = [i for i in items if isinstance(i, Resource)]
    assert [i for i in items if isinstance(i, CollectionError)] == []
    assert violations(resources) == []
    # Every documented field of every type is produced somewhere in the estate.
    produced = {(r.type, name) for r in resources for name in r.data}
    documented = {(t, f) for t, spec in TYPES.items() for f in spec.fields}
    assert documented - produced == set()
    project = next(r for r in resources if r.type == "gcp.project" and r.ref.account == "alpha")
    # Every documented project field is filled (none left unavailable).
    assert set(TYPES["gcp.project"].fields) - set(project.data) == set()
    assert dict(project.unavailable) == {}
