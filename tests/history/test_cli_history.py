"""``scan --history`` and ``govscan history`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.cli import cli

BUCKET = """
provider "aws" { region = "eu-central-1" }
resource "aws_s3_bucket" "logs" { bucket = "logs" }
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = %s
}
"""


def _scan(repo: Path, out: Path, history: str, *extra: str) -> tuple[int, str]:
    run = CliRunner().invoke(
        cli,
        [
            "scan",
            "--repo",
            str(repo),
            "--output-dir",
            str(out),
            "--format",
            "json",
            "--history",
            history,
            *extra,
        ],
    )
    return run.exit_code, run.output


def _history(*args: str) -> str:
    run = CliRunner().invoke(cli, ["history", *args])
    assert run.exit_code == 0, run.output
    return run.output


@pytest.mark.slow
def test_two_scans_then_list_show_trend_and_prune(tmp_path: Path, history_url: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "false")
    code, out = _scan(repo, tmp_path / "one", history_url)
    assert code == 1, out
    assert "history: recorded as run" in out
    (repo / "main.tf").write_text(BUCKET % "true")
    code, out = _scan(repo, tmp_path / "two", history_url)
    runs = json.loads(_history("list", "--history", history_url, "--json"))
    assert len(runs) == 2
    first, second = runs
    assert first["counts"]["status"]["fail"] == second["counts"]["status"]["fail"] + 1
    assert second["bundle_digest"].startswith("sha256:")
    # The volume's finding fixed in the second run: its state changed, the rest stayed.
    shown = json.loads(_history("show", str(second["number"]), "--history", history_url, "--json"))
    volume = [f for f in shown["findings"] if f["control_id"] == "aws.ebs.volume-encrypted"]
    assert [f["status"] for f in volume] == ["pass"]
    assert {s["framework"] for s in shown["scores"]} >= {"iso27001-2022", "bsi-c5-2020"}
    table = _history("trend", "--history", history_url)
    assert len(table.strip().splitlines()) == 3
    assert "deleted 0 run(s)" in _history(
        "prune", "--before", "2000-01-01", "--history", history_url
    )


def test_with_a_history_cloud_fingerprints_persist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVSCAN_FINGERPRINT_KEY", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "true")
    _scan(repo, tmp_path / "out", str(tmp_path / "h.sqlite3"))
    run = json.loads((tmp_path / "out" / "results.json").read_text())["run"]
    assert run["fingerprints"] == "persistent"


def test_an_unreachable_history_stops_before_scanning_and_hides_the_password(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    code, out = _scan(repo, tmp_path / "out", "postgresql://scanner:hunter2@127.0.0.1:1/db")
    assert code == 3
    assert "hunter2" not in out
    assert "postgresql+psycopg://scanner:***@127.0.0.1:1/db" in out
    assert "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_an_unknown_database_kind_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _scan(tmp_path, tmp_path / "out", "mysql://x@y/z")
    assert code == 2
    assert "unsupported database 'mysql'" in out


def test_the_default_history_is_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("GOVSCAN_HISTORY", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "true")
    run = CliRunner().invoke(
        cli, ["scan", "--repo", str(repo), "--output-dir", str(tmp_path / "o"), "--history"]
    )
    assert (tmp_path / "data" / "govscan" / "history.sqlite3").is_file(), run.output
    assert len(_history("list").strip().splitlines()) == 2  # the header and the run


def test_show_names_a_missing_run(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["history", "show", "7", "--history", str(tmp_path / "h.db")])
    assert run.exit_code == 2
    assert "no run '7'" in run.output
