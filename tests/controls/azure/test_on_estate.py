"""The Azure controls judged on what the live collector makes of the test estate
(tests/azure/expected_types.json, which tests/azure/test_types_live.py holds equal to
the collector's output through the real SDK): every control reaches a verdict, never
an error from a field the collector does not fill, and the estate's hardened and open
resources land on the expected sides."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy
from govscan.engine.scan import Evaluator
from govscan.model import Resource, ResourceRef, Result, Status

GOLDEN = Path(__file__).parents[2] / "azure" / "expected_types.json"
CONTROLS = {
    c.id: c for c in load_control_dirs([])[0].controls.values() if c.id.startswith("azure.")
}
POLICY = load_policy("baseline")
AS_OF = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)

ARM_TYPES = {
    "microsoft.storage/storageaccounts": "azure.storage.account",
    "microsoft.compute/disks": "azure.compute.disk",
    "microsoft.compute/virtualmachines": "azure.compute.virtual_machine",
    "microsoft.network/networksecuritygroups": "azure.network.security_group",
    "microsoft.network/virtualnetworks": "azure.network.virtual_network",
    "microsoft.keyvault/vaults": "azure.keyvault.vault",
    "microsoft.sql/servers": "azure.sql.server",
    "microsoft.sql/servers/databases": "azure.sql.database",
    "microsoft.dbforpostgresql/flexibleservers": "azure.postgresql.flexible_server",
    "microsoft.dbformysql/flexibleservers": "azure.mysql.flexible_server",
    "microsoft.documentdb/databaseaccounts": "azure.cosmosdb.account",
    "microsoft.web/sites": "azure.web.app",
    "microsoft.containerservice/managedclusters": "azure.containerservice.cluster",
    "microsoft.containerregistry/registries": "azure.containerregistry.registry",
    "microsoft.recoveryservices/vaults": "azure.recoveryservices.vault",
    "microsoft.operationalinsights/workspaces": "azure.operationalinsights.workspace",
}
"""ARM resource type (provider/type[/child type]) -> govscan type."""

# (control, resource name) -> verdict, for the estate's deliberately hardened and
# deliberately open resources.
VERDICTS = {
    ("azure.network.nsg-no-rdp-from-internet", "nsg-closed"): Status.PASS,
    ("azure.network.nsg-no-rdp-from-internet", "nsg-open"): Status.FAIL,
    ("azure.network.subnet-has-nsg", "vnet-2"): Status.FAIL,
    ("azure.sql.server-no-allow-all-firewall-rule", "sql-safe"): Status.PASS,
    ("azure.sql.server-no-allow-all-firewall-rule", "sql-open"): Status.FAIL,
    ("azure.sql.server-minimum-tls", "sql-safe"): Status.PASS,
    ("azure.sql.server-minimum-tls", "sql-open"): Status.FAIL,
    ("azure.keyvault.purge-protection", "kvgood"): Status.PASS,
    ("azure.keyvault.purge-protection", "kvweak"): Status.FAIL,
    ("azure.storage.secure-transfer", "stgood"): Status.PASS,
    ("azure.storage.secure-transfer", "stweak"): Status.FAIL,
    ("azure.storage.no-public-blob-access", "stgood"): Status.PASS,
    ("azure.storage.no-public-blob-access", "stweak"): Status.FAIL,
    ("azure.web.https-only", "app-safe"): Status.PASS,
    ("azure.web.https-only", "app-open"): Status.FAIL,
    ("azure.postgresql.require-secure-transport", "pg-safe"): Status.PASS,
    ("azure.postgresql.require-secure-transport", "pg-open"): Status.FAIL,
    ("azure.mysql.no-public-network-access", "mysql-safe"): Status.PASS,
    ("azure.mysql.no-public-network-access", "mysql-open"): Status.FAIL,
    ("azure.containerservice.api-server-restricted", "aks-private"): Status.PASS,
    ("azure.containerservice.api-server-restricted", "aks-open"): Status.FAIL,
    ("azure.cosmosdb.network-restricted", "cosmos-eu"): Status.PASS,
    ("azure.cosmosdb.network-restricted", "cosmos-open"): Status.FAIL,
}


def arm_type(rid: str) -> str:
    parts = rid.strip("/").split("/")
    at = [p.lower() for p in parts].index("providers")
    rest = parts[at + 1 :]
    # provider, then (type, name) pairs: keep the types.
    return "/".join([rest[0], *rest[1::2]]).lower()


def estate() -> list[Resource]:
    out = []
    for rid, data in json.loads(GOLDEN.read_text()).items():
        rtype = ARM_TYPES[arm_type(rid)]
        ref = ResourceRef(rtype, rid, data.get("name") or rid, "azure", "", data.get("region", ""))
        out.append(Resource(ref, data))
    return out


def judge(control_ids: list[str]) -> list[Result]:
    results: list[Result] = []
    ev = Evaluator([CONTROLS[c] for c in control_ids], POLICY, AS_OF)
    for res in estate():
        ev.evaluate(res, results.append)
    return results


ON_ESTATE = sorted(c.id for c in CONTROLS.values() if c.resource in ARM_TYPES.values())


def test_the_estate_holds_every_collected_type() -> None:
    assert {r.type for r in estate()} == set(ARM_TYPES.values())
    assert len(ON_ESTATE) >= 60


@pytest.mark.parametrize("cid", ON_ESTATE)
def test_each_control_reaches_a_verdict_on_the_collected_estate(cid: str) -> None:
    results = judge([cid])
    assert results, cid
    errors = [(r.resource.name, r.message) for r in results if r.status is Status.ERROR]
    assert errors == [], cid


def test_the_hardened_and_the_open_resources_land_on_their_sides() -> None:
    got: dict[tuple[str, str], Any] = {}
    for r in judge(sorted({cid for cid, _ in VERDICTS})):
        got[(r.control_id, r.resource.name)] = r.status
    assert {k: got.get(k) for k in VERDICTS} == VERDICTS
