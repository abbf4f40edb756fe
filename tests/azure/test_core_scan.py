"""A scan through the real SDK against the local ARM server, configured the documented way."""

from __future__ import annotations

from tests.azure.conftest import SUB1, SUB2, TENANT, Azure
from tests.azure.estate.core import CONTACT_EMAIL

SUB_CONTROLS = (
    "aztest.subscription.enabled",
    "aztest.subscription.defender-vms",
    "aztest.subscription.contact",
    "aztest.subscription.activity-log",
    "aztest.subscription.allowed-locations",
    "aztest.subscription.owners",
    "aztest.subscription.classic-admins",
    "aztest.subscription.wildcard-roles",
)


def test_subscription_settings_are_judged(azure: Azure) -> None:
    run = azure.scan(*SUB_CONTROLS, subscriptions=f"{SUB1},{SUB2}")
    assert run.errors == []
    assert run.exit_code == 1, run.stderr
    sub1, sub2 = f"/subscriptions/{SUB1}", f"/subscriptions/{SUB2}"
    expected = {
        "aztest.subscription.enabled": ("pass", "pass"),
        "aztest.subscription.defender-vms": ("pass", "fail"),
        "aztest.subscription.contact": ("pass", "fail"),
        "aztest.subscription.activity-log": ("pass", "fail"),
        "aztest.subscription.allowed-locations": ("pass", "fail"),
        "aztest.subscription.owners": ("fail", "pass"),
        "aztest.subscription.classic-admins": ("fail", "pass"),
        "aztest.subscription.wildcard-roles": ("fail", "pass"),
    }
    for control, (one, two) in expected.items():
        assert run.statuses(control) == {sub1: one, sub2: two}, control
    targets = {t["identity"]: t for t in run.run["targets"]}
    assert set(targets) == {SUB1, SUB2}
    assert targets[SUB1]["details"]["tenant"] == TENANT
    bundle = run.bundle_text()
    assert CONTACT_EMAIL not in bundle
    assert "local-test-access-token" not in bundle
    assert "local-test-secret-value" not in bundle


def test_other_located_resources_are_judged_by_their_region(azure: Azure) -> None:
    run = azure.scan("aztest.resource.region")
    assert run.errors == []
    base = f"/subscriptions/{SUB1}/resourceGroups"
    assert run.statuses("aztest.resource.region") == {
        f"{base}/rg-app/providers/Microsoft.EventHub/namespaces/events": "pass",
        f"{base}/rg-app/providers/Microsoft.ServiceBus/namespaces/bus": "fail",
        f"{base}/rg-net/providers/Microsoft.Network/privateDnsZones/corp.internal": "fail",
    }
    assert run.actions() == {
        "Microsoft.Resources/subscriptions/read",
        "Microsoft.Resources/subscriptions/resources/read",
    }
