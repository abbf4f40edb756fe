"""Application Default Credentials: missing or rejected ones stop the scan in one line."""

from __future__ import annotations

import pytest

from tests.gcp.conftest import Gcp


def test_missing_key_file_is_one_line_and_exit_3(gcp: Gcp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gcp.tmp / "absent.json"))
    run = gcp.scan("t.gcp.sa-exists")
    assert run.exit_code == 3
    (err,) = run.errors
    assert "no Google Cloud credentials" in err["message"]
    assert "GOOGLE_APPLICATION_CREDENTIALS" in err["message"]
    assert gcp.server.seen() == []


def test_rejected_key_is_one_line_naming_the_reason(gcp: Gcp) -> None:
    gcp.server.fault("/token", 400, reason="invalid_grant")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.exit_code == 3
    (err,) = run.errors
    assert "Google Cloud credentials rejected" in err["message"]
    assert len(err["message"].splitlines()) == 1
    assert [r.path for r in gcp.server.seen()] == ["/token"]


def test_expired_credentials_during_the_scan_are_errors_not_passes(gcp: Gcp) -> None:
    gcp.server.fault("/serviceAccounts", 401, method="GET")
    run = gcp.scan("t.gcp.sa-exists")
    assert run.exit_code == 3
    assert run.by_account("t.gcp.sa-exists") == {"alpha": ["error"]}
    assert "credentials" in run.errors[0]["message"]


def test_endpoint_must_be_a_url(gcp: Gcp) -> None:
    from click.testing import CliRunner

    from govscan.cli import cli

    result = CliRunner().invoke(
        cli, ["scan", "--gcp", "--gcp-projects", "alpha", "--gcp-endpoint", "127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert "--gcp-endpoint: '127.0.0.1:1' is not a URL" in result.output
    assert "Traceback" not in result.output


def test_endpoints_per_api_from_the_configuration_file(gcp: Gcp) -> None:
    (gcp.tmp / "govscan.yaml").write_text(
        "targets:\n  gcp:\n    projects: [alpha]\n    endpoints:\n"
        f"      iam.googleapis.com: {gcp.server.url}/mapped/\n"
    )
    run = gcp.scan("t.gcp.sa-exists", args=())
    assert run.errors == []
    assert len(run.statuses("t.gcp.sa-exists")) == 4
    # IAM went to its own endpoint; everything else to --gcp-endpoint.
    assert gcp.server.seen("/mapped/v1/projects/alpha/serviceAccounts")
    assert all(
        r.path.startswith("/mapped/v1/projects/alpha/serviceAccounts") or "/mapped" not in r.path
        for r in gcp.server.seen()
    )
    assert not gcp.server.seen("/mapped/v1/projects/alpha/services")


def test_endpoints_in_the_file_must_be_a_mapping(gcp: Gcp) -> None:
    (gcp.tmp / "govscan.yaml").write_text(
        "targets:\n  gcp:\n    projects: [alpha]\n    endpoints: [x]\n"
    )
    run = gcp.scan("t.gcp.sa-exists", args=())
    assert run.exit_code == 2
    assert "'endpoints' must be a mapping of names to strings" in run.output


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--gcp-projects", "../../v1/x"),
        ("--gcp-folders", "folders/abc"),
        ("--gcp-organization", "org 1"),
    ],
)
def test_scope_ids_are_checked(gcp: Gcp, flag: str, value: str) -> None:
    from click.testing import CliRunner

    from govscan.cli import cli

    result = CliRunner().invoke(cli, ["scan", "--gcp", flag, value])
    assert result.exit_code == 2
    assert f"{flag}: '{value}' is not a valid id" in result.output
    assert gcp.server.seen() == []
