"""Subscriptions discovered, or a management group's tree; paging; minimal calls."""

from __future__ import annotations

import logging

import pytest

from tests.azure.conftest import SUB1, SUB2, Azure
from tests.azure.estate.core import GROUP, SUB_HIDDEN, SUB_OFF, group

A_SUBS = "Microsoft.Resources/subscriptions/read"
A_GROUPS = "Microsoft.Resources/subscriptions/resourceGroups/read"
A_LOCKS = "Microsoft.Authorization/locks/read"


def test_every_enabled_subscription_is_discovered(
    azure: Azure, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        run = azure.scan("aztest.subscription.enabled", subscriptions="")
    assert run.errors == []
    assert {t["identity"] for t in run.run["targets"]} == {SUB1, SUB2}
    assert set(run.statuses("aztest.subscription.enabled")) == {
        f"/subscriptions/{SUB1}",
        f"/subscriptions/{SUB2}",
    }
    assert f"skipping Azure subscriptions that are disabled or deleted: {SUB_OFF} (Disabled)" in (
        caplog.text + run.stderr
    )


def test_a_management_group_scans_its_subscriptions(azure: Azure) -> None:
    run = azure.scan(
        "aztest.subscription.enabled",
        subscriptions="",
        extra=("--azure-management-group", GROUP),
    )
    assert run.exit_code == 3
    assert {t["identity"] for t in run.run["targets"]} == {SUB1}
    (error,) = run.errors
    assert error["account"] == SUB_HIDDEN
    assert f"management group {GROUP} cannot be read" in error["message"]
    assert azure.server.requests(
        f"/providers/Microsoft.Management/managementGroups/{GROUP}/descendants"
    )


def test_lists_are_paged_and_details_called_only_when_a_control_reads_them(
    azure: Azure,
) -> None:
    many = [group(SUB1, f"rg-{i:02d}", "westeurope") for i in range(23)]
    azure.put(f"/subscriptions/{SUB1}/resourcegroups", {"value": many})
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.errors == []
    assert len(run.statuses("aztest.resource-group.provisioned")) == 23
    assert run.count(A_GROUPS) == 3  # 10 + 10 + 3 items, one call per page
    assert A_LOCKS not in run.actions()
    assert run.actions() == {A_SUBS, A_GROUPS}


def test_a_detail_call_per_resource_when_its_field_is_read(azure: Azure) -> None:
    run = azure.scan("aztest.resource-group.locked")
    assert run.errors == []
    assert run.count(A_LOCKS) == 3
    statuses = run.statuses("aztest.resource-group.locked")
    assert statuses[f"/subscriptions/{SUB1}/resourceGroups/rg-app"] == "pass"
    assert statuses[f"/subscriptions/{SUB1}/resourceGroups/rg-net"] == "fail"
