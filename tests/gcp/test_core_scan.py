"""The GCP collector core end to end: real Google clients against the local server."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA, BETA, DOOMED, FOLDER, LONELY, NUMBERS, ORG, SUBFOLDER


def test_project_scan_judges_project_and_service_accounts(gcp: Gcp) -> None:
    run = gcp.scan()
    assert run.errors == []
    assert run.exit_code == 1  # failures, nothing incomplete
    project = f"//cloudresourcemanager.googleapis.com/projects/{NUMBERS[ALPHA]}"
    # allUsers holds a role; audit logs for data access come from the organisation.
    assert run.statuses("t.gcp.project-public") == {project: "fail"}
    assert run.statuses("t.gcp.project-audit") == {project: "pass"}
    assert run.statuses("t.gcp.project-oslogin") == {project: "pass"}
    assert run.statuses("t.gcp.project-contacts") == {project: "pass"}  # LEGAL inherited
    assert run.statuses("t.gcp.project-sinks") == {project: "pass"}  # aggregated org sink
    assert run.statuses("t.gcp.project-oslogin-meta") == {project: "pass"}
    # The service that is the protection is not enabled: a failure on the project.
    assert run.statuses("t.gcp.project-scanner") == {project: "fail"}
    keys = run.statuses("t.gcp.sa-keys")
    assert len(keys) == 4  # two pages of service accounts
    assert sorted(keys.values()) == ["fail", "pass", "pass", "pass"]
    assert sorted(run.statuses("t.gcp.sa-admin").values()) == ["fail", "pass", "pass", "pass"]
    assert run.targets == [
        {
            "collector": "gcp",
            "identity": ALPHA,
            "details": {
                "number": NUMBERS[ALPHA],
                "name": "Alpha",
                "parent": f"folders/{FOLDER}",
                "ancestors": [f"folders/{FOLDER}", f"organizations/{ORG}"],
            },
        }
    ]
    listed = [c for c in run.calls if c["operation"] == "iam.serviceAccounts.list"]
    assert [(c["account"], c["count"]) for c in listed] == [(ALPHA, 2)]


def test_unread_fields_make_no_calls(gcp: Gcp) -> None:
    run = gcp.scan("t.gcp.sa-exists")
    assert run.statuses("t.gcp.sa-exists")
    assert "iam.serviceAccountKeys.list" not in run.operations()
    assert "orgpolicy.policy.get" not in run.operations()
    assert gcp.server.seen("/keys") == []


def test_folder_scan_walks_subfolders_and_skips_deleted_projects(gcp: Gcp) -> None:
    run = gcp.scan(args=("--gcp-folders", FOLDER))
    assert [t["identity"] for t in run.targets] == [ALPHA, BETA]
    assert DOOMED not in str(run.results)
    # beta has the IAM API off: not applicable there with the reason, and never called.
    beta = [r for r in run.results if r["resource"].get("account") == BETA]
    sa = {r["control_id"]: r for r in beta if r["resource"]["type"] == "gcp.iam.service_account"}
    assert {r["status"] for r in sa.values()} == {"not_applicable"}
    assert sa["t.gcp.sa-keys"]["message"] == "iam.googleapis.com is not enabled in project beta"
    assert gcp.server.seen(f"/v1/projects/{BETA}/serviceAccounts") == []
    assert gcp.server.seen(f"/v1/projects/{ALPHA}/serviceAccounts")
    assert run.errors == []


def test_organisation_scan_lists_projects_through_asset_inventory(gcp: Gcp) -> None:
    run = gcp.scan("t.gcp.project-public", args=("--gcp-organization", ORG))
    assert [t["identity"] for t in run.targets] == [ALPHA, BETA, LONELY]
    assert {t["details"]["number"] for t in run.targets} == {"111", "222", "444"}
    assert "cloudasset.assets.listResource" in run.operations()
    assert "resourcemanager.folders.list" not in run.operations()
    assert len(run.statuses("t.gcp.project-public")) == 3


def test_organisation_walk_when_asset_inventory_is_denied(gcp: Gcp) -> None:
    gcp.server.fault("/assets", 403)
    run = gcp.scan("t.gcp.project-public", args=("--gcp-organization", ORG))
    assert [t["identity"] for t in run.targets] == [ALPHA, BETA, LONELY]
    assert "resourcemanager.folders.list" in run.operations()
    assert run.errors == []


def test_folder_that_cannot_be_listed_is_an_error_of_that_folder(gcp: Gcp) -> None:
    gcp.server.fault(f"/v3/projects?parent=folders/{SUBFOLDER}", 403)
    run = gcp.scan("t.gcp.project-public", args=("--gcp-folders", FOLDER))
    assert run.exit_code == 3
    assert [t["identity"] for t in run.targets] == [ALPHA]
    (err,) = run.errors
    assert err["account"] == f"folders/{SUBFOLDER}"
    assert err["operation"] == "cloudresourcemanager.googleapis.com:resourcemanager.projects.list"
    assert "denied (HTTP 403)" in err["message"]
    statuses = run.by_account("t.gcp.project-public")
    assert statuses[f"folders/{SUBFOLDER}"] == ["error"]
    assert statuses[ALPHA] == ["fail"]


def test_denied_detail_is_an_error_for_its_fields_only(gcp: Gcp) -> None:
    gcp.server.fault("/keys", 403)
    run = gcp.scan("t.gcp.sa-keys", "t.gcp.sa-exists", "t.gcp.project-public")
    assert run.exit_code == 3
    assert set(run.statuses("t.gcp.sa-keys").values()) == {"error"}
    assert set(run.statuses("t.gcp.sa-exists").values()) == {"pass"}
    (err,) = run.errors
    assert err["account"] == ALPHA
    assert err["operation"] == "iam.googleapis.com:iam.serviceAccountKeys.list"
    assert "project alpha, iam.googleapis.com iam.serviceAccountKeys.list" in err["message"]


def test_api_answering_disabled_is_not_applicable(gcp: Gcp) -> None:
    gcp.server.fault("/serviceAccounts", 403, reason="SERVICE_DISABLED", times=1, method="GET")
    gcp.server.fault("/services", 500)  # enabled services unknown: the API is asked
    run = gcp.scan("t.gcp.sa-exists")
    (result,) = run.results
    assert result["status"] == "not_applicable"
    assert "not enabled" in result["message"]


def test_scan_connects_to_nothing_but_the_local_server(
    gcp: Gcp, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    real = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        if address[0] != "127.0.0.1":
            raise OSError(f"test: connection to {address} refused")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    run = gcp.scan(args=("--gcp-organization", ORG))
    assert seen, "the scan made connections"
    assert {a[0] for a in seen} == {"127.0.0.1"}
    assert run.exit_code == 1
    assert run.errors == []


def test_no_token_in_logs_or_bundle(gcp: Gcp) -> None:
    run = gcp.scan("t.gcp.sa-keys")
    bearers = {r.authorization.removeprefix("Bearer ") for r in gcp.server.seen()}
    bearers.discard("")
    assert bearers
    texts = [run.stderr, run.output]
    texts += [p.read_text(errors="replace") for p in Path(run.out).rglob("*") if p.is_file()]
    for token in bearers:
        assert all(token not in t for t in texts)
    # Key material listed by the API never reaches the bundle either.
    assert all("bm90LWEta2V5" not in t for t in texts)


def test_unreadable_folder_above_leaves_inherited_settings_unknown(gcp: Gcp) -> None:
    gcp.server.fault(f"/v3/folders/{FOLDER}", 403, method="GET")
    run = gcp.scan("t.gcp.project-audit", "t.gcp.project-public")
    assert run.exit_code == 3
    assert set(run.statuses("t.gcp.project-audit").values()) == {"error"}
    assert set(run.statuses("t.gcp.project-public").values()) == {"fail"}
    (err,) = run.errors
    assert err["account"] == ALPHA
    assert err["fields"] == ["data_access_audit_all_services", "audit_exempted_members"]


def test_a_broken_type_costs_only_its_own_results(
    gcp: Gcp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govscan.collectors.gcp import registry, spec

    def broken(clients: Any, project: Any) -> Any:
        raise RuntimeError("a bug")

    bad = spec.GcpType(
        "gcp.iam.service_account", "iam.googleapis.com", broken, lambda i, f: {}, ("x",)
    )
    monkeypatch.setattr(registry, "load", lambda: {bad.type: bad})
    run = gcp.scan("t.gcp.sa-exists", "t.gcp.project-public")
    assert run.exit_code == 3
    assert run.by_account("t.gcp.sa-exists") == {ALPHA: ["error"]}
    assert run.by_account("t.gcp.project-public") == {ALPHA: ["fail"]}
    (err,) = run.errors
    assert "gcp.iam.service_account failed: RuntimeError: a bug" in err["message"]


def test_gcp_alone_scans_the_project_the_credentials_name(gcp: Gcp) -> None:
    run = gcp.scan("t.gcp.project-public", args=())
    assert [t["identity"] for t in run.targets] == [ALPHA]  # the key file's project_id
    assert run.by_account("t.gcp.project-public") == {ALPHA: ["fail"]}
