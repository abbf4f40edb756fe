"""``govscan diff OLD NEW``: bundles and history runs compared by fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.history.diff import CATEGORIES, Side, compare, findings_of_results
from govscan.history.diff_render import render_html, render_markdown
from govscan.model import Severity, Status
from govscan.reporters.markdown import code

from .baseline_support import code_result, run, write_bundle

ENC = "aws.ebs.volume-encrypted"
XSS = "<script>alert(1)</script>|`*@here"


def _side(*results: object, label: str = "x") -> Side:
    findings, missing = findings_of_results(results)  # type: ignore[arg-type]
    return Side(label, label, "2026-03-01", "persistent", findings, missing)


OLD = (
    code_result(ENC, "still"),
    code_result(ENC, "fixed"),
    code_result(ENC, "regressed", status=Status.PASS),
    code_result(ENC, "rerated", severity=Severity.LOW),
    code_result(ENC, "gone"),
    code_result(ENC, "waived-now"),
)
NEW = (
    code_result(ENC, "still"),
    code_result(ENC, "fixed", status=Status.PASS),
    code_result(ENC, "regressed"),
    code_result(ENC, "rerated", severity=Severity.CRITICAL),
    code_result(ENC, "new"),
    code_result(ENC, "waived-now", status=Status.WAIVED),
)


def test_every_category() -> None:
    d = compare(_side(*OLD), _side(*NEW))
    got = {c: [ch.resource_id for ch in d.changes[c]] for c in CATEGORIES}
    assert got == {
        "new": ["new"],
        "regressed": ["regressed"],
        "fixed": ["fixed", "gone", "waived-now"],
        "still_failing": ["rerated", "still"],
        "changed_severity": ["rerated"],
    }
    rerated = d.changes["changed_severity"][0]
    assert (rerated.old, rerated.new) == (("fail", "low"), ("fail", "critical"))
    gone = next(ch for ch in d.changes["fixed"] if ch.resource_id == "gone")
    assert gone.new is None
    assert d.frameworks == {
        "iso27001-2022": {
            "new": 1,
            "regressed": 1,
            "fixed": 3,
            "still_failing": 2,
            "changed_severity": 1,
        }
    }


def test_the_most_urgent_result_of_a_fingerprint_counts() -> None:
    a = code_result(ENC, "same")
    err = code_result(ENC, "same", status=Status.ERROR)
    findings, _ = findings_of_results([a, err])
    assert findings[a.fingerprint].status == "error"


def test_markdown_and_html_render_hostile_ids_inert() -> None:
    d = compare(_side(), _side(code_result(ENC, XSS)))
    md = render_markdown(d)
    # Inside a code span nothing is markup; the span cannot be closed early, nor the
    # table row broken by the pipe.
    row = next(line for line in md.splitlines() if "alert(1)" in line)
    assert f"| {code(XSS)} |" in row
    assert row.count(" | ") == 3
    page = render_html(d)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cli_bundles_in_three_formats(tmp_path: Path) -> None:
    old = write_bundle(run(*OLD, run_id="old-run"), tmp_path / "old")
    new = write_bundle(run(*NEW, run_id="new-run"), tmp_path / "new")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "| New findings | 1 |" in result.output
    assert "### Regressed (passed before, failing now) (1)" in result.output
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    doc = json.loads(result.output)
    assert doc["schema"] == "govscan/diff/v1"
    assert doc["summary"] == {
        "new": 1,
        "regressed": 1,
        "fixed": 3,
        "still_failing": 2,
        "changed_severity": 1,
    }
    assert (doc["old"]["run_id"], doc["new"]["run_id"]) == ("old-run", "new-run")
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(
        cli, ["diff", str(old), str(new), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert '<h2 id="new">New findings (1)</h2>' in out.read_text()


@pytest.mark.parametrize(
    "results_json",
    [b"{", b'{"schema": "govscan/results/v1", "run": 5}', b"[]", b"\xff"],
    ids=["truncated", "run-not-object", "list", "not-utf8"],
)
def test_a_hostile_bundle_is_one_line(tmp_path: Path, results_json: bytes) -> None:
    good = write_bundle(run(*OLD), tmp_path / "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "results.json").write_bytes(results_json)
    result = CliRunner().invoke(cli, ["diff", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and str(bad) in result.output
    assert "Traceback" not in result.output


def test_a_run_ref_without_a_history_store_is_refused(tmp_path: Path) -> None:
    good = write_bundle(run(*OLD), tmp_path / "good")
    result = CliRunner().invoke(
        cli, ["diff", "run:nope", str(good), "--history", str(tmp_path / "h.sqlite3")]
    )
    assert result.exit_code == 2
    assert "no run 'run:nope'" in result.output


@pytest.mark.slow
def test_history_runs_by_number_and_latest(tmp_path: Path, history_url: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    volume = 'resource "aws_ebs_volume" "%s" {\n  availability_zone = "eu-central-1a"\n}\n'
    provider = 'provider "aws" { region = "eu-central-1" }\n'
    (repo / "main.tf").write_text(provider + volume % "a")
    common = ["scan", "--repo", str(repo), "--format", "json", "--history", history_url]
    CliRunner().invoke(cli, [*common, "--output-dir", str(tmp_path / "one")])
    (repo / "main.tf").write_text(provider + volume % "b")
    CliRunner().invoke(cli, [*common, "--output-dir", str(tmp_path / "two")])
    result = CliRunner().invoke(
        cli, ["diff", "run:1", "run:latest", "--history", history_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [c["resource_id"] for c in doc["changes"]["new"] if c["control_id"] == ENC] == [
        ".: aws_ebs_volume.b"
    ]
    assert [c["resource_id"] for c in doc["changes"]["fixed"] if c["control_id"] == ENC] == [
        ".: aws_ebs_volume.a"
    ]
    # A history keeps no frameworks: they come from the built-in controls.
    assert doc["frameworks"]
    # A bundle against a history run gives the same answer.
    mixed = CliRunner().invoke(
        cli,
        ["diff", str(tmp_path / "one"), "run:latest", "--history", history_url, "--format", "json"],
    )
    assert json.loads(mixed.output)["summary"] == doc["summary"]


def test_per_run_cloud_fingerprints_are_noted_only_when_there_are_cloud_findings(
    tmp_path: Path,
) -> None:
    from .baseline_support import cloud_result

    user = cloud_result("aws.iam.user-mfa", "arn:aws:iam::123456789012:user/u-1", "ef" * 16)
    code_only = write_bundle(run(*OLD, fingerprints="per-run"), tmp_path / "code")
    cloudy = write_bundle(run(user, fingerprints="per-run"), tmp_path / "cloud")
    result = CliRunner().invoke(cli, ["diff", str(code_only), str(code_only), "--format", "json"])
    assert json.loads(result.output)["notes"] == []
    result = CliRunner().invoke(cli, ["diff", str(code_only), str(cloudy), "--format", "json"])
    notes = json.loads(result.output)["notes"]
    assert len(notes) == 1 and notes[0].startswith(f"{cloudy}: cloud fingerprints are per-run")
