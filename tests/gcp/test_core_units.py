"""The pure parts of the GCP core: policies, constraints, keys, hints, names."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from govscan.collectors.gcp import iampolicy, orgpolicy
from govscan.collectors.gcp.calls import kind_of
from govscan.collectors.gcp.clients import retry_after
from govscan.collectors.gcp.iam import key_fields
from govscan.collectors.gcp.spec import full_name


def test_bindings_analysis() -> None:
    binds = iampolicy.bindings(
        {
            "bindings": [
                {
                    "role": "roles/editor",
                    "members": ["group:devs@example.com", "serviceAccount:a@x"],
                },
                {"role": "roles/iam.serviceAccountAdmin", "members": ["user:c@example.com"]},
                {"role": "roles/iam.serviceAccountUser", "members": ["user:c@example.com"]},
                {"role": "roles/cloudkms.admin", "members": ["user:k@example.com"]},
                {"role": "roles/cloudkms.cryptoKeyDecrypter", "members": ["user:k@example.com"]},
                {
                    "role": "roles/viewer",
                    "members": ["allAuthenticatedUsers"],
                    "condition": {"expression": "request.time < timestamp('2030-01-01')"},
                },
                {"members": ["user:nobody@example.com"]},  # no role: dropped
                "garbage",
            ]
        }
    )
    out = iampolicy.analyse(binds)
    assert out["primitive_role_users"] == ["group:devs@example.com"]
    assert out["service_account_admins"] == ["serviceAccount:a@x"]
    assert out["iam_public_members"] == ["allAuthenticatedUsers"]
    assert out["sa_duty_conflicts"] == ["user:c@example.com"]
    assert out["kms_duty_conflicts"] == ["user:k@example.com"]
    assert out["iam_bindings"][5]["condition"] == "request.time < timestamp('2030-01-01')"
    assert len(out["iam_bindings"]) == 6


def test_data_access_adds_up_over_the_hierarchy() -> None:
    project = iampolicy.audit_configs(
        {
            "auditConfigs": [
                {"service": "allServices", "auditLogConfigs": [{"logType": "ADMIN_READ"}]}
            ]
        }
    )
    org = iampolicy.audit_configs(
        {
            "auditConfigs": [
                {
                    "service": "allServices",
                    "auditLogConfigs": [
                        {"logType": "DATA_READ", "exemptedMembers": ["user:x@example.com"]},
                        {"logType": "DATA_WRITE"},
                    ],
                },
                {
                    "service": "storage.googleapis.com",
                    "auditLogConfigs": [{"logType": "DATA_READ"}],
                },
            ]
        }
    )
    assert iampolicy.data_access([project]) == (False, [])
    assert iampolicy.data_access([project, org]) == (True, ["user:x@example.com"])


def test_effective_constraints() -> None:
    assert orgpolicy.summarise({"spec": {"rules": [{"enforce": True}]}})["enforced"] is True
    conditional = {"spec": {"rules": [{"enforce": True, "condition": {"expression": "x"}}]}}
    assert orgpolicy.summarise(conditional)["enforced"] is False
    assert orgpolicy.summarise({})["enforced"] is False
    locations = orgpolicy.summarise(
        {"spec": {"rules": [{"values": {"allowedValues": ["in:eu-locations", "us-east1-b"]}}]}}
    )
    fields = orgpolicy.fields({orgpolicy.LOCATIONS: locations})
    assert fields["locations_restricted"] is True
    assert fields["constraint_resource_locations"] == ["in:eu-locations", "us-east1-b"]
    allowed = fields["allowed_locations"]
    assert "europe-west3" in allowed and "us-east1" in allowed
    assert "us-east1-b" not in allowed
    assert fields["constraint_require_os_login"] is False
    allow_all = orgpolicy.summarise({"spec": {"rules": [{"allowAll": True}]}})
    assert orgpolicy.fields({orgpolicy.LOCATIONS: allow_all})["allowed_locations"] is None


def test_location_expansion_removes_denied_and_keeps_unknown_groups() -> None:
    out = orgpolicy.expand(["in:europe-west3-locations", "in:mars-locations"], ["europe-west3"])
    assert out == ["in:mars-locations"]


def test_key_age_counts_to_the_scan_time() -> None:
    key = {
        "name": "projects/p/serviceAccounts/a/keys/abc",
        "validAfterTime": "2026-01-01T00:00:00Z",
        "keyType": "USER_MANAGED",
        "privateKeyData": "never",
    }
    out = key_fields(key, datetime(2026, 4, 11, tzinfo=UTC))
    assert out["key_id"] == "abc"
    assert out["age_days"] == 100
    assert "never" not in str(out)
    assert key_fields({"validAfterTime": "soon"}, datetime.now(UTC))["age_days"] is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2", 2.0), ("0.5", 0.5), ("-1", None), ("nan", None), ("x" * 70, None), ("soon", None)],
)
def test_retry_after(value: str, seconds: float | None) -> None:
    assert retry_after({"Retry-After": value}) == seconds


def test_kinds() -> None:
    assert kind_of(403, "SERVICE_DISABLED") == "disabled"
    assert kind_of(403, "", "Compute Engine API has not been used in project 1") == "disabled"
    assert kind_of(403, "IAM_PERMISSION_DENIED") == "denied"
    assert kind_of(401) == "credentials"
    assert kind_of(404) == "gone"
    assert kind_of(429) == "throttled"
    assert kind_of(503) == "server error"
    assert kind_of(400) == "error"


def test_full_names() -> None:
    link = "https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i"
    assert full_name("compute.googleapis.com", {"selfLink": link}) == (
        "//compute.googleapis.com/projects/p/zones/z/instances/i"
    )
    assert full_name("secretmanager.googleapis.com", {"name": "projects/1/secrets/s"}) == (
        "//secretmanager.googleapis.com/projects/1/secrets/s"
    )


def test_scan_help_and_version_import_no_google_library() -> None:
    code = (
        "import sys; from govscan.cli import main\n"
        "for argv in (['--version'], ['scan', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "import govscan.collectors.gcp, govscan.collectors.gcp.registry\n"
        "govscan.collectors.gcp.registry.load()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('google', 'googleapiclient')]\n"
        "print('MODULES:' + ','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Google Cloud options:" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "MODULES:", proc.stdout


class FrozenClock:
    """Time stands still; every wait is recorded as computed."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def now(self) -> float:
        return 0.0

    def sleep_until(self, deadline: float) -> None:
        self.sleeps.append(round(deadline, 6))


