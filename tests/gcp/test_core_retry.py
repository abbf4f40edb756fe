"""govscan's retry policy on the wire: Google's clients retry nothing themselves."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.gcp.conftest import Gcp, ScanRun
from tests.gcp.estate.core import ALPHA

SA_LIST = f"/v1/projects/{ALPHA}/serviceAccounts"


def _listed(run: ScanRun, operation: str) -> dict[str, Any]:
    (row,) = [c for c in run.calls if c["operation"] == operation]
    return row


def test_429_then_500_then_success_over_plain_rest(gcp: Gcp) -> None:
    gcp.server.fault(SA_LIST, 429, times=1, retry_after="1", method="GET")
    gcp.server.fault(SA_LIST, 500, times=1, method="GET")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.errors == []
    assert len(run.statuses("t.gcp.sa-exists")) == 4
    row = _listed(run, "iam.serviceAccounts.list")
    assert row["retries"] == 2
    # The server's hint (1 s), then the policy's second backoff step (0.2 s).
    assert gcp.clock.sleeps == [1.0, 0.2]


def test_generated_client_is_retried_too(gcp: Gcp) -> None:
    gcp.server.fault(f"/v3/projects/{ALPHA}", 429, times=1, method="GET")
    gcp.server.fault(f"/v3/projects/{ALPHA}", 503, times=1, method="GET")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.errors == []
    assert _listed(run, "resourcemanager.projects.get")["retries"] == 2


def test_server_hint_is_capped(gcp: Gcp) -> None:
    gcp.server.fault(SA_LIST, 429, times=1, retry_after="3600", method="GET")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.errors == []
    assert gcp.clock.sleeps == [gcp.policy.max_wait]


def test_exhausted_throttling_is_an_error_of_the_type_in_the_project(gcp: Gcp) -> None:
    gcp.server.fault(SA_LIST, 429, method="GET")
    run = gcp.scan("t.gcp.sa-exists", "t.gcp.project-public")
    assert run.exit_code == 3
    (err,) = run.errors
    assert err["account"] == ALPHA
    assert err["resource_types"] == ["gcp.iam.service_account"]
    assert err["operation"] == "iam.googleapis.com:iam.serviceAccounts.list"
    assert "throttled: gave up after 3 attempts" in err["message"]
    assert run.by_account("t.gcp.sa-exists") == {ALPHA: ["error"]}
    assert set(run.by_account("t.gcp.project-public")[ALPHA]) == {"fail"}
    assert len(gcp.server.seen(SA_LIST)) == gcp.policy.attempts


def test_timeouts_and_dropped_connections_are_retried_then_errors(gcp: Gcp) -> None:
    gcp.policy = replace(gcp.policy, read_timeout=0.3)
    gcp.server.fault(SA_LIST, mode="hold", times=1, method="GET")
    gcp.server.fault(SA_LIST, mode="drop", method="GET")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.exit_code == 3
    (err,) = run.errors
    assert "unreachable: gave up after 3 attempts" in err["message"]
    assert len(gcp.server.seen(SA_LIST)) == 3  # the held one timed out and was retried
    assert err["operation"] == "iam.googleapis.com:iam.serviceAccounts.list"


def test_server_error_exhausted_on_a_detail_keeps_the_resources(gcp: Gcp) -> None:
    gcp.server.fault("/keys", 500)
    run = gcp.scan("t.gcp.sa-keys", "t.gcp.sa-exists")
    assert run.exit_code == 3
    assert set(run.statuses("t.gcp.sa-exists").values()) == {"pass"}
    assert set(run.statuses("t.gcp.sa-keys").values()) == {"error"}
    (err,) = run.errors
    assert "server error: gave up after 3 attempts" in err["message"]
    assert err["fields"] == ["keys", "user_managed_keys"]
