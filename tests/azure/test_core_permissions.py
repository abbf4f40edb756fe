"""`govscan permissions --collector azure`: the custom role a scan needs, exactly."""

from __future__ import annotations

import json

from click.testing import CliRunner

from govscan.cli import cli
from tests.azure.conftest import CONTROLS, SUB1, SUB2, Azure

CONTROLS_ALL = tuple(sorted(p.stem for p in CONTROLS.glob("*.yaml")))


def _role(policy: str) -> dict[str, object]:
    result = CliRunner().invoke(
        cli,
        ["permissions", "--collector", "azure", "--controls", str(CONTROLS), "--policy", policy],
    )
    assert result.exit_code == 0, result.output
    role: dict[str, object] = json.loads(result.stdout)
    return role


def test_the_role_grants_exactly_what_a_scan_calls(azure: Azure) -> None:
    policy = azure.policy_file(*CONTROLS_ALL)
    role = _role(str(policy))
    assert role["Name"] == "govscan reader"
    assert role["IsCustom"] is True
    assert role["NotActions"] == []
    assert role["AssignableScopes"] == ["/subscriptions/<subscription-id>"]
    run = azure.scan(policy=policy, subscriptions=f"{SUB1},{SUB2}")
    assert run.errors == []
    assert run.actions() == set(role["Actions"])  # type: ignore[arg-type]
    assert all(a.startswith("Microsoft.") and a.lower().endswith("/read") for a in run.actions())


def test_a_narrow_policy_gets_a_narrow_role(azure: Azure) -> None:
    policy = azure.policy_file("aztest.subscription.owners", "aztest.resource-group.provisioned")
    role = _role(str(policy))
    assert role["Actions"] == [
        "Microsoft.Authorization/roleAssignments/read",
        "Microsoft.Resources/subscriptions/read",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
    ]
    run = azure.scan(policy=policy)
    assert run.actions() == set(role["Actions"])  # type: ignore[arg-type]