def test_one_token_bucket_per_project_and_api() -> None:
    from govscan.collectors.gcp.calls import CallLog
    from govscan.collectors.gcp.clients import Clients
    from govscan.collectors.retry import RetryPolicy, Throttle

    clock = FrozenClock()
    throttle = Throttle(RetryPolicy(rate=10.0, burst=1, service_rates={}), clock)
    clients = Clients(None, {}, None, throttle, CallLog())
    for _ in range(3):
        clients.run("iam.googleapis.com", "p1", "iam.serviceAccounts.list", lambda: 1)
    clients.run("storage.googleapis.com", "p1", "storage.buckets.list", lambda: 1)
    clients.run("iam.googleapis.com", "p2", "iam.serviceAccounts.list", lambda: 1)
    # Only the third and fourth call of one (project, API) wait for their token.
    assert clock.sleeps == [0.1, 0.2]
    (row,) = [c for c in clients.log.calls() if c.account == "p1" and c.count == 3]
    assert row.operation == "iam.serviceAccounts.list"


def test_run_retries_transient_answers_and_names_the_scope_when_it_gives_up() -> None:
    from govscan.collectors.gcp.calls import CallFailure, CallLog
    from govscan.collectors.gcp.clients import Clients, HttpError
    from govscan.collectors.retry import RetryPolicy, Throttle

    clock = FrozenClock()
    policy = RetryPolicy(attempts=3, backoff_base=0.1, rate=float("inf"), service_rates={})
    clients = Clients(None, {}, None, Throttle(policy, clock, jitter=lambda: 1.0), CallLog())
    answers = [HttpError(429, "", "slow down", {"Retry-After": "2"}), HttpError(503, "", "x", {})]

    def flaky() -> str:
        if answers:
            raise answers.pop(0)
        return "ok"

    assert clients.run("a.googleapis.com", "p", "a.things.list", flaky) == "ok"
    assert clock.sleeps == [2.0, 0.2]  # the hint, then the second backoff step

    def denied() -> str:
        raise HttpError(403, "IAM_PERMISSION_DENIED", "no", {})

    with pytest.raises(CallFailure) as info:
        clients.run("a.googleapis.com", "p", "a.things.get", denied)
    assert (info.value.kind, info.value.status) == ("denied", 403)
    assert (
        info.value.describe("p")
        == "project p, a.googleapis.com a.things.get: denied (HTTP 403): no"
    )

    def busy() -> str:
        raise HttpError(500, "", "boom", {})

    with pytest.raises(CallFailure) as info:
        clients.run("a.googleapis.com", "p", "a.things.list", busy)
    assert "server error: gave up after 3 attempts" in str(info.value)
    assert "a.things.list, project p" in str(info.value)
