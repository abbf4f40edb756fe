"""The Cloud Asset Inventory fast path of organisation and folder scans.

The estate's inventory (tests/gcp/estate/zz_inventory.py) holds the same REST JSON
the per-project list calls answer, so a scan through it must collect exactly what
a scan project by project collects, with fewer calls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from govscan.collectors.gcp import GcpCollector
from govscan.collectors.interface import CollectionPlan, Item
from govscan.model import CollectionError, NotApplicableScope, Resource
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA, BETA, FOLDER, LONELY, ORG, SUBFOLDER
from tests.gcp.gcpserver import Request
from tests.gcp.test_types_collect import EVERY_FIELD

INVENTORIED = {
    "gcp.bigquery.dataset",
    "gcp.compute.disk",
    "gcp.compute.firewall",
    "gcp.compute.instance",
    "gcp.compute.network",
    "gcp.container.cluster",
    "gcp.kms.key",
    "gcp.secretmanager.secret",
    "gcp.sql.instance",
    "gcp.storage.bucket",
}
PER_PROJECT_LISTS = {
    "storage.buckets.list",
    "compute.instances.list",
    "compute.disks.list",
    "compute.firewalls.list",
    "compute.networks.list",
    "cloudsql.instances.list",
    "cloudkms.locations.list",
    "cloudkms.keyRings.list",
    "cloudkms.cryptoKeys.list",
    "container.clusters.list",
    "secretmanager.secrets.list",
}
LIST_ASSETS = "cloudasset.assets.listResource"


@dataclass
class Run:
    items: list[Item]
    calls: Counter[str]
    failed: Counter[str]
    requests: list[Request]

    def resources(self) -> dict[str, tuple[str, dict[str, Any], dict[str, str]]]:
        """Id -> (type, fields, unavailable fields) of every collected resource."""
        return {
            i.id: (i.type, i.data, dict(i.unavailable))
            for i in self.items
            if isinstance(i, Resource)
        }

    def errors(self) -> list[CollectionError]:
        return [i for i in self.items if isinstance(i, CollectionError)]

    def not_applicable(self) -> set[tuple[str, str]]:
        return {
            (i.account, t)
            for i in self.items
            if isinstance(i, NotApplicableScope)
            for t in i.resource_types
        }

    def asset_pages(self) -> list[Request]:
        """Requests for resources (not projects) to the inventory."""
        return [
            r
            for r in self.requests
            if r.path.endswith("/assets")
            and "cloudresourcemanager.googleapis.com/Project" not in r.query.get("assetTypes", [])
        ]


def run(gcp: Gcp, plan: CollectionPlan = EVERY_FIELD, **options: Any) -> Run:
    gcp.server.reset()
    col = GcpCollector({"gcp": True, "gcp_endpoint": gcp.server.url, **options})
    items = list(col.collect(plan))
    calls: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for c in col.api_calls():
        calls[c.operation] += c.count
        failed[c.operation] += c.errors
    return Run(items, calls, failed, gcp.server.seen())


def test_organisation_through_the_inventory_collects_what_each_project_lists(gcp: Gcp) -> None:
    fast = run(gcp, gcp_organization=ORG)
    slow = run(gcp, gcp_organization=ORG, gcp_no_asset_inventory=True)
    assert fast.errors() == [] and slow.errors() == []
    assert fast.resources() == slow.resources()
    assert {t for t, _, _ in fast.resources().values()} >= INVENTORIED
    # APIs a project has not enabled stay not_applicable (Service Usage says so).
    assert fast.not_applicable() == slow.not_applicable()
    assert (BETA, "gcp.sql.instance") in fast.not_applicable()
    # No type the inventory carries is listed per project; the others still are.
    assert not set(fast.calls) & PER_PROJECT_LISTS
    assert set(slow.calls) >= PER_PROJECT_LISTS
    assert fast.calls["logging.sinks.list"] == slow.calls["logging.sinks.list"] == 3
    # Detail calls stay per resource, as many as before (the BigQuery list call is
    # logged under datasets.get: two of the five are lists).
    for detail in ("storage.buckets.getIamPolicy", "cloudkms.cryptoKeys.getIamPolicy"):
        assert fast.calls[detail] == slow.calls[detail] > 0
    assert (fast.calls["bigquery.datasets.get"], slow.calls["bigquery.datasets.get"]) == (3, 5)
    # One listing for all types: 38 resources in pages of 3 (the test server's size).
    assert len(fast.asset_pages()) == 13
    assert fast.calls[LIST_ASSETS] == 2 + 13  # the projects' listing, then the resources
    assert slow.calls[LIST_ASSETS] == 2
    listed = sum(slow.calls[op] for op in PER_PROJECT_LISTS)
    assert listed == 26
    assert sum(fast.calls.values()) == sum(slow.calls.values()) - listed + 13 - 2


def test_one_inventory_call_per_page_with_every_planned_type(gcp: Gcp) -> None:
    plan = CollectionPlan(
        {"gcp.storage.bucket": frozenset({"versioning"}), "gcp.kms.key": frozenset()}
    )
    fast = run(gcp, plan, gcp_organization=ORG)
    pages = fast.asset_pages()
    # 5 buckets and 3 keys: three pages, each asking for exactly the planned types.
    assert [r.query.get("pageToken") for r in pages] == [None, ["3"], ["6"]]
    assert {tuple(r.query["assetTypes"]) for r in pages} == {
        ("cloudkms.googleapis.com/CryptoKey", "storage.googleapis.com/Bucket")
    }
    assert {r.path for r in pages} == {f"/v1/organizations/{ORG}/assets"}
    assert len([t for t, _, _ in fast.resources().values() if t == "gcp.kms.key"]) == 3
    assert len([t for t, _, _ in fast.resources().values() if t == "gcp.storage.bucket"]) == 5


def test_a_denied_inventory_falls_back_to_listing_each_project(
    gcp: Gcp, caplog: pytest.LogCaptureFixture
) -> None:
    slow = run(gcp, gcp_organization=ORG, gcp_no_asset_inventory=True)
    gcp.server.reset()
    gcp.server.fault("assetTypes=bigquery.googleapis.com/Dataset", 403)
    col = GcpCollector({"gcp": True, "gcp_endpoint": gcp.server.url, "gcp_organization": ORG})
    items = list(col.collect(EVERY_FIELD))
    assert [i for i in items if isinstance(i, CollectionError)] == []
    fell = Run(items, Counter(), Counter(), [])
    assert fell.resources() == slow.resources()
    calls = {c.operation: (c.count, c.errors) for c in col.api_calls() if c.account == ""}
    assert calls[LIST_ASSETS] == (3, 1)  # two pages of projects, the denied listing
    ops = {c.operation for c in col.api_calls()}
    assert ops >= PER_PROJECT_LISTS
    (note,) = [r for r in caplog.records if "Cloud Asset Inventory cannot" in r.message]
    assert note.levelname == "WARNING"
    assert "denied (HTTP 403)" in note.getMessage()


def test_a_page_that_fails_midway_discards_the_inventory(gcp: Gcp) -> None:
    slow = run(gcp, gcp_organization=ORG, gcp_no_asset_inventory=True)
    gcp.server.reset()
    gcp.server.fault("pageSize=1000&pageToken=9", 500)  # the inventory's fourth page
    col = GcpCollector({"gcp": True, "gcp_endpoint": gcp.server.url, "gcp_organization": ORG})
    items = list(col.collect(EVERY_FIELD))
    got = Run(items, Counter(), Counter(), [])
    assert got.errors() == []
    # Nothing twice: the pages read before the failure are not used.
    assert got.resources() == slow.resources()
    assert len([i for i in items if isinstance(i, Resource)]) == len(slow.resources())


def test_folder_scan_through_the_inventory_and_a_project_outside_it(gcp: Gcp) -> None:
    options = {"gcp_folders": [SUBFOLDER], "gcp_projects": [LONELY]}
    fast = run(gcp, **options)
    slow = run(gcp, gcp_no_asset_inventory=True, **options)
    assert fast.errors() == []
    assert fast.resources() == slow.resources()
    assert {r.path for r in fast.asset_pages()} == {f"/v1/folders/{SUBFOLDER}/assets"}
    accounts = {r.query.get("project", [""])[0] for r in fast.requests if r.path == "/storage/v1/b"}
    assert accounts == set()  # beta's buckets came from the inventory, lonely has none
    # lonely is not below the folder: its compute types are listed on their own.
    lonely = {r.path for r in fast.requests if f"/projects/{LONELY}/" in r.path}
    assert f"/compute/v1/projects/{LONELY}/global/firewalls" in lonely
    assert not any(f"/projects/{BETA}/global/firewalls" in r.path for r in fast.requests)


def test_a_project_whose_enabled_apis_are_unknown_is_listed_on_its_own(gcp: Gcp) -> None:
    plan = CollectionPlan({"gcp.storage.bucket": frozenset({"versioning"})})
    gcp.server.reset()
    gcp.server.fault("/v1/projects/222/services", 403)  # beta's Service Usage
    col = GcpCollector({"gcp": True, "gcp_endpoint": gcp.server.url, "gcp_organization": ORG})
    got = Run(list(col.collect(plan)), Counter(), Counter(), gcp.server.seen())
    # A disabled API must still be able to say so: beta is asked itself.
    listed = [r.query.get("project") for r in got.requests if r.path == "/storage/v1/b"]
    assert listed == [[BETA]]
    assert len(got.resources()) == 5
    assert got.errors() == []


def test_project_scan_never_asks_the_inventory(gcp: Gcp) -> None:
    got = run(gcp, gcp_projects=[ALPHA, BETA])
    assert LIST_ASSETS not in got.calls
    assert got.asset_pages() == []


def _bucket_control(gcp: Gcp) -> tuple[str, str]:
    folder = gcp.tmp / "cai-controls"
    folder.mkdir(exist_ok=True)
    (folder / "t.cai.bucket-versioning.yaml").write_text(
        "id: t.cai.bucket-versioning\ntitle: Versioned buckets\nseverity: medium\n"
        "resource: gcp.storage.bucket\ncheck:\n  path: versioning\n  op: eq\n  value: true\n"
        "message: 'not versioned {name}'\nframeworks:\n  nist-800-53-r5: [CP-9]\n"
        "origins: [cloud]\n"
    )
    return "--controls", str(folder)


def test_the_switch_on_the_command_line(gcp: Gcp) -> None:
    extra = _bucket_control(gcp)
    on = gcp.scan("t.cai.bucket-versioning", args=("--gcp-folders", FOLDER, *extra))
    asked = [r for r in gcp.server.seen("/assets") if "assetTypes" in r.query]
    off = gcp.scan(
        "t.cai.bucket-versioning",
        args=("--gcp-folders", FOLDER, "--gcp-no-asset-inventory", *extra),
    )
    assert on.errors == [] and off.errors == []
    assert len(on.statuses("t.cai.bucket-versioning")) == 5
    assert on.statuses("t.cai.bucket-versioning") == off.statuses("t.cai.bucket-versioning")
    assert [r.query["assetTypes"] for r in asked] == [["storage.googleapis.com/Bucket"]] * 2
    assert "storage.buckets.list" in off.operations()
    assert "storage.buckets.list" not in on.operations()
    assert LIST_ASSETS not in off.operations()


def test_the_switch_in_the_configuration_file(gcp: Gcp) -> None:
    (gcp.tmp / "govscan.yaml").write_text(
        f"targets:\n  gcp:\n    folders: ['{FOLDER}']\n    no_asset_inventory: true\n"
    )
    run = gcp.scan("t.cai.bucket-versioning", args=_bucket_control(gcp))
    assert run.errors == []
    assert len(run.statuses("t.cai.bucket-versioning")) == 5
    assert LIST_ASSETS not in run.operations()
    assert "storage.buckets.list" in run.operations()
