"""Every Azure resource type collected through the real SDK clients from the test server:
paging, two subscriptions, the detail calls a plan asks for and no others, the
documented shape, and never a secret value."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from govscan.catalog.resource_types import builtin_resource_types
from govscan.collectors.azure import AzureCollector
from govscan.collectors.azure import clients as azure_clients
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.retry import Throttle
from govscan.model import ApiCall, CollectionError, Resource
from tests.azure.armserver import ArmServer
from tests.azure.conftest import TEST_POLICY, Azure, VirtualClock, documented_env
from tests.azure.estate import apps, compute, databases, keyvault, storage
from tests.azure.estate.common import SUB1, SUB2

MINE = (
    "azure.storage.account",
    "azure.compute.disk",
    "azure.compute.virtual_machine",
    "azure.network.security_group",
    "azure.network.virtual_network",
    "azure.keyvault.vault",
    "azure.sql.server",
    "azure.sql.database",
    "azure.postgresql.flexible_server",
    "azure.mysql.flexible_server",
    "azure.cosmosdb.account",
    "azure.web.app",
    "azure.containerservice.cluster",
    "azure.containerregistry.registry",
    "azure.recoveryservices.vault",
    "azure.operationalinsights.workspace",
)
SHAPES = builtin_resource_types()


@dataclass
class Collected:
    resources: dict[str, Resource]
    errors: list[CollectionError]
    calls: list[ApiCall]
    requests: list[tuple[str, str]]

    def of(self, rtype: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == rtype]


@pytest.fixture(scope="module")
def scan_env(
    arm_server: ArmServer,
    azure_ca: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ArmServer]:
    """The documented configuration (as the ``azure_env`` fixture), for a whole module."""
    home = tmp_path_factory.mktemp("azure-home")
    with pytest.MonkeyPatch.context() as mp:
        documented_env(mp, arm_server, azure_ca[0], home)
        clock = VirtualClock()
        mp.setattr(
            azure_clients, "new_throttle", lambda: Throttle(TEST_POLICY, clock, jitter=lambda: 1.0)
        )
        yield arm_server


def collect(server: ArmServer, plan: CollectionPlan, *subs: str) -> Collected:
    server.reset()
    col = AzureCollector(
        {
            "azure": True,
            "azure_subscriptions": list(subs or (SUB1, SUB2)),
            "azure_endpoint": server.url,
        }
    )
    items = list(col.collect(plan))
    return Collected(
        {i.id: i for i in items if isinstance(i, Resource)},
        [i for i in items if isinstance(i, CollectionError)],
        col.api_calls(),
        server.requests(),
    )


@pytest.fixture(scope="module")
def everything(scan_env: ArmServer) -> Collected:
    """One scan of both subscriptions reading every documented field of every type."""
    plan = CollectionPlan({t: frozenset(SHAPES[t].fields) for t in MINE})
    return collect(scan_env, plan)


GOLDEN = Path(__file__).parent / "expected_types.json"
"""What every type normalises the estate to: resource id -> data (the disks: the first two)."""


def test_every_type_from_both_subscriptions(everything: Collected) -> None:
    assert everything.errors == []
    assert {r.type for r in everything.resources.values()} == set(MINE)
    subs = {(r.type, r.ref.account) for r in everything.resources.values()}
    assert ("azure.storage.account", SUB1) in subs and ("azure.storage.account", SUB2) in subs
    assert ("azure.mysql.flexible_server", SUB2) in subs
    assert all(r.ref.provider == "azure" for r in everything.resources.values())
    # Regions in their short form, also where the API answers with display names.
    cosmos = everything.resources[databases.COSMOS_EU]
    assert (cosmos.ref.region, cosmos.data["region"]) == ("westeurope", "westeurope")


def test_each_type_normalises_to_the_expected_shape(everything: Collected) -> None:
    want = json.loads(GOLDEN.read_text())
    got = {
        rid: json.loads(json.dumps(r.data))
        for rid, r in everything.resources.items()
        if r.type != "azure.compute.disk" or rid.endswith(("disk-00", "disk-01"))
    }
    assert sorted(got) == sorted(want)
    for rid in want:
        assert got[rid] == want[rid], rid
    assert all(not r.unavailable for r in everything.resources.values())


def test_output_has_exactly_the_documented_fields_and_types(everything: Collected) -> None:
    from tests.contract.test_shapes import violations

    resources = list(everything.resources.values())
    assert violations(resources) == []
    produced = {(r.type, name) for r in resources for name in r.data}
    documented = {(t, f) for t in MINE for f in SHAPES[t].fields}
    common = {
        (t, f)
        for t in MINE
        for f in ("region", "subscription_id", "resource_group", "name", "tags")
    }
    assert documented - produced == set()
    assert produced - documented - common == set()


def test_lists_are_paged_by_next_link(everything: Collected) -> None:
    disks = everything.of("azure.compute.disk")
    assert len(disks) == compute.DISK_COUNT
    pages = [p for m, p in everything.requests if p.lower().endswith("/microsoft.compute/disks")]
    # 23 disks, 10 a page, both subscriptions listed (the second has none).
    assert len(pages) == 4


def test_no_secret_value_reaches_a_resource(everything: Collected) -> None:
    dumped = json.dumps([r.data for r in everything.resources.values()])
    assert keyvault.SECRET_VALUE not in dumped
    assert "api-token" in dumped  # the secret itself is listed, by name


def test_public_ips_and_flow_logs_are_looked_up_once_per_subscription(
    everything: Collected,
) -> None:
    web = everything.resources[compute.WEB_VM]
    assert web.data["public_ips"] == ["20.1.2.3"]
    logged = {(c.account, c.operation): c.count for c in everything.calls}
    # SUB1: two VMs, one VNet, one network watcher; SUB2: no VM, one VNet, no watcher.
    want = {
        "Microsoft.Compute/virtualMachines/read": (1, 1),
        "Microsoft.Network/networkInterfaces/read": (1, None),
        "Microsoft.Network/publicIPAddresses/read": (1, None),
        "Microsoft.Network/virtualNetworks/read": (1, 1),
        "Microsoft.Network/networkWatchers/read": (1, 1),
        "Microsoft.Network/networkWatchers/flowLogs/read": (1, None),
    }
    for action, counts in want.items():
        assert (logged.get((SUB1, action)), logged.get((SUB2, action))) == counts, action
    for suffix in ("/networkinterfaces", "/publicipaddresses"):
        hits = [p for m, p in everything.requests if p.lower().endswith(suffix)]
        assert len(hits) == 1, suffix  # once for the subscription, not once per VM
    # 23 disks over three pages, each page one logged call.
    assert logged[(SUB1, "Microsoft.Compute/disks/read")] == 3


def calls_by_action(found: Collected) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in found.calls:
        out[c.operation] = out.get(c.operation, 0) + c.count
    return out


def test_only_the_detail_calls_the_controls_need(scan_env: ArmServer) -> None:
    plan = CollectionPlan(
        {
            "azure.storage.account": frozenset({"https_only", "copy_locations"}),
            "azure.keyvault.vault": frozenset({"purge_protection", "keys"}),
            "azure.postgresql.flexible_server": frozenset({"require_secure_transport"}),
            "azure.compute.virtual_machine": frozenset({"boot_diagnostics"}),
            "azure.network.virtual_network": frozenset({"subnets"}),
            "azure.sql.database": frozenset({"tde_enabled"}),
        }
    )
    found = collect(scan_env, plan, SUB1)
    assert found.errors == []
    # Beyond the subscription's own check, exactly these calls:
    calls = {
        a: n
        for a, n in calls_by_action(found).items()
        if not a.startswith("Microsoft.Resources/subscriptions")
    }
    assert calls == {
        "Microsoft.Storage/storageAccounts/read": 1,
        "Microsoft.KeyVault/vaults/read": 1,
        "Microsoft.KeyVault/vaults/keys/read": 2,  # one per vault
        "Microsoft.DBforPostgreSQL/flexibleServers/read": 1,
        "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read": 2,
        "Microsoft.Compute/virtualMachines/read": 1,
        "Microsoft.Network/virtualNetworks/read": 1,
        "Microsoft.Sql/servers/read": 1,
        "Microsoft.Sql/servers/databases/read": 2,  # one list per server
        "Microsoft.Sql/servers/databases/transparentDataEncryption/read": 2,  # master skipped
    }, calls
    paths = [p.lower() for _, p in found.requests]
    assert not [
        p for p in paths if p.endswith(("/blobservices/default", "/secrets", "/firewallrules"))
    ]
    assert not [p for p in paths if "/configurations/" in p and "require_secure_transport" not in p]
    vault = found.resources[keyvault.WEAK]
    assert "keys" in vault.data and "secrets" not in vault.data
    vm = found.resources[compute.WEB_VM]
    assert "public_ips" not in vm.data
    # SQL databases: the TDE call for master is never made.
    tde = [p for p in paths if p.endswith("/transparentdataencryption/current")]
    assert len(tde) == 2 and not [p for p in tde if "/databases/master/" in p]


def test_a_detail_the_plan_reads_is_one_call_per_resource(scan_env: ArmServer) -> None:
    found = collect(scan_env, CollectionPlan({"azure.storage.account": frozenset({"versioning"})}))
    paths = [p.lower() for _, p in found.requests if p.lower().endswith("/blobservices/default")]
    assert len(paths) == 3 and len(set(paths)) == 3
    assert found.resources[storage.GOOD].data["versioning"] is True


def test_a_denied_shared_lookup_makes_only_its_fields_unavailable(scan_env: ArmServer) -> None:
    scan_env.reset()
    scan_env.fault(f"/subscriptions/{SUB1}/providers/Microsoft.Network/networkInterfaces", 403)
    col = AzureCollector(
        {"azure": True, "azure_subscriptions": [SUB1], "azure_endpoint": scan_env.url}
    )
    plan = CollectionPlan(
        {
            "azure.compute.virtual_machine": frozenset({"has_public_ip"}),
            "azure.compute.disk": frozenset({"encryption_type"}),
        }
    )
    items = list(col.collect(plan))
    errors = [i for i in items if isinstance(i, CollectionError)]
    assert [(e.resource_types, e.operation) for e in errors] == [
        (("azure.compute.virtual_machine",), "Microsoft.Network/networkInterfaces/read")
    ]
    vms = [
        i for i in items if isinstance(i, Resource) and i.type == "azure.compute.virtual_machine"
    ]
    assert len(vms) == 2
    for vm in vms:
        assert set(vm.unavailable) == {"public_ips", "has_public_ip"}
        assert "has_public_ip" not in vm.data and "boot_diagnostics" in vm.data
    # Asked once for the subscription, not once per VM.
    assert (
        len(
            scan_env.requests(
                f"/subscriptions/{SUB1}/providers/Microsoft.Network/networkInterfaces"
            )
        )
        == 1
    )
    assert any(isinstance(i, Resource) and i.type == "azure.compute.disk" for i in items)


def test_a_failed_detail_makes_only_its_fields_unavailable(scan_env: ArmServer) -> None:
    scan_env.reset()
    scan_env.fault(f"{keyvault.WEAK}/secrets", 403)
    col = AzureCollector(
        {"azure": True, "azure_subscriptions": [SUB1], "azure_endpoint": scan_env.url}
    )
    plan = CollectionPlan({"azure.keyvault.vault": frozenset({"secrets", "keys"})})
    items = list(col.collect(plan))
    weak = next(i for i in items if isinstance(i, Resource) and i.id == keyvault.WEAK)
    assert set(weak.unavailable) == {"secrets"}
    assert "secrets" not in weak.data and weak.data["keys"]
    good = next(i for i in items if isinstance(i, Resource) and i.id == keyvault.GOOD)
    assert not good.unavailable and good.data["secrets"]


def test_details_only_where_the_listing_does_not_say_enough(scan_env: ArmServer) -> None:
    plan = CollectionPlan(
        {
            "azure.containerregistry.registry": frozenset({"copy_locations"}),
            "azure.recoveryservices.vault": frozenset({"storage_redundancy"}),
        }
    )
    found = collect(scan_env, plan)
    paths = [p.lower() for _, p in found.requests]
    # Only the Premium registry can replicate; only the vault listed without
    # redundancy settings needs its storage configuration.
    assert [p for p in paths if p.endswith("/replications")] == [
        f"{apps.ACR_PREMIUM}/replications".lower()
    ]
    assert [p for p in paths if "/backupstorageconfig/" in p] == [
        f"{apps.RSV_OLD}/backupstorageconfig/vaultstorageconfig".lower()
    ]
    calls = calls_by_action(found)
    assert calls["Microsoft.ContainerRegistry/registries/replications/read"] == 1
    assert calls["Microsoft.RecoveryServices/vaults/backupstorageconfig/read"] == 1
    assert found.resources[apps.ACR_BASIC].data["copy_locations"] == []
    assert found.resources[apps.RSV_OLD].data["storage_redundancy"] == "LocallyRedundant"
    assert found.resources[apps.RSV_GEO].data["copy_locations"] == ["northeurope"]


def test_a_seeded_secret_value_is_in_no_bundle_file(azure: Azure) -> None:
    run = azure.scan("azure.keyvault.secret-expiry", "azure.keyvault.purge-protection")
    assert run.statuses("azure.keyvault.secret-expiry") == {
        keyvault.GOOD: "pass",
        keyvault.WEAK: "fail",
    }
    files = [f for f in run.out.rglob("*") if f.is_file()]
    assert any(f.name == "results.json" for f in files)
    texts = {
        f.name: gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()
        for f in files
    }
    assert [n for n, t in texts.items() if keyvault.SECRET_VALUE.encode() in t] == []
    # The bundle does carry the vault's secrets: by name.
    assert [n for n, t in texts.items() if b"api-token" in t] == ["resources.jsonl.gz"]
