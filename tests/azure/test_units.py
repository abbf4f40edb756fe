"""An Azure scan split into units: one per subscription, one per tenant for Entra ID;
the shards of a plan together judge exactly what one scan judges."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscan.collectors.azure import AzureCollector
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.units import Discovery, Unit
from govscan.errors import UsageError
from govscan.runner import ScanConfig
from tests.azure.conftest import CONTROLS, SUB1, SUB2, TENANT, Azure
from tests.azure.estate.common import listing
from tests.azure.estate.core import (
    GROUP,
    OWNER,
    SUB_HIDDEN,
    SUB_OFF,
    group,
    role_assignment,
    subscription,
)
from tests.shard_scans import (
    all_errors,
    found_results,
    make_plan,
    scan,
    shards,
    shared_keys,
    target_dict,
)

SUB3 = "e5e5e5e5-0000-4000-8000-000000000005"
CHECKS = (
    "aztest.subscription.owners",
    "aztest.resource-group.locked",
    "azure.entra.global-admin-count",
    "azure.entra.user-mfa-registered",
)
PLAN = CollectionPlan(
    {
        "azure.subscription": frozenset({"owner_count"}),
        "azure.entra.tenant": frozenset({"global_admin_count"}),
    }
)


@pytest.fixture
def estate(azure: Azure, monkeypatch: pytest.MonkeyPatch) -> Azure:
    """The test tenant with a third enabled subscription."""
    shared_keys(monkeypatch)
    azure.put(f"/subscriptions/{SUB3}", subscription(SUB3, "test"))
    azure.put(
        "/subscriptions",
        listing(
            subscription(SUB1, "prod"),
            subscription(SUB2, "dev"),
            subscription(SUB_OFF, "old", "Disabled"),
            subscription(SUB3, "test"),
        ),
    )
    azure.put(f"/subscriptions/{SUB3}/resourcegroups", listing(group(SUB3, "rg-t", "westeurope")))
    azure.put(
        f"/subscriptions/{SUB3}/resourceGroups/rg-t/providers/Microsoft.Authorization/locks",
        listing(),
    )
    azure.put(
        f"/subscriptions/{SUB3}/providers/Microsoft.Authorization/roleAssignments",
        listing(*(role_assignment(SUB3, n, OWNER) for n in range(5))),
    )
    return azure


def collector(azure: Azure, **options: object) -> AzureCollector:
    return AzureCollector({"azure": True, "azure_endpoint": azure.server.url, **options})


def config(azure: Azure, subscriptions: tuple[str, ...]) -> ScanConfig:
    targets: dict[str, object] = {"azure": True, "azure_endpoint": azure.server.url}
    if subscriptions:
        targets["azure_subscriptions"] = list(subscriptions)
    return ScanConfig(
        policy=str(azure.policy_file(*CHECKS)),
        controls_dirs=(CONTROLS,),
        targets=targets,
        fail_on=None,
    )


def keys(found: Discovery) -> list[str]:
    return [u.key for u in sorted(found.units, key=lambda u: u.sort_key)]


def test_given_subscriptions_are_a_unit_each_and_the_tenant_one_more(estate: Azure) -> None:
    found = collector(estate, azure_subscriptions=[SUB3, SUB1, SUB2, SUB_OFF]).discover_units(PLAN)
    assert found.deterministic
    assert keys(found) == [
        f"azure:{TENANT}:entra",
        f"azure:{SUB1}",
        f"azure:{SUB2}",
        f"azure:{SUB_OFF}",
        f"azure:{SUB3}",
    ]
    units = {u.scope: u for u in found.units if not u.part}
    assert units[SUB1].attrs == {"tenant": TENANT, "name": "prod", "state": "Enabled"}
    # Disabled now: the shard that gets it reads it again and reports what a scan does.
    assert units[SUB_OFF].attrs == {}
    assert found.errors == ()
    assert [t.identity for t in found.targets] == [SUB1, SUB2, SUB3]


def test_listed_subscriptions_depend_on_the_moment(estate: Azure) -> None:
    found = collector(estate).discover_units(CollectionPlan({"azure.subscription": frozenset()}))
    assert not found.deterministic
    # Only the readable ones; no Entra ID type planned, no tenant unit.
    assert keys(found) == [f"azure:{SUB1}", f"azure:{SUB2}", f"azure:{SUB3}"]
    assert [t.identity for t in found.targets] == [SUB1, SUB2, SUB3]


def test_a_management_group_member_that_cannot_be_read_is_the_plans_error(
    estate: Azure,
) -> None:
    found = collector(estate, azure_management_group=GROUP).discover_units(PLAN)
    assert keys(found) == [f"azure:{TENANT}:entra", f"azure:{SUB1}"]
    (error,) = found.errors
    assert error.account == SUB_HIDDEN
    assert f"management group {GROUP} cannot be read" in error.message


@pytest.mark.parametrize(
    ("subscriptions", "counts"),
    [((SUB1, SUB2, SUB3, SUB_OFF), (1, 2, 3, 4)), ((), (3,))],
    ids=["given", "listed"],
)
def test_shards_together_judge_what_one_scan_judges(
    estate: Azure, tmp_path: Path, subscriptions: tuple[str, ...], counts: tuple[int, ...]
) -> None:
    cfg = config(estate, subscriptions)
    single = scan(cfg, tmp_path / "single")
    plan_file = tmp_path / "units.json"
    plan = make_plan(cfg, plan_file)
    assert len(plan.units) == 1 + (4 if subscriptions else 3)
    expected = found_results([single])
    # The scopes a scan records, details and all: a shard's registry sees every one.
    assert [target_dict(t) for t in plan.targets] == single.run["targets"]
    assert any('"azure.entra.user"' in r for r in expected)
    for count in counts:
        estate.server.reset()
        parts = shards(cfg, plan_file, count, tmp_path)
        assert found_results(parts) == expected, count
        assert all_errors(parts) == all_errors([single]), count
        assert sorted((t for b in parts for t in b.run["targets"]), key=str) == sorted(
            single.run["targets"], key=str
        )
        # No shard discovers: the subscription list is never asked for again.
        assert ("GET", "/subscriptions") not in estate.server.requests("/subscriptions")
    if subscriptions:
        (error,) = single.errors
        assert error["account"] == SUB_OFF
    else:
        # Listed subscriptions are the tenant's state now: a shard needs the plan.
        with pytest.raises(UsageError, match="discovered at run time"):
            scan(cfg, tmp_path / "unplanned", shard="1/2")


def test_a_shard_scans_only_its_subscriptions(estate: Azure, tmp_path: Path) -> None:
    cfg = config(estate, (SUB1, SUB2, SUB3))
    plan_file = tmp_path / "units.json"
    plan = make_plan(cfg, plan_file)
    assert [u.key for u in plan.units][-1:] == [f"azure:{SUB3}"]
    estate.server.reset()
    last = scan(cfg, tmp_path / "last", plan_file=plan_file, shard="4/4")
    found = [r for r in last.results if not r["resource"]["id"].endswith(":none")]
    assert {r["resource"]["account"] for r in found} == {SUB3}
    assert [t["identity"] for t in last.run["targets"]] == [SUB3]
    assert not estate.server.requests(f"/subscriptions/{SUB1}")
    assert not estate.server.requests("/v1.0/")  # Entra ID is another shard's unit
    assert Unit("azure", TENANT, "entra") in plan.units
