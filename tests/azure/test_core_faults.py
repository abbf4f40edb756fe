"""Failures on the wire: each one an `errors` entry naming subscription, resource provider
and action, `error` results for exactly the controls and scope it affects, exit code 3."""

from __future__ import annotations

from tests.azure.conftest import SUB1, SUB2, Azure
from tests.azure.estate.core import SUB_OFF

GROUPS = f"/subscriptions/{SUB1}/resourcegroups"
PRICINGS = f"/subscriptions/{SUB1}/providers/Microsoft.Security/pricings"
RG_APP = f"/subscriptions/{SUB1}/resourceGroups/rg-app"
RG_NET = f"/subscriptions/{SUB1}/resourceGroups/rg-net"


def _error_results(run: object, control: str) -> dict[str, str]:
    return {
        r["resource"]["id"]: r["message"]
        for r in run.results  # type: ignore[attr-defined]
        if r["control_id"] == control and r["status"] == "error"
    }


def test_denied_list_fails_that_type_in_that_subscription_only(azure: Azure) -> None:
    azure.server.fault(GROUPS, 403)
    run = azure.scan(
        "aztest.resource-group.provisioned",
        "aztest.subscription.enabled",
        subscriptions=f"{SUB1},{SUB2}",
    )
    assert run.exit_code == 3, run.stderr
    (error,) = run.errors
    assert error["account"] == SUB1
    assert error["operation"] == "Microsoft.Resources/subscriptions/resourceGroups/read"
    assert error["resource_types"] == ["azure.resource_group"]
    assert "Microsoft.Resources" in error["message"]
    assert "AuthorizationFailed" in error["message"]
    statuses = run.statuses("aztest.resource-group.provisioned")
    assert statuses[f"/subscriptions/{SUB2}/resourceGroups/rg-dev"] == "pass"
    assert [v for k, v in statuses.items() if SUB1 in k] == ["error"]
    # The other type in the same subscription is judged as usual.
    assert set(run.statuses("aztest.subscription.enabled").values()) == {"pass"}


def test_denied_detail_call_is_an_error_for_the_controls_reading_its_fields(
    azure: Azure,
) -> None:
    azure.server.fault(PRICINGS, 403)
    run = azure.scan("aztest.subscription.defender-vms", "aztest.subscription.owners")
    assert run.exit_code == 3
    (error,) = run.errors
    assert (error["account"], error["operation"]) == (SUB1, "Microsoft.Security/pricings/read")
    assert error["message"].startswith("Microsoft.Security: AuthorizationFailed")
    assert run.statuses("aztest.subscription.defender-vms") == {f"/subscriptions/{SUB1}": "error"}
    assert run.statuses("aztest.subscription.owners") == {f"/subscriptions/{SUB1}": "fail"}


def test_denied_on_one_resource_affects_that_resource_only(azure: Azure) -> None:
    azure.server.fault(f"{RG_APP}/providers/Microsoft.Authorization/locks", 403)
    run = azure.scan("aztest.resource-group.locked", "aztest.resource-group.provisioned")
    assert run.exit_code == 3
    locked = run.statuses("aztest.resource-group.locked")
    assert locked[RG_APP] == "error"
    assert locked[RG_NET] == "fail"
    assert set(run.statuses("aztest.resource-group.provisioned").values()) == {"pass"}
    (error,) = run.errors
    assert error["operation"] == "Microsoft.Authorization/locks/read"


def test_throttling_waits_at_most_the_cap_then_reports_an_error(azure: Azure) -> None:
    azure.server.fault(GROUPS, 429, retry_after="9999")
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.exit_code == 3
    # Three attempts on the wire, two waits of the policy's cap (1.5 s), never 9999 s.
    assert len(azure.server.requests(GROUPS)) == azure.policy.attempts
    assert azure.clock.sleeps == [azure.policy.max_wait] * (azure.policy.attempts - 1)
    (error,) = run.errors
    assert error["account"] == SUB1
    assert error["operation"] == "Microsoft.Resources/subscriptions/resourceGroups/read"
    assert "throttled: gave up after 3 attempts" in error["message"]
    (call,) = [c for c in run.calls if c["operation"] == error["operation"]]
    assert (call["errors"], call["retries"]) == (1, 2)


def test_a_transient_throttle_is_retried_and_the_scan_is_complete(azure: Azure) -> None:
    azure.server.fault(GROUPS, 429, retry_after="2", times=1)
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.exit_code == 0, run.errors
    assert azure.clock.sleeps == [1.5]
    assert set(run.statuses("aztest.resource-group.provisioned").values()) == {"pass"}


