"""Entra ID faults: a refused Graph call costs exactly the controls reading its fields."""

from __future__ import annotations

from tests.azure.conftest import TENANT, Azure
from tests.azure.estate import entra as estate
from tests.azure.test_entra_scan import TENANT_CONTROLS, USER_CONTROLS, tenant_verdicts

DENIED = "Authorization_RequestDenied"
ALL = (*TENANT_CONTROLS, *USER_CONTROLS)


def test_denied_registration_details_are_errors_for_the_mfa_controls_only(azure: Azure) -> None:
    azure.server.fault(estate.REGISTRATION, 403, code=DENIED)
    run = azure.scan(*ALL)
    assert run.exit_code == 3, run.stderr
    (error,) = run.errors
    assert error["account"] == TENANT
    assert error["operation"] == "graph/reports/authenticationMethods/userRegistrationDetails"
    assert error["message"].startswith(f"graph: {DENIED}")
    for control in USER_CONTROLS:
        statuses = set(run.statuses(control).values())
        assert statuses == {"error"}, (control, statuses)
    verdicts = tenant_verdicts(run)
    assert "error" not in verdicts.values() and "missing" not in verdicts.values()
    # The users themselves were read: one result per user, not one per scope.
    assert len(run.statuses("azure.entra.user-mfa-registered")) == len(estate.PEOPLE)


def test_denied_authorization_policy_costs_its_four_controls(azure: Azure) -> None:
    azure.server.fault(estate.AUTHORIZATION, 403, code=DENIED)
    run = azure.scan(*TENANT_CONTROLS)
    assert run.exit_code == 3
    (error,) = run.errors
    assert (error["account"], error["operation"]) == (TENANT, "graph/policies/authorizationPolicy")
    assert tenant_verdicts(run) == {
        "azure.entra.ca-mfa-for-admins": "pass",
        "azure.entra.global-admin-count": "pass",
        "azure.entra.guest-access-restricted": "error",
        "azure.entra.guest-invitations-restricted": "error",
        "azure.entra.mfa-enforced": "pass",
        "azure.entra.user-consent-restricted": "error",
        "azure.entra.users-cannot-register-apps": "error",
    }


def test_a_refused_user_list_is_an_error_for_the_user_controls(azure: Azure) -> None:
    azure.server.fault(estate.USERS, 403, code=DENIED)
    run = azure.scan("azure.entra.user-mfa-registered", "azure.entra.mfa-enforced")
    assert run.exit_code == 3
    (error,) = run.errors
    assert error["operation"] == "graph/users"
    assert error["resource_types"] == ["azure.entra.user"]
    assert set(run.statuses("azure.entra.user-mfa-registered").values()) == {"error"}
    assert tenant_verdicts(run)["azure.entra.mfa-enforced"] == "pass"


def test_throttling_honours_retry_after(azure: Azure) -> None:
    azure.server.fault(estate.CONDITIONAL_ACCESS, 429, retry_after="1", times=1)
    run = azure.scan("azure.entra.ca-mfa-for-admins")
    assert run.errors == []
    assert tenant_verdicts(run)["azure.entra.ca-mfa-for-admins"] == "pass"
    assert azure.clock.sleeps == [1.0]
    (call,) = [
        c for c in run.calls if c["operation"] == "graph/identity/conditionalAccess/policies"
    ]
    assert call["retries"] == 1


def test_exhausted_retries_are_an_error_naming_the_tenant(azure: Azure) -> None:
    azure.server.fault(estate.SECURITY_DEFAULTS, 429, retry_after="9999")
    run = azure.scan("azure.entra.mfa-enforced")
    assert run.exit_code == 3
    (error,) = run.errors
    assert TENANT in error["message"] and "graph/policies/" in error["message"]
    assert tenant_verdicts(run)["azure.entra.mfa-enforced"] == "error"
    # Waits are capped by the policy, whatever the server asks.
    assert azure.clock.sleeps and max(azure.clock.sleeps) <= azure.policy.max_wait


def test_a_role_never_assigned_has_no_holders(azure: Azure) -> None:
    azure.put(estate.ADMINS, None)  # not activated in the tenant: Graph answers 404
    run = azure.scan("azure.entra.global-admin-count")
    assert run.errors == []
    assert tenant_verdicts(run)["azure.entra.global-admin-count"] == "fail"


def test_a_user_missing_from_the_report_is_unknown_not_unregistered(azure: Azure) -> None:
    report = estate.ENTRIES[estate.REGISTRATION]["value"]
    azure.put(estate.REGISTRATION, {"value": report[1:]})  # anna not reported yet
    run = azure.scan("azure.entra.admin-mfa-registered")
    anna = f"/tenants/{TENANT}/users/{estate.oid(1)}"
    assert run.statuses("azure.entra.admin-mfa-registered")[anna] == "error"
    assert (
        run.statuses("azure.entra.admin-mfa-registered")[f"/tenants/{TENANT}/users/{estate.oid(2)}"]
        == "fail"
    )


def test_a_next_link_to_another_host_is_not_followed(azure: Azure) -> None:
    page = {"value": [], "@odata.nextLink": "https://graph.attacker.example/v1.0/users?x=1"}
    azure.put(estate.CONDITIONAL_ACCESS, page)
    run = azure.scan("azure.entra.ca-mfa-for-admins")
    assert run.exit_code == 3
    (error,) = run.errors
    assert "graph.attacker.example" in error["message"]
    assert "not the Microsoft Graph endpoint" in error["message"]
    assert tenant_verdicts(run)["azure.entra.ca-mfa-for-admins"] == "error"


def test_the_tenant_is_not_judged_when_nothing_planned_needs_it(azure: Azure) -> None:
    run = azure.scan("aztest.subscription.enabled")
    assert not any(a.startswith("graph") for a in run.actions())
    assert azure.server.requests("/v1.0/") == []
    assert not any(r["control_id"].startswith("azure.entra.") for r in run.results)


def test_a_next_link_that_loops_ends_the_list(azure: Azure) -> None:
    url = f"{azure.server.url}{estate.CONDITIONAL_ACCESS}"
    azure.put(estate.CONDITIONAL_ACCESS, {"value": [], "@odata.nextLink": url})
    run = azure.scan("azure.entra.ca-mfa-for-admins")
    (error,) = run.errors
    assert "repeats an earlier page" in error["message"]
    assert len(azure.server.requests(estate.CONDITIONAL_ACCESS)) == 1
