"""A Defender plan the pricing list does not return is unknown, never "off"."""

from __future__ import annotations

from govscan.collectors.azure.spec import Fetched
from govscan.collectors.azure.subscription import DEFENDER_PLANS, absent_plans, subscription
from tests.azure.conftest import SUB1, SUB2, Azure
from tests.azure.estate.common import listing
from tests.azure.estate.core import pricing

PRICINGS = f"/subscriptions/{SUB1}/providers/Microsoft.Security/pricings"


def _every_plan_but(*left_out: str) -> dict[str, object]:
    return listing(*(pricing(SUB1, n, "Free") for n in DEFENDER_PLANS if n not in left_out))


def test_each_current_plan_the_list_lacks_is_a_missing_path() -> None:
    got = Fetched({"pricings": _every_plan_but("Containers", "Api")})
    data = subscription({"subscriptionId": SUB1}, got)
    assert "Containers" not in data["defender_plans"]
    assert data["defender_plans"]["VirtualMachines"] == "Free"
    assert got.missing == {
        "defender_plans.Api": "the Defender for Cloud pricing list returned no Api plan",
        "defender_plans.Containers": (
            "the Defender for Cloud pricing list returned no Containers plan"
        ),
    }


def test_a_plan_without_a_tier_is_missing_too_and_retired_plans_are_not_expected() -> None:
    assert absent_plans(dict.fromkeys(DEFENDER_PLANS, "Free")) == {}
    plans: dict[str, object] = dict.fromkeys(DEFENDER_PLANS, "Standard")
    plans["Arm"] = None
    assert list(absent_plans(plans)) == ["defender_plans.Arm"]
    assert "without a tier" in absent_plans(plans)["defender_plans.Arm"]
    assert "Dns" not in DEFENDER_PLANS


def test_no_pricing_call_no_missing_paths() -> None:
    got = Fetched({})
    assert "defender_plans" not in subscription({"subscriptionId": SUB1}, got)
    assert got.missing == {}


def test_an_absent_plan_is_an_error_for_its_control_only(azure: Azure) -> None:
    azure.put(PRICINGS, _every_plan_but("VirtualMachines"))
    run = azure.scan(
        "aztest.subscription.defender-vms",
        "aztest.subscription.enabled",
        subscriptions=f"{SUB1},{SUB2}",
    )
    # An unanswered question makes the assessment incomplete: exit code 3.
    assert run.exit_code == 3, run.stderr
    assert run.statuses("aztest.subscription.defender-vms") == {
        f"/subscriptions/{SUB1}": "error",
        f"/subscriptions/{SUB2}": "fail",
    }
    (error,) = [r for r in run.results if r["status"] == "error"]
    assert "returned no VirtualMachines plan" in error["message"]
    assert set(run.statuses("aztest.subscription.enabled").values()) == {"pass"}