def test_server_errors_are_retried_then_reported(azure: Azure) -> None:
    azure.server.fault(GROUPS, 500)
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.exit_code == 3
    assert len(azure.server.requests(GROUPS)) == azure.policy.attempts
    (error,) = run.errors
    assert "server error: gave up after 3 attempts" in error["message"]
    assert error["operation"] == "Microsoft.Resources/subscriptions/resourceGroups/read"


def test_a_timeout_is_an_error_for_that_type(azure: Azure) -> None:
    from dataclasses import replace

    azure.policy = replace(azure.policy, read_timeout=0.2, attempts=2)
    azure.server.fault(GROUPS, delay=0.6)
    run = azure.scan("aztest.resource-group.provisioned", "aztest.subscription.enabled")
    assert run.exit_code == 3
    (error,) = run.errors
    assert error["operation"] == "Microsoft.Resources/subscriptions/resourceGroups/read"
    assert "gave up after 2 attempts" in error["message"]
    assert set(run.statuses("aztest.subscription.enabled").values()) == {"pass"}


def test_a_disabled_or_unreadable_subscription_is_an_error_and_the_rest_goes_on(
    azure: Azure,
) -> None:
    missing = "e5e5e5e5-0000-4000-8000-000000000005"
    run = azure.scan("aztest.subscription.enabled", subscriptions=f"{SUB1},{SUB_OFF},{missing}")
    assert run.exit_code == 3
    errors = {e["account"]: e for e in run.errors}
    assert set(errors) == {SUB_OFF, missing}
    assert "subscription is Disabled" in errors[SUB_OFF]["message"]
    assert errors[missing]["operation"] == "Microsoft.Resources/subscriptions/read"
    statuses = run.statuses("aztest.subscription.enabled")
    assert statuses[f"/subscriptions/{SUB1}"] == "pass"
    assert sorted(v for k, v in statuses.items() if SUB1 not in k) == ["error", "error"]


def test_a_next_link_to_another_host_is_refused(azure: Azure) -> None:
    azure.put(
        GROUPS,
        {
            "value": [],
            "nextLink": "https://collector.example.invalid/steal?api-version=1",
        },
    )
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.exit_code == 3
    (error,) = run.errors
    assert "refused to follow a link to https://collector.example.invalid" in error["message"]


def test_a_missing_registration_answer_never_makes_govscan_register_anything(
    azure: Azure,
) -> None:
    azure.server.fault(
        GROUPS,
        409,
        body={
            "error": {
                "code": "MissingSubscriptionRegistration",
                "message": "The subscription is not registered to use namespace "
                "'Microsoft.Resources'.",
            }
        },
    )
    run = azure.scan("aztest.resource-group.provisioned")
    assert run.exit_code == 3
    assert [m for m, _ in azure.server.requests() if m != "GET" and m != "POST"] == []
    assert [p for m, p in azure.server.requests() if m == "POST" and "oauth2" not in p] == []
    (error,) = run.errors
    assert "refused to send POST" in error["message"]
    assert "govscan only reads" in error["message"]


def test_each_subscription_and_resource_provider_has_its_own_token_bucket(
    azure: Azure,
) -> None:
    from dataclasses import replace

    # One request at once and one a second: only a bucket's second and third requests wait.
    azure.policy = replace(azure.policy, rate=1.0, burst=1)
    run = azure.scan("aztest.resource-group.locked")
    assert run.errors == []
    # Microsoft.Resources: one subscription read, one group list (different buckets: the
    # subscription client is tenant-wide); Microsoft.Authorization: three lock lists.
    assert run.count("Microsoft.Authorization/locks/read") == 3
    assert azure.clock.sleeps == [1.0, 1.0]


def test_children_fail_with_their_parent_list_or_under_one_parent(azure: Azure) -> None:
    servers = f"/subscriptions/{SUB1}/providers/Microsoft.Sql/servers"
    azure.server.fault(servers, 403)
    run = azure.scan("aztest.sql-database.named")
    assert run.exit_code == 3
    (error,) = run.errors
    assert (error["operation"], error["resource_types"]) == (
        "Microsoft.Sql/servers/read",
        ["azure.sql.database"],
    )
    azure.server.reset()
    safe = f"/subscriptions/{SUB1}/resourceGroups/rg-sql/providers/Microsoft.Sql/servers/sql-safe"
    azure.server.fault(f"{safe}/databases", 403)
    run = azure.scan("aztest.sql-database.named")
    assert run.exit_code == 3
    (error,) = run.errors
    assert error["operation"] == "Microsoft.Sql/servers/databases/read"
    assert f"(under {safe})" in error["message"]
