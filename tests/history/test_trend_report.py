"""The trend in the HTML report as a user gets it: ``scan --history`` keeps it in
the bundle (trend.json, in the manifest), ``govscan report`` re-renders it byte for
byte without the history, and ``--history URL --since`` reads a period from the
store instead."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.cli import cli

from .test_cli_history import BUCKET


def _invoke(*args: str) -> tuple[int, str]:
    run = CliRunner().invoke(cli, list(args))
    return run.exit_code, run.output


def _scan(repo: Path, out: Path, history: str) -> None:
    code, output = _invoke(
        "scan",
        "--repo",
        str(repo),
        "--output-dir",
        str(out),
        "--format",
        "json,html",
        "--history",
        history,
    )
    assert code in (0, 1), output


def _points(html: str) -> str:
    found = re.search(r'<section id="trend">.*?</section>', html, re.S)
    assert found, "a trend section"
    return found.group(0)


@pytest.fixture
def two_runs(tmp_path: Path, history_url: str) -> tuple[Path, str]:
    """Two scans of one repository into one history; the second fixes the volume."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "false")
    _scan(repo, tmp_path / "one", history_url)
    (repo / "main.tf").write_text(BUCKET % "true")
    _scan(repo, tmp_path / "two", history_url)
    return tmp_path / "two", history_url


@pytest.mark.slow
def test_the_scan_report_shows_the_trend_and_re_renders_it_byte_for_byte(
    two_runs: tuple[Path, str], tmp_path: Path
) -> None:
    bundle, _ = two_runs
    trend = json.loads((bundle / "trend.json").read_text())
    assert len(trend["points"]) == 2, "the first run from the history, this scan last"
    assert trend["mean_time_to_fix"] == [{"severity": "high", "fixed": 1, "mean_days": 0.0}]
    assert trend["open"] == len(trend["oldest_open"]) > 0
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert "trend.json" in {f["path"] for f in manifest["files"]}
    part = _points((bundle / "report.html").read_text())
    assert part.count("<svg") == 3
    code, output = _invoke(
        "report", str(bundle), "--format", "html", "--output-dir", str(tmp_path / "re")
    )
    assert code == 0, output
    assert (tmp_path / "re" / "report.html").read_bytes() == (bundle / "report.html").read_bytes()


@pytest.mark.slow
def test_a_periodic_report_reads_the_period_from_the_history(
    two_runs: tuple[Path, str], tmp_path: Path
) -> None:
    bundle, url = two_runs
    out = tmp_path / "q"
    code, output = _invoke(
        "report", str(bundle), "--format", "html", "--output-dir", str(out),
        "--history", url, "--since", "90d", "--lang", "de",
    )  # fmt: skip
    assert code == 0, output
    part = _points((out / "report.html").read_text())
    assert "2 Läufe" in part and "Zeitraum: seit " in part
    # A period after both runs: the history holds nothing in it.
    code, output = _invoke(
        "report", str(bundle), "--format", "html", "--output-dir", str(out),
        "--history", url, "--since", "2999-01-01",
    )  # fmt: skip
    assert code == 0, output
    assert "No runs in this period." in _points((out / "report.html").read_text())


@pytest.mark.slow
def test_the_periodic_trend_written_into_the_bundle_replaces_its_trend_json(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "h.sqlite3")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "false")
    _scan(repo, tmp_path / "one", url)
    _scan(repo, tmp_path / "two", url)
    bundle = tmp_path / "two"
    code, output = _invoke(
        "report", str(bundle), "--format", "html", "--output-dir", str(bundle),
        "--history", url, "--since", "2999-01-01",
    )  # fmt: skip
    assert code == 0, output
    assert json.loads((bundle / "trend.json").read_text())["points"] == []
    code, output = _invoke("evidence", "verify", str(bundle))
    assert code == 0, output
    code, output = _invoke(
        "report", str(bundle), "--format", "html", "--output-dir", str(tmp_path / "re")
    )
    assert (tmp_path / "re" / "report.html").read_bytes() == (bundle / "report.html").read_bytes()


def test_since_without_a_history_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _invoke("report", str(tmp_path), "--format", "html", "--since", "90d")
    assert code == 2 and "--since needs --history" in output


@pytest.mark.slow
def test_a_history_without_the_bundles_targets_is_named(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "true")
    _scan(repo, tmp_path / "one", str(tmp_path / "a.sqlite3"))
    code, output = _invoke(
        "report", str(tmp_path / "one"), "--format", "html", "--output-dir", str(tmp_path / "o"),
        "--history", str(tmp_path / "empty.sqlite3"),
    )  # fmt: skip
    assert code == 2
    assert "no runs over this bundle's targets" in output
    assert "Traceback" not in output


@pytest.mark.slow
def test_a_tampered_trend_json_is_one_line_naming_the_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(BUCKET % "true")
    _scan(repo, tmp_path / "one", str(tmp_path / "a.sqlite3"))
    trend = tmp_path / "one" / "trend.json"
    doc = json.loads(trend.read_text())
    doc["points"][0]["scores"]["iso27001-2022"] = 1e308
    trend.write_text(json.dumps(doc))
    code, output = _invoke(
        "report", str(tmp_path / "one"), "--format", "html", "--output-dir", str(tmp_path / "o")
    )
    assert code == 1
    line = [ln for ln in output.splitlines() if "error" in ln]
    assert len(line) == 1 and "trend.json: score: 1e+308 is out of range" in line[0]
    assert "Traceback" not in output
