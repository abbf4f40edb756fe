"""Every GCP resource type collected through the real Google client libraries.

One collection with every documented field planned (alpha and beta, see
tests/gcp/estate/types_*.py) answers the shape, paging and disabled-API tests;
failures are injected per test (scans through the command line: test_types_scan.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from govscan.catalog.resource_types import builtin_resource_types, shape_problems
from govscan.collectors.gcp import GcpCollector
from govscan.collectors.gcp import clients as gcp_clients
from govscan.collectors.gcp.permissions import required_permissions
from govscan.collectors.interface import CollectionPlan, Item
from govscan.model import ApiCall, CollectionError, NotApplicableScope, Resource
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA, BETA
from tests.gcp.gcpserver import GcpServer, Request
from tests.gcp.types_expected import EXPECTED, C, S

TYPES = builtin_resource_types()
MINE = {
    t: s
    for t, s in TYPES.items()
    if t.startswith("gcp.") and t not in ("gcp.project", "gcp.iam.service_account")
}
EVERY_FIELD = CollectionPlan({t: frozenset(s.fields) for t, s in MINE.items()})


@dataclass
class Collected:
    items: list[Item]
    calls: list[ApiCall]
    requests: list[Request]

    def resources(self) -> dict[str, Resource]:
        return {i.id: i for i in self.items if isinstance(i, Resource)}

    def count(self, operation: str, project: str = ALPHA) -> int:
        return sum(c.count for c in self.calls if (c.operation, c.account) == (operation, project))


def collect(gcp: Gcp, plan: CollectionPlan) -> Collected:
    col = GcpCollector({"gcp": True, "gcp_projects": [ALPHA, BETA], "gcp_endpoint": gcp.server.url})
    items = list(col.collect(plan))
    return Collected(items, col.api_calls(), gcp.server.seen())


@pytest.fixture(scope="module")
def everything(
    gcp_server: GcpServer, gcp_files: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Collected]:
    # The per-test `gcp` fixture's isolation, once for the module's one big collection.
    tmp = tmp_path_factory.mktemp("gcp-types")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gcp_files / "key.json"))
        mp.setenv("CLOUDSDK_CONFIG", str(tmp / "no-gcloud"))
        mp.setenv("NO_GCE_CHECK", "True")
        mp.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
        mp.setenv("GCE_METADATA_IP", "127.0.0.1:9")
        for var in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
            mp.delenv(var, raising=False)
        mp.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
        gcp_server.reset()
        helper = Gcp(gcp_server, gcp_files, tmp)
        mp.setattr(gcp_clients, "new_throttle", helper.throttle)
        yield collect(helper, EVERY_FIELD)


def test_each_type_normalised_through_the_real_clients(everything: Collected) -> None:
    found = everything.resources()
    for rid, data in EXPECTED.items():
        assert dict(found[rid].data) == data, rid
        assert found[rid].unavailable == {}
    assert {r.type for r in found.values()} == set(MINE)
    by_type: dict[str, int] = {}
    for r in found.values():
        by_type[r.type] = by_type.get(r.type, 0) + 1
    assert by_type == {
        "gcp.bigquery.dataset": 3,
        "gcp.compute.disk": 4,
        "gcp.compute.firewall": 5,
        "gcp.compute.instance": 3,
        "gcp.compute.network": 3,
        "gcp.compute.snapshot": 4,
        "gcp.container.cluster": 2,
        "gcp.kms.key": 3,
        "gcp.logging.bucket": 5,
        "gcp.logging.sink": 2,
        "gcp.secretmanager.secret": 6,
        "gcp.sql.instance": 3,
        "gcp.storage.bucket": 5,
    }
    web = found[f"{C}/zones/europe-west3-a/instances/web-1"]
    assert (web.ref.account, web.ref.region, web.ref.provider) == (ALPHA, "europe-west3", "gcp")


def test_collected_fields_are_exactly_the_documented_ones(everything: Collected) -> None:
    problems = []
    produced: set[tuple[str, str]] = set()
    for r in everything.resources().values():
        data = json.loads(json.dumps(dict(r.data)))  # what leaves a collector is JSON
        problems += [f"{r.id}: {p}" for _, p in shape_problems(TYPES[r.type], data, r.unknown)]
        produced |= {(r.type, name) for name in data}
    assert problems == []
    documented = {(t, f) for t, s in MINE.items() for f in s.fields}
    assert documented - produced == set()


def test_two_projects_each_listed_page_by_page(everything: Collected) -> None:
    found = everything.resources()
    assert {r.ref.account for r in found.values()} == {ALPHA, BETA}
    # Three items a page on the test server: four buckets, five secrets, four rules.
    assert everything.count("storage.buckets.list") == 2
    assert everything.count("storage.buckets.list", BETA) == 1
    assert everything.count("secretmanager.secrets.list") == 2
    assert everything.count("compute.firewalls.list") == 2
    tokens = [r.query.get("pageToken") for r in everything.requests if r.path.endswith("/secrets")]
    assert sorted(map(str, tokens)) == ["None", "None", "['3']"]
    # Project-wide metadata and the subnets are read once per project, not per item.
    assert everything.count("compute.projects.get") == 1
    assert everything.count("compute.subnetworks.list") == 1
    assert everything.count("storage.buckets.getIamPolicy") == 4


def test_an_api_a_project_has_not_enabled_is_not_called(everything: Collected) -> None:
    off = {
        (i.resource_types, i.account) for i in everything.items if isinstance(i, NotApplicableScope)
    }
    assert off == {(("gcp.sql.instance",), BETA), (("gcp.container.cluster",), BETA)}
    assert not [i for i in everything.items if isinstance(i, CollectionError)]
    paths = [r.path for r in everything.requests]
    assert not [p for p in paths if p.startswith((f"/sql/v1beta4/projects/{BETA}",))]
    assert not [p for p in paths if p.startswith(f"/v1/projects/{BETA}/locations/-/clusters")]


def test_secret_versions_are_never_asked_for(everything: Collected) -> None:
    assert not [r.path for r in everything.requests if "/versions" in r.path]
    assert not [c for c in everything.calls if "versions" in c.operation]
    assert not [p for p in required_permissions(EVERY_FIELD) if "versions" in p]


def test_storage_fetches_no_bucket_behind_the_call_log(everything: Collected) -> None:
    # Bucket GETs are the acl_public detail (projection full) and nothing else; the
    # bucket with uniform access (alpha-logs) is not read: its ACLs grant nothing.
    gets = {
        r.path.rsplit("/", 1)[-1]: r.query.get("projection")
        for r in everything.requests
        if r.path.startswith("/storage/v1/b/") and r.path.count("/") == 4
    }
    read = ["alpha-dual", "alpha-nam4", "alpha-public", "beta-data"]
    assert gets == {name: ["full"] for name in read}
    assert everything.count("storage.buckets.get") == 3
    assert everything.resources()[f"{S}/alpha-logs"].data["acl_public"] is False


# -- failures ------------------------------------------------------------------------


def test_a_failed_detail_call_leaves_only_its_fields_unavailable(gcp: Gcp) -> None:
    gcp.server.fault("/storage/v1/b/alpha-public/iam", 403)
    plan = CollectionPlan({"gcp.storage.bucket": frozenset({"iam_public_members", "versioning"})})
    got = collect(gcp, plan)
    public = got.resources()[f"{S}/alpha-public"]
    assert "iam_public_members" in public.unavailable
    assert "iam_public_members" not in public.data
    assert public.data["versioning"] is False
    assert got.resources()[f"{S}/alpha-logs"].data["iam_public_members"] == []
    errors = [i for i in got.items if isinstance(i, CollectionError)]
    assert [(e.account, e.operation, e.fields) for e in errors] == [
        (ALPHA, "storage.googleapis.com:storage.buckets.getIamPolicy", ("iam_public_members",))
    ]


def test_discovery_calls_retry_throttling_and_report_denial(gcp: Gcp) -> None:
    gcp.server.fault(f"/v1/projects/{ALPHA}/secrets", 429, times=1)
    gcp.server.fault(f"/sql/v1beta4/projects/{ALPHA}/instances", 403)
    plan = CollectionPlan(
        {"gcp.secretmanager.secret": frozenset(), "gcp.sql.instance": frozenset({"public_ip"})}
    )
    got = collect(gcp, plan)
    secrets = [r for r in got.resources().values() if r.type == "gcp.secretmanager.secret"]
    assert len(secrets) == 6  # the throttled page was asked again
    retried = [c for c in got.calls if c.operation == "secretmanager.secrets.list"]
    assert sum(c.retries for c in retried) == 1
    errors = [i for i in got.items if isinstance(i, CollectionError)]
    assert [(e.account, e.resource_types, e.operation) for e in errors] == [
        (ALPHA, ("gcp.sql.instance",), "sqladmin.googleapis.com:cloudsql.instances.list")
    ]
    assert "denied (HTTP 403)" in errors[0].message


def test_zones_gke_could_not_reach_make_the_listing_an_error(gcp: Gcp) -> None:
    route = ("GET", f"/v1/projects/{ALPHA}/locations/-/clusters")
    whole = gcp.server.estate.routes[route]
    gcp.server.estate.routes[route] = {**whole, "missingZones": ["us-east1-b"]}
    try:
        got = collect(gcp, CollectionPlan({"gcp.container.cluster": frozenset()}))
    finally:
        gcp.server.estate.routes[route] = whole
    assert len(got.resources()) == 2  # the clusters it did list are judged
    errors = [i for i in got.items if isinstance(i, CollectionError)]
    assert [(e.account, e.resource_types) for e in errors] == [(ALPHA, ("gcp.container.cluster",))]
    assert "zones did not answer: us-east1-b" in errors[0].message


def test_a_hostile_key_ring_name_is_not_followed(gcp: Gcp) -> None:
    route = ("GET", f"/v1/projects/{ALPHA}/locations/europe-west3/keyRings")
    whole = gcp.server.estate.routes[route]
    hostile = f"projects/{ALPHA}/locations/europe-west3/keyRings/r/../../../../secrets"
    gcp.server.estate.routes[route] = {"keyRings": [{"name": hostile}]}
    try:
        got = collect(gcp, CollectionPlan({"gcp.kms.key": frozenset()}))
    finally:
        gcp.server.estate.routes[route] = whole
    errors = [i for i in got.items if isinstance(i, CollectionError)]
    assert [(e.account, e.operation) for e in errors] == [
        (ALPHA, "cloudkms.googleapis.com:cloudkms.keyRings.list")
    ]
    assert "unexpected resource name" in errors[0].message
    assert not [r.path for r in got.requests if "secrets" in r.path or "/.." in r.path]
