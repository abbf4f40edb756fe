"""A Google Cloud scan split into units, one per project; the shards of a plan
together judge exactly what one scan judges, and no shard lists the organisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscan.collectors.gcp import GcpCollector
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.units import Discovery
from govscan.errors import UsageError
from govscan.runner import ScanConfig
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA, BETA, FOLDER, LONELY, NUMBERS, ORG, SUBFOLDER
from tests.shard_scans import (
    all_errors,
    found_results,
    make_plan,
    scan,
    shards,
    shared_keys,
    target_dict,
)

CHECKS = (
    "t.gcp.project-audit",
    "t.gcp.project-oslogin",
    "t.gcp.sa-keys",
    "gcp.storage.bucket-no-public-iam",
    "gcp.sql.instance-no-public-ip",
)
"""Policies inherited from folders and the organisation, effective organisation
policies, a type whose API beta has not enabled, and types the inventory lists."""
PLAN = CollectionPlan({"gcp.project": frozenset({"iam_public_members"})})
MISSING = "ghost"
"""A given project the server does not know."""


@pytest.fixture
def estate(gcp: Gcp, monkeypatch: pytest.MonkeyPatch) -> Gcp:
    shared_keys(monkeypatch)
    return gcp


def collector(gcp: Gcp, **options: object) -> GcpCollector:
    return GcpCollector({"gcp": True, "gcp_endpoint": gcp.server.url, **options})


def config(gcp: Gcp, tmp: Path, **targets: object) -> ScanConfig:
    policy = tmp / "units-policy.yaml"
    policy.write_text(f"name: units\nselect:\n  - ids: [{', '.join(CHECKS)}]\n")
    return ScanConfig(
        policy=str(policy),
        controls_dirs=(gcp.files / "controls",),
        targets={"gcp": True, "gcp_endpoint": gcp.server.url, **targets},
        fail_on=None,
    )


def keys(found: Discovery) -> list[str]:
    return [u.key for u in sorted(found.units, key=lambda u: u.sort_key)]


def test_given_projects_are_a_unit_each(estate: Gcp) -> None:
    found = collector(estate, gcp_projects=[LONELY, ALPHA, MISSING, BETA]).discover_units(PLAN)
    assert found.deterministic
    assert keys(found) == [f"gcp:{ALPHA}", f"gcp:{BETA}", f"gcp:{MISSING}", f"gcp:{LONELY}"]
    units = {u.scope: u for u in found.units}
    assert units[BETA].attrs == {
        "number": NUMBERS[BETA],
        "name": "Beta",
        "parent": f"folders/{SUBFOLDER}",
        "ancestors": [f"folders/{SUBFOLDER}", f"folders/{FOLDER}", f"organizations/{ORG}"],
        "labels": {"env": "test"},
        "ancestry_complete": True,
    }
    # Unreadable now: the shard that gets it reads it again and reports what a scan does.
    assert units[MISSING].attrs == {}
    assert found.errors == ()
    assert [t.identity for t in found.targets] == [ALPHA, BETA, LONELY]


def test_an_organisation_is_walked_once_at_planning(estate: Gcp) -> None:
    found = collector(estate, gcp_organization=ORG).discover_units(PLAN)
    assert not found.deterministic
    # No type is collected once per organisation: projects are the only units.
    assert keys(found) == [f"gcp:{ALPHA}", f"gcp:{BETA}", f"gcp:{LONELY}"]
    assert found.errors == ()


def test_a_folder_that_cannot_be_listed_is_the_plans_error(estate: Gcp) -> None:
    estate.server.fault(f"parent=folders/{SUBFOLDER}", 403)
    found = collector(estate, gcp_folders=[SUBFOLDER], gcp_projects=[LONELY]).discover_units(PLAN)
    assert keys(found) == [f"gcp:{LONELY}"]
    assert {e.account for e in found.errors} == {f"folders/{SUBFOLDER}"}


@pytest.mark.parametrize(
    ("targets", "counts"),
    [
        ({"gcp_projects": [ALPHA, BETA, LONELY, MISSING]}, (1, 2, 3, 4)),
        ({"gcp_organization": ORG}, (3,)),
    ],
    ids=["given", "organisation"],
)
def test_shards_together_judge_what_one_scan_judges(
    estate: Gcp, tmp_path: Path, targets: dict[str, object], counts: tuple[int, ...]
) -> None:
    cfg = config(estate, tmp_path, **targets)
    single = scan(cfg, tmp_path / "single")
    plan_file = tmp_path / "units.json"
    plan = make_plan(cfg, plan_file)
    assert [target_dict(t) for t in plan.targets] == single.run["targets"]
    expected = found_results([single])
    assert any('"gcp.storage.bucket"' in r for r in expected)
    assert any('"not_applicable"' in r for r in expected)  # disabled APIs in beta
    for count in counts:
        estate.server.reset()
        parts = shards(cfg, plan_file, count, tmp_path)
        assert found_results(parts) == expected, count
        assert all_errors(parts) == all_errors([single]), count
        # No shard walks the hierarchy nor lists a folder's or the organisation's assets
        # (the IAM policies above a project are read: they are the project's data).
        walked = {r.path for r in estate.server.seen("/v3/") if ":getIamPolicy" not in r.path}
        # Only the given project that could not be read is asked for again.
        assert walked == ({f"/v3/projects/{MISSING}"} if "gcp_projects" in targets else set())
        assert not estate.server.seen(f"/organizations/{ORG}/assets")
    if "gcp_projects" in targets:
        (error,) = single.errors
        assert error["account"] == MISSING
    else:
        # The organisation's projects are its state now: a shard needs the plan.
        with pytest.raises(UsageError, match="discovered at run time"):
            scan(cfg, tmp_path / "unplanned", shard="1/2")


def test_a_shard_asks_the_inventory_for_its_projects_only(estate: Gcp, tmp_path: Path) -> None:
    cfg = config(estate, tmp_path, gcp_organization=ORG)
    plan_file = tmp_path / "units.json"
    make_plan(cfg, plan_file)
    estate.server.reset()
    first = scan(cfg, tmp_path / "first", plan_file=plan_file, shard="1/3")
    assert [t["identity"] for t in first.run["targets"]] == [ALPHA]
    asked = {r.path for r in estate.server.seen("/assets")}
    assert asked == {f"/v1/projects/{NUMBERS[ALPHA]}/assets"}
    # Its types came from the inventory: none was listed project by project.
    assert [r for r in estate.server.seen("/storage/v1/b") if r.path == "/storage/v1/b"] == []
    assert not estate.server.seen(f"/projects/{BETA}")
