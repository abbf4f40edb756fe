"""Entra ID through Microsoft Graph: the shipped Entra controls judge the test tenant.

Scans run through the CLI with the real azure-identity credential against the
session's HTTPS test server, which serves ARM and Graph (``/v1.0/...``) on one
host: without ``--azure-graph-endpoint`` Graph is asked at the
``--azure-endpoint`` host.
"""

from __future__ import annotations

from typing import Any

from tests.azure.conftest import TENANT, Azure, ScanRun
from tests.azure.estate import entra as estate
from tests.azure.test_core_credentials import wire

__all__ = ["wire"]  # the network guard, a fixture of the core tests

ENTRA = "azure.entra."
TENANT_CONTROLS = (
    "azure.entra.ca-mfa-for-admins",
    "azure.entra.global-admin-count",
    "azure.entra.guest-access-restricted",
    "azure.entra.guest-invitations-restricted",
    "azure.entra.mfa-enforced",
    "azure.entra.user-consent-restricted",
    "azure.entra.users-cannot-register-apps",
)
USER_CONTROLS = ("azure.entra.admin-mfa-registered", "azure.entra.user-mfa-registered")
TENANT_ID = f"/tenants/{TENANT}"


def user_ref(upn: str) -> str:
    return f"/tenants/{TENANT}/users/{estate.user_id(upn)}"


def tenant_verdicts(run: ScanRun) -> dict[str, str]:
    return {c: run.statuses(c).get(TENANT_ID, "missing") for c in TENANT_CONTROLS}


def test_every_tenant_control_passes_and_fails(azure: Azure) -> None:
    run = azure.scan(*TENANT_CONTROLS)
    assert run.errors == [], run.errors
    assert run.exit_code == 1, run.stderr
    assert tenant_verdicts(run) == {
        "azure.entra.ca-mfa-for-admins": "pass",
        "azure.entra.global-admin-count": "pass",  # anna, max, and eva through the group
        "azure.entra.guest-access-restricted": "pass",
        "azure.entra.guest-invitations-restricted": "fail",
        "azure.entra.mfa-enforced": "pass",
        "azure.entra.user-consent-restricted": "fail",
        "azure.entra.users-cannot-register-apps": "fail",
    }
    for path, body in estate.FLIPPED.items():
        azure.put(path, body)
    flipped = azure.scan(*TENANT_CONTROLS)
    assert flipped.errors == []
    assert tenant_verdicts(flipped) == {
        "azure.entra.ca-mfa-for-admins": "fail",
        "azure.entra.global-admin-count": "fail",
        "azure.entra.guest-access-restricted": "fail",
        "azure.entra.guest-invitations-restricted": "pass",
        "azure.entra.mfa-enforced": "fail",
        "azure.entra.user-consent-restricted": "pass",
        "azure.entra.users-cannot-register-apps": "pass",
    }
    messages = {r["control_id"]: r.get("message", "") for r in flipped.results}
    assert "1 Global Administrator" in messages["azure.entra.global-admin-count"]


def test_security_defaults_alone_enforce_mfa(azure: Azure) -> None:
    azure.put(estate.SECURITY_DEFAULTS, {"isEnabled": True})
    azure.put(estate.CONDITIONAL_ACCESS, {"value": []})
    run = azure.scan("azure.entra.mfa-enforced", "azure.entra.ca-mfa-for-admins")
    assert tenant_verdicts(run)["azure.entra.mfa-enforced"] == "pass"
    assert tenant_verdicts(run)["azure.entra.ca-mfa-for-admins"] == "fail"
    assert {r["resource"]["type"] for r in run.results} == {"azure.entra.tenant"}


def test_users_are_judged_across_pages(azure: Azure) -> None:
    run = azure.scan(*USER_CONTROLS)
    assert run.errors == []
    assert run.exit_code == 1
    users = run.statuses("azure.entra.user-mfa-registered")
    assert len(users) == len(estate.PEOPLE)  # 13 users: two pages of 10
    assert users[user_ref(f"admin.anna@{estate.DOMAIN}")] == "pass"
    assert users[user_ref(f"admin.max@{estate.DOMAIN}")] == "fail"
    assert users[user_ref(f"karl.meier@{estate.DOMAIN}")] == "fail"
    assert users[user_ref(f"left.user@{estate.DOMAIN}")] == "not_applicable"
    assert users[user_ref(estate.UPNS[5])] == "not_applicable"  # the guest
    admins = run.statuses("azure.entra.admin-mfa-registered")
    assert admins[user_ref(f"admin.anna@{estate.DOMAIN}")] == "pass"
    assert admins[user_ref(f"admin.max@{estate.DOMAIN}")] == "fail"
    assert admins[user_ref(f"eva.schmidt@{estate.DOMAIN}")] == "not_applicable"
    # Each list was read page by page, following @odata.nextLink.
    assert len(azure.server.requests(estate.USERS)) == 2
    assert len(azure.server.requests(estate.REGISTRATION)) == 2
    assert run.count("graph/users", TENANT) == 2
    assert run.count("graph/reports/authenticationMethods/userRegistrationDetails", TENANT) == 2


def test_only_the_calls_the_controls_need(azure: Azure) -> None:
    run = azure.scan("azure.entra.guest-access-restricted")
    graph = {a for a in run.actions() if a.startswith("graph")}
    assert graph == {"graph/policies/authorizationPolicy"}
    assert azure.server.requests("/v1.0/users") == []
    users = azure.scan("azure.entra.user-mfa-registered")
    assert {a for a in users.actions() if a.startswith("graph")} == {
        "graph/users",
        "graph/reports/authenticationMethods/userRegistrationDetails",
    }


def test_user_principal_names_never_reach_the_bundle(azure: Azure) -> None:
    run = azure.scan(*USER_CONTROLS, *TENANT_CONTROLS)
    assert len(run.statuses("azure.entra.user-mfa-registered")) == len(estate.PEOPLE)
    text = run.bundle_text()
    assert "resources" in " ".join(p.name for p in run.out.iterdir())
    for upn in estate.UPNS:
        assert upn not in text, upn
        assert upn.split("@")[0] not in text, upn
    # Pseudonyms stand in their place, the same one for a user everywhere.
    max_id = user_ref(f"admin.max@{estate.DOMAIN}")
    (failed,) = [
        r
        for r in run.results
        if r["control_id"] == "azure.entra.admin-mfa-registered" and r["status"] == "fail"
    ]
    assert failed["resource"]["id"] == max_id
    assert failed["resource"]["name"].startswith("anon-")
    assert failed["resource"]["name"] in failed["message"]


def test_graph_is_asked_on_the_test_host_only(azure: Azure, wire: list[Any]) -> None:
    run = azure.scan("azure.entra.mfa-enforced", "azure.entra.user-mfa-registered")
    assert run.errors == [], run.stderr
    assert wire, "the scan went over the (guarded) network"
    assert {a[0] if isinstance(a, tuple) else a for a in wire} <= {"127.0.0.1"}
    assert azure.server.requests(estate.SECURITY_DEFAULTS)
    assert azure.server.requests(estate.USERS)
