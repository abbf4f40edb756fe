"""The Azure residency controls: every regional Azure type is judged by its region,
copies by their locations, subscriptions by their Allowed locations policy; each
control reads the right field and never passes a location it cannot place."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from govscan.catalog.policies import load_policy
from govscan.catalog.resource_types import builtin_resource_types
from govscan.engine.scan import Evaluator
from govscan.model import Resource, ResourceRef, Status
from tests.dsgvo.conftest import controls

CONTROLS = {cid: c for cid, c in controls().items() if cid.startswith("residency.azure.")}
AS_OF = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)

# Copies: control -> (pass, fail, error, not applicable) resource data.
COPIES: dict[str, tuple[dict[str, Any], ...]] = {
    "residency.azure.storage-account-secondary-region": (
        {"replication": {"geo_redundant": True}, "copy_locations": ["northeurope"]},
        {"replication": {"geo_redundant": True}, "copy_locations": ["southcentralus"]},
        {"replication": {"geo_redundant": True}, "copy_locations": ["europe"]},
        {"replication": {"geo_redundant": False}, "copy_locations": []},
    ),
    "residency.azure.sql-database-copies": (
        {"copy_locations": ["germanynorth", "westeurope"]},
        {"copy_locations": ["germanynorth", "eastus2"]},
        {"copy_locations": ["marsnorth"]},
        {"copy_locations": []},
    ),
    "residency.azure.postgresql-geo-backup": (
        {"geo_redundant_backup": True, "copy_locations": ["francesouth"]},
        {"geo_redundant_backup": True, "copy_locations": ["westus"]},
        {"geo_redundant_backup": True, "copy_locations": ["unknown"]},
        {"geo_redundant_backup": False, "copy_locations": []},
    ),
    "residency.azure.mysql-geo-backup": (
        {"geo_redundant_backup": True, "copy_locations": ["norwaywest"]},
        {"geo_redundant_backup": True, "copy_locations": ["koreasouth"]},
        {"geo_redundant_backup": True, "copy_locations": ["global"]},
        {"geo_redundant_backup": False, "copy_locations": []},
    ),
    "residency.azure.cosmosdb-locations": (
        {"copy_locations": ["swedencentral"]},
        {"copy_locations": ["swedencentral", "brazilsouth"]},
        {"copy_locations": ["unitedstates"]},
        {"copy_locations": []},
    ),
    "residency.azure.container-registry-replications": (
        {"copy_locations": ["italynorth"]},
        {"copy_locations": ["uaenorth"]},
        {"copy_locations": ["asia"]},
        {"copy_locations": []},
    ),
    "residency.azure.recovery-vault-secondary-region": (
        {"storage_redundancy": "GeoRedundant", "copy_locations": ["germanynorth"]},
        {"storage_redundancy": "GeoRedundant", "copy_locations": ["japanwest"]},
        {"storage_redundancy": "GeoRedundant", "copy_locations": ["nowhere"]},
        {"storage_redundancy": "ZoneRedundant", "copy_locations": []},
    ),
}
GUARDRAIL = "residency.azure.allowed-locations-policy"


def _judge(control_id: str, data: dict[str, Any], **params: Any) -> Status:
    control = CONTROLS[control_id]
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **params})
    out: list[Status] = []
    res = Resource(ResourceRef(control.resource, "/subscriptions/s/x", "x", "azure"), data)
    Evaluator([control], policy, AS_OF).evaluate(res, lambda r: out.append(r.status))
    assert len(out) == 1
    return out[0]


def test_every_regional_azure_type_has_a_location_control() -> None:
    regional = {
        name
        for name, spec in builtin_resource_types().items()
        if name.startswith("azure.") and spec.regional
    }
    located = {
        c.resource
        for c in CONTROLS.values()
        if c.check.get("path") == "region" and c.id != GUARDRAIL
    }
    assert located == regional
    for c in CONTROLS.values():
        assert c.frameworks["dsgvo"][0] == "Art. 44"
        # A.5.31 (legal and contractual requirements) only for the guardrails that
        # enforce Chapter V at the account, subscription or organisation level.
        assert c.frameworks["iso27001-2022"][0] == "A.5.23"
        assert set(c.frameworks["iso27001-2022"]) <= {"A.5.23", "A.5.31"}
        assert c.frameworks["bsi-c5-2020"] == ("PSS-12",)
        # Code and cloud alike, except the policy assignment only the cloud knows.
        assert c.origins == (("cloud",) if c.id == GUARDRAIL else ("cloud", "code")), c.id


def test_every_type_with_copy_locations_has_a_copy_control() -> None:
    copying = {
        name
        for name, spec in builtin_resource_types().items()
        if name.startswith("azure.") and "copy_locations" in spec.fields
    }
    judged = {CONTROLS[cid].resource for cid in COPIES}
    assert judged == copying
    assert {CONTROLS[cid].check["path"] for cid in COPIES} == {"copy_locations"}


@pytest.mark.parametrize(
    "control_id", sorted(c for c in CONTROLS if c not in COPIES and c != GUARDRAIL)
)
def test_region_controls(control_id: str) -> None:
    assert _judge(control_id, {"region": "germanywestcentral"}) is Status.PASS
    assert _judge(control_id, {"region": "eastus"}) is Status.FAIL
    assert _judge(control_id, {"region": "europe"}) is Status.ERROR  # a logical location
    assert _judge(control_id, {"region": "marsnorth"}) is Status.ERROR
    assert _judge(control_id, {"region": "westeurope"}, allowed_jurisdictions=["DE"]) is Status.FAIL
    assert (
        _judge(control_id, {"region": "westeurope"}, allowed_regions=["germanywestcentral"])
        is Status.FAIL
    )
    assert _judge(control_id, {"region": "uksouth"}, allowed_jurisdictions=["EU", "adequacy"]) is (
        Status.PASS
    )


@pytest.mark.parametrize("control_id", sorted(COPIES))
def test_copy_controls(control_id: str) -> None:
    passing, failing, unknown, none = COPIES[control_id]
    assert _judge(control_id, passing) is Status.PASS
    assert _judge(control_id, failing) is Status.FAIL
    assert _judge(control_id, unknown) is Status.ERROR
    assert _judge(control_id, none) is Status.NOT_APPLICABLE


def test_the_allowed_locations_guardrail() -> None:
    assert _judge(GUARDRAIL, {"allowed_locations": ["germanywestcentral"]}) is Status.PASS
    assert _judge(GUARDRAIL, {"allowed_locations": ["germanywestcentral", "eastus"]}) is (
        Status.FAIL
    )
    assert _judge(GUARDRAIL, {"allowed_locations": None}) is Status.FAIL  # no assignment
    assert _judge(GUARDRAIL, {"allowed_locations": ["europe"]}) is Status.ERROR
    # The list is judged against the policy's jurisdictions, not a fixed set.
    assert (
        _judge(GUARDRAIL, {"allowed_locations": ["westeurope"]}, allowed_jurisdictions=["DE"])
        is Status.FAIL
    )


def test_the_generic_control_carries_the_old_code_only_id() -> None:
    generic = CONTROLS["residency.azure.resource-location"]
    assert generic.resource == "azure.resource"
    assert generic.replaces == ("residency.iac.resource-location",)
