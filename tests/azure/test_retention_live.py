"""Storage limitation, live: Log Analytics workspaces, storage lifecycle policies and
backup policies collected through the real SDK clients from the test server, each read
only when a control reads it, and judged by the DSGVO retention controls."""

from __future__ import annotations

import pytest

from govscan.catalog.resource_types import builtin_resource_types
from govscan.collectors.azure import AzureCollector
from govscan.collectors.interface import CollectionPlan
from govscan.model import Resource
from tests.azure.armserver import ArmServer
from tests.azure.conftest import Azure
from tests.azure.estate import apps, retention, storage
from tests.azure.estate.common import SUB1, SUB2
from tests.azure.test_core_permissions import _role
from tests.azure.test_types_live import calls_by_action, collect, scan_env

__all__ = ["scan_env"]

WORKSPACE = "azure.operationalinsights.workspace"


def test_workspaces_with_their_retention(scan_env: ArmServer) -> None:
    fields = frozenset(builtin_resource_types()[WORKSPACE].fields)
    found = collect(scan_env, CollectionPlan({WORKSPACE: fields}))
    assert found.errors == []
    assert sorted(found.resources) == sorted([retention.WS_SHORT, retention.WS_LONG])
    short = found.resources[retention.WS_SHORT]
    assert short.data["retention_in_days"] == 30  # not set: Azure's default
    assert short.data["public_network_access_for_ingestion"] == "Enabled"
    assert short.ref.region == "germanywestcentral"
    long = found.resources[retention.WS_LONG].data
    assert (long["retention_in_days"], long["sku"]) == (730, "PerGB2018")
    assert long["public_network_access_for_ingestion"] == "Disabled"
    assert calls_by_action(found)["Microsoft.OperationalInsights/workspaces/read"] == 2


def test_a_workspace_is_not_also_a_generic_resource(scan_env: ArmServer) -> None:
    from govscan.collectors.azure.resources import resource
    from govscan.collectors.azure.spec import Fetched

    arm = retention.workspace(retention.WS_SHORT)
    assert resource(arm, Fetched({})) is None


def test_lifecycle_policies_are_read_only_when_a_control_reads_them(scan_env: ArmServer) -> None:
    plain = collect(scan_env, CollectionPlan({"azure.storage.account": frozenset({"sku"})}))
    assert not [p for _, p in plain.requests if "managementpolicies" in p.lower()]
    found = collect(
        scan_env,
        CollectionPlan({"azure.storage.account": frozenset({"lifecycle_delete_after_days"})}),
    )
    assert found.errors == []
    days = {
        rid: r.data["lifecycle_delete_after_days"]
        for rid, r in found.resources.items()
        if r.type == "azure.storage.account"
    }
    # The disabled 5000-day rule does not count; no policy (404) and a policy that
    # never deletes base blobs both keep objects until someone deletes them.
    assert days == {storage.GOOD: 365, storage.WEAK: None, storage.BRAZIL: None}
    assert all(not r.unavailable for r in found.resources.values())
    assert calls_by_action(found)["Microsoft.Storage/storageAccounts/managementPolicies/read"] == 3


def test_a_denied_lifecycle_policy_is_unavailable_not_absent(scan_env: ArmServer) -> None:
    scan_env.reset()
    scan_env.fault(f"{storage.GOOD}/managementPolicies", 403)
    col = AzureCollector(
        {"azure": True, "azure_subscriptions": [SUB1], "azure_endpoint": scan_env.url}
    )
    plan = CollectionPlan({"azure.storage.account": frozenset({"lifecycle_delete_after_days"})})
    found = {i.id: i for i in col.collect(plan) if isinstance(i, Resource)}
    good = found[storage.GOOD]
    assert set(good.unavailable) == {"lifecycle_delete_after_days"}
    assert "lifecycle_delete_after_days" not in good.data
    assert found[storage.WEAK].data["lifecycle_delete_after_days"] is None


def test_backup_policies_with_their_longest_retention(scan_env: ArmServer) -> None:
    plan = CollectionPlan(
        {"azure.recoveryservices.vault": frozenset({"longest_backup_retention_days"})}
    )
    found = collect(scan_env, plan)
    assert found.errors == []
    geo = found.resources[apps.RSV_GEO].data
    assert geo["backup_policies"] == [
        {"name": "DefaultPolicy", "management_type": "AzureIaasVM", "retention_days": 30},
        {"name": "archive", "management_type": "AzureIaasVM", "retention_days": 3660},
    ]
    assert geo["longest_backup_retention_days"] == 3660
    old = found.resources[apps.RSV_OLD].data
    assert (old["backup_policies"], old["longest_backup_retention_days"]) == ([], None)
    assert calls_by_action(found)["Microsoft.RecoveryServices/vaults/backupPolicies/read"] == 2


@pytest.mark.parametrize("sub", [SUB1, SUB2])
def test_subscriptions_without_workspaces_list_none(scan_env: ArmServer, sub: str) -> None:
    found = collect(scan_env, CollectionPlan({WORKSPACE: frozenset({"retention_in_days"})}), sub)
    assert found.errors == []
    assert len(found.of(WORKSPACE)) == (2 if sub == SUB1 else 0)


RETENTION = (
    "dsgvo.retention.azure-log-analytics",
    "dsgvo.retention.azure-storage-lifecycle",
    "dsgvo.retention.azure-backup-policy",
)


def test_the_retention_controls_on_the_live_estate(azure: Azure) -> None:
    policy = azure.tmp / "retention.yaml"
    select = "".join(f"  - ids: [{c}]\n" for c in RETENTION)
    policy.write_text(f"name: retention\nextends: baseline\nselect:\n{select}")
    run = azure.scan(policy=policy, subscriptions=f"{SUB1},{SUB2}")
    assert run.errors == []
    # The custom role grants exactly the calls the scan made, the new ones included.
    assert run.actions() == set(_role(str(policy))["Actions"])  # type: ignore[arg-type]
    assert {
        "Microsoft.OperationalInsights/workspaces/read",
        "Microsoft.Storage/storageAccounts/managementPolicies/read",
        "Microsoft.RecoveryServices/vaults/backupPolicies/read",
    } <= run.actions()
    assert run.statuses("dsgvo.retention.azure-log-analytics") == {
        retention.WS_SHORT: "pass",
        retention.WS_LONG: "pass",
    }
    assert run.statuses("dsgvo.retention.azure-storage-lifecycle") == {
        storage.GOOD: "pass",
        storage.WEAK: "fail",
        storage.BRAZIL: "fail",
    }
    assert run.statuses("dsgvo.retention.azure-backup-policy") == {
        apps.RSV_GEO: "fail",
        apps.RSV_OLD: "not_applicable",
    }
