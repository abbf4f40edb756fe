"""The custom role ``govscan permissions`` prints against the calls a real scan made."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.gcp.permissions import BASE, required_permissions
from govscan.collectors.interface import CollectionPlan
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import FOLDER, LONELY


def _role(gcp: Gcp, *controls: str) -> dict[str, Any]:
    policy = gcp.tmp / "role-policy.yaml"
    policy.write_text(f"name: role\nextends: baseline\nselect:\n  - ids: [{', '.join(controls)}]\n")
    result = CliRunner().invoke(
        cli,
        [
            "permissions",
            "--collector",
            "gcp",
            "--policy",
            str(policy),
            "--controls",
            str(gcp.files / "controls"),
        ],
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_role_holds_exactly_what_the_scans_called(gcp: Gcp) -> None:
    from tests.gcp.conftest import CONTROLS

    role = _role(gcp, *CONTROLS)
    assert role["title"] == "govscan reader"
    assert role["stage"] == "GA"
    perms = set(role["includedPermissions"])
    run = gcp.scan(args=("--gcp-folders", FOLDER, "--gcp-projects", LONELY))
    assert run.errors == []
    called = run.operations()
    assert called <= perms
    # The rest: the organisation fast path, which a folder scan does not take.
    assert perms - called == {"cloudasset.assets.listResource"}


def test_role_shrinks_with_the_fields_read(gcp: Gcp) -> None:
    role = _role(gcp, "t.gcp.sa-exists")
    perms = set(role["includedPermissions"])
    assert perms == {*BASE, "iam.serviceAccounts.list"}


def test_project_fields_map_to_their_sources() -> None:
    plan = CollectionPlan({"gcp.project": frozenset({"constraint_require_os_login"})})
    assert set(required_permissions(plan)) == {*BASE, "orgpolicy.policy.get"}
    plan = CollectionPlan({"gcp.project": frozenset({"data_access_audit_all_services"})})
    assert {
        "resourcemanager.projects.getIamPolicy",
        "resourcemanager.folders.getIamPolicy",
        "resourcemanager.organizations.getIamPolicy",
    } <= set(required_permissions(plan))
