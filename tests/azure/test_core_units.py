"""The pure parts of the core: normalisers of subscription settings, server hints,
model conversion, failure classes, and the shape contract of the core's types."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from govscan.catalog.resource_types import builtin_resource_types, shape_problems
from govscan.collectors.azure import resources
from govscan.collectors.azure import subscription as sub
from govscan.collectors.azure.arm import classify
from govscan.collectors.azure.clients import to_arm
from govscan.collectors.azure.collect import Subscription
from govscan.collectors.azure.spec import TYPES, Fetched
from govscan.collectors.azure.types import load
from govscan.collectors.retry import GaveUp, RetriesExhausted
from tests.azure.estate import core


def _listing(path: str) -> dict[str, Any]:
    found: dict[str, Any] = core.ENTRIES[path]
    return found


def _p(rest: str) -> str:
    return f"/subscriptions/{core.SUB1}{rest}"


def test_security_contact_keeps_no_address_in_either_api_form() -> None:
    old = sub.security_contact(_listing(_p("/providers/Microsoft.Security/securityContacts")))
    assert old == {
        "email_set": True,
        "phone_set": False,
        "alert_notifications": True,
        "alert_minimal_severity": "Medium",
        "notify_roles": ["Owner"],
    }
    new = sub.security_contact(
        {
            "value": [
                {
                    "name": "default",
                    "properties": {
                        "emails": "a@example.test",
                        "isEnabled": True,
                        "notificationsByRole": {"state": "Off", "roles": ["Owner"]},
                        "notificationsSources": [
                            {"sourceType": "Alert", "minimalSeverity": "High"}
                        ],
                    },
                }
            ]
        }
    )
    assert new == {
        "email_set": True,
        "phone_set": False,
        "alert_notifications": True,
        "alert_minimal_severity": "High",
        "notify_roles": [],
    }
    assert sub.security_contact({"value": []}) is None


def test_allowed_locations_intersect_the_enforced_assignments_only() -> None:
    assignments = sub.policy_assignments(
        _listing(_p("/providers/Microsoft.Authorization/policyAssignments"))
    )
    by_name = {a["name"]: a for a in assignments}
    assert by_name["allowed-eu"]["allowed_locations"] == ["northeurope", "westeurope"]
    assert by_name["audit-only"] == {
        "name": "audit-only",
        "display_name": "audit-only",
        "scope": f"/subscriptions/{core.SUB1}",
        "policy_definition_id": "/providers/Microsoft.Authorization/policyDefinitions/"
        "some-audit-policy",
        "enforced": False,
        "allowed_locations": None,
    }
    assert sub.allowed_locations(assignments) == ["westeurope"]
    not_enforced = [{**a, "enforced": False} for a in assignments]
    assert sub.allowed_locations(not_enforced) is None


def test_activity_log_categories_count_enabled_ones_and_all_logs() -> None:
    settings = sub.diagnostic_settings(
        {
            "value": [
                {
                    "name": "all",
                    "properties": {
                        "eventHubName": "hub",
                        "logs": [{"categoryGroup": "allLogs", "enabled": True}],
                    },
                },
                {"name": "off", "properties": {"logs": [{"category": "Policy"}]}},
            ]
        }
    )
    assert settings[0]["categories"] == sorted(sub.ACTIVITY_CATEGORIES)
    assert settings[0]["event_hub"] == "hub"
    assert settings[1]["categories"] == []


def test_roles_owner_count_and_wildcards() -> None:
    owners = _listing(_p("/providers/Microsoft.Authorization/roleAssignments"))
    assert sub.owner_count(owners) == 4
    roles = _listing(_p("/providers/Microsoft.Authorization/roleDefinitions"))
    assert sub.wildcard_roles(roles) == ["everything-operator"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "9999"}, 9999.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"x-ms-retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-3"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "9" * 70}, None),
        ({}, None),
    ],
)
def test_server_hints_are_read_and_the_policy_caps_them(
    headers: dict[str, str], expected: float | None
) -> None:
    from azure.core.utils import CaseInsensitiveDict

    from govscan.collectors.azure.retries import retry_after

    assert retry_after(CaseInsensitiveDict(headers)) == expected


def test_models_become_wire_json_in_both_sdk_generations() -> None:
    from azure.mgmt.resource.resources import models as resources
    from azure.mgmt.storage import models as storage

    account = storage.StorageAccount(
        location="westeurope", sku=storage.Sku(name="Standard_GRS"), enable_https_traffic_only=True
    )
    assert to_arm(account) == {
        "location": "westeurope",
        "sku": {"name": "Standard_GRS"},
        "properties": {"supportsHttpsTrafficOnly": True},
    }
    rg = resources.ResourceGroup(location="westeurope", managed_by="x")
    assert to_arm(rg)["managedBy"] == "x"
    assert to_arm({"a": 1}) == {"a": 1}
    assert to_arm(None) is None


def test_failures_are_classified() -> None:
    from azure.core.exceptions import (
        ClientAuthenticationError,
        ResourceNotFoundError,
        ServiceResponseError,
    )

    gave_up = RetriesExhausted(GaveUp("throttled", 3, 3.0, "HTTP 429"), "op", "", "")
    assert classify(gave_up)[0] == "throttled"
    assert classify(ResourceNotFoundError("gone"))[0] == "gone"
    assert classify(ClientAuthenticationError("no"))[0] == "credentials"
    assert classify(ServiceResponseError("read timed out"))[0] == "unreachable"
    assert classify(ValueError("x")) == ("error", "ValueError", "x")


def test_the_core_types_emit_their_documented_shape() -> None:
    types = builtin_resource_types()
    load()
    subscription = Fetched(
        {
            "pricings": _listing(_p("/providers/Microsoft.Security/pricings")),
            "contacts": _listing(_p("/providers/Microsoft.Security/securityContacts")),
            "diagnostics": _listing(_p("/providers/Microsoft.Insights/diagnosticSettings")),
            "policy": _listing(_p("/providers/Microsoft.Authorization/policyAssignments")),
            "owners": _listing(_p("/providers/Microsoft.Authorization/roleAssignments")),
            "classic": _listing(_p("/providers/Microsoft.Authorization/classicAdministrators")),
            "roles": _listing(_p("/providers/Microsoft.Authorization/roleDefinitions")),
        }
    )
    runner = Subscription(core.SUB1, core.TENANT, None, None, {})  # type: ignore[arg-type]
    made = [
        runner.resource(
            TYPES[sub.SUBSCRIPTION],
            core.ENTRIES[f"/subscriptions/{core.SUB1}"],
            sub.subscription(core.ENTRIES[f"/subscriptions/{core.SUB1}"], subscription),
            {},
        ),
        runner.resource(
            TYPES[sub.RESOURCE_GROUP],
            _listing(_p("/resourcegroups"))["value"][0],
            sub.resource_group(
                _listing(_p("/resourcegroups"))["value"][0],
                Fetched(
                    {
                        "locks": _listing(
                            _p("/resourceGroups/rg-app/providers/Microsoft.Authorization/locks")
                        )
                    }
                ),
            ),
            {},
        ),
    ]
    other = _listing(_p("/resources"))["value"][0]
    made.append(
        runner.resource(
            TYPES[resources.RESOURCE], other, resources.resource(other, Fetched({})), {}
        )
    )
    for resource in made:
        spec = types[resource.type]
        data = json.loads(json.dumps(dict(resource.data)))
        assert list(shape_problems(spec, data, {})) == [], resource.type
        # Every documented field is filled when every detail call was made.
        assert set(spec.fields) <= set(data), set(spec.fields) - set(data)
    assert made[0].data["region"] == "global"
    assert made[1].ref.region == "westeurope"
    assert made[1].data["resource_group"] == "rg-app"


def test_scan_help_and_version_import_no_azure_sdk() -> None:
    code = (
        "import sys; from govscan.cli import main\n"
        "for args in (['--version'], ['scan', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('azure', 'msal')]\n"
        "print('MODULES:' + ','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Azure options:" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "MODULES:", proc.stdout
