"""``scan --baseline``: only findings the baseline does not know count toward the exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.history.baseline import load_baseline, write_baseline
from govscan.schemas import schema

from ..reporters.support import SARIF_SCHEMA, schema_errors

PROVIDER = 'provider "aws" { region = "eu-central-1" }\n'
VOLUME = """
resource "aws_ebs_volume" "%s" {
  availability_zone = "eu-central-1a"
  size              = 10
}
"""
# No provider: the volume's region is unknown before apply (an undetermined error).
UNREGIONED = 'resource "aws_ebs_volume" "%s" {\n  availability_zone = "eu-central-1a"\n}\n'


def _scan(repo: Path, out: Path, *extra: str) -> tuple[int, str]:
    run = CliRunner().invoke(
        cli,
        [
            "scan",
            "--repo",
            str(repo),
            "--output-dir",
            str(out),
            "--format",
            "json,sarif,junit,md",
            "--fail-on",
            "low",
            *extra,
        ],
    )
    assert "Traceback" not in run.output, run.output
    return run.exit_code, run.output


def _baseline(bundle: Path, out: Path, *extra: str) -> Path:
    run = CliRunner().invoke(
        cli, ["baseline", "create", "--from", str(bundle), "-o", str(out), *extra]
    )
    assert run.exit_code == 0, run.output
    return out


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(PROVIDER + VOLUME % "a")
    return root


def test_known_findings_do_not_fail_and_a_new_one_does(tmp_path: Path, repo: Path) -> None:
    code, out = _scan(repo, tmp_path / "one")
    assert code == 1, out
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(baseline))
    assert code == 0, out
    assert "0 new finding(s) count" in out
    (repo / "more.tf").write_text(VOLUME % "c")  # same module, another file
    code, out = _scan(repo, tmp_path / "three", "--baseline", str(baseline))
    assert code == 1, out
    assert "1 new finding(s) count" in out, out


def test_moving_a_block_is_not_new(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    # The block moves forty lines down, behind other code: same file, same address.
    (repo / "main.tf").write_text(PROVIDER + "\n" * 40 + "locals { x = 1 }\n" + VOLUME % "a")
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(baseline))
    assert code == 0, out
    doc = json.loads((tmp_path / "two" / "results.json").read_text())
    lines = {
        r["resource"]["location"]["line"] for r in doc["results"] if "location" in r["resource"]
    }
    assert 44 in lines and 3 not in lines  # the finding really moved (from line 3)


def test_a_new_resource_in_another_file_is_never_absorbed(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    # The same address in another file is another resource (another root module).
    (repo / "other").mkdir()
    (repo / "other" / "main.tf").write_text(PROVIDER + VOLUME % "a")
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(baseline))
    assert code == 1, out
    sarif = json.loads((tmp_path / "two" / "results.sarif").read_text())
    states = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r[
            "baselineState"
        ]
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "aws.ebs.volume-encrypted"
    }
    assert states == {
        ("aws.ebs.volume-encrypted", "main.tf"): "unchanged",
        ("aws.ebs.volume-encrypted", "other/main.tf"): "new",
    }


def test_expired_entries_count_again_and_the_run_says_so(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json", "--expires", "2026-01-31")
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(baseline), "--as-of", "2026-01-31")
    assert code == 0, out  # valid through the day it names
    code, out = _scan(
        repo, tmp_path / "three", "--baseline", str(baseline), "--as-of", "2026-02-01"
    )
    assert code == 1, out
    assert "expired entries count again" in out or "expired entry counts again" in out
    run = json.loads((tmp_path / "three" / "results.json").read_text())["run"]
    assert run["baseline"]["notes"] and "expired" in run["baseline"]["notes"][0]
    assert all(m["expired"] for m in run["baseline"]["marks"])


def test_a_known_error_is_not_incomplete_and_a_new_one_is(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(UNREGIONED % "a")
    strict = ("--strict-unknown", "--fail-on", "none")
    code, out = _scan(repo, tmp_path / "one", *strict)
    assert code == 3, out
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    assert any(e.status == "error" for e in load_baseline(baseline).entries)
    code, out = _scan(repo, tmp_path / "two", *strict, "--baseline", str(baseline))
    assert code == 0, out
    (repo / "more.tf").write_text(UNREGIONED % "b")
    code, out = _scan(repo, tmp_path / "three", *strict, "--baseline", str(baseline))
    assert code == 3, out


def test_a_known_error_with_another_message_is_new(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(UNREGIONED % "a")
    strict = ("--strict-unknown", "--fail-on", "none")
    _scan(repo, tmp_path / "one", *strict)
    path = _baseline(tmp_path / "one", tmp_path / "b.json")
    doc = json.loads(path.read_text())
    for e in doc["entries"]:
        if e["status"] == "error":
            e["message_hash"] = "sha256:" + "0" * 64
    path.write_text(json.dumps(doc))
    code, out = _scan(repo, tmp_path / "two", *strict, "--baseline", str(path))
    assert code == 3, out


def test_reports_separate_new_from_known(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    (repo / "main.tf").write_text(PROVIDER + VOLUME % "c")  # a fixed, c new
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(baseline))
    assert code == 1, out
    bundle = tmp_path / "two"
    results = json.loads((bundle / "results.json").read_text())
    jsonschema.validate(results, schema("results"))  # results v1 with its optional baseline
    sarif = json.loads((bundle / "results.sarif").read_text())
    assert schema_errors(SARIF_SCHEMA, sarif) == []
    by_state: dict[str, set[str]] = {}
    for r in sarif["runs"][0]["results"]:
        by_state.setdefault(r["baselineState"], set()).add(r["ruleId"])
        if r["baselineState"] == "absent":
            assert r["kind"] == "pass" and r["level"] == "none"
    assert "aws.ebs.volume-encrypted" in by_state["new"]
    assert "aws.ebs.volume-encrypted" in by_state["absent"]
    assert "repo.codeowners-present" in by_state["unchanged"]
    assert sarif["runs"][0]["properties"]["baseline"]["source"] == str(baseline)
    suites = ET.parse(bundle / "junit.xml").getroot()
    codeowners = suites.find("testsuite[@name='repo.codeowners-present']/testcase")
    assert codeowners is not None and codeowners.find("failure") is None
    skipped = codeowners.find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("known fail")
    ebs = suites.find("testsuite[@name='aws.ebs.volume-encrypted']")
    assert ebs is not None and ebs.get("failures") == "1"
    summary = (bundle / "summary.md").read_text()
    assert "### Failures, new (1)" in summary
    assert "### Failures, known, in the baseline (" in summary
    assert "**1 failing check(s)**" in summary


def test_the_bundle_re_renders_its_baseline_states_byte_for_byte(
    tmp_path: Path, repo: Path
) -> None:
    _scan(repo, tmp_path / "one")
    baseline = _baseline(tmp_path / "one", tmp_path / "b.json")
    (repo / "main.tf").write_text(PROVIDER + VOLUME % "c")
    _scan(repo, tmp_path / "two", "--baseline", str(baseline))
    run = CliRunner().invoke(
        cli,
        [
            "report",
            str(tmp_path / "two"),
            "--format",
            "sarif,junit,md",
            "--output-dir",
            str(tmp_path / "again"),
        ],
    )
    assert run.exit_code == 0, run.output
    for name in ("results.sarif", "junit.xml", "summary.md"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_baseline_in_govscan_yaml_is_relative_to_the_file(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    _baseline(tmp_path / "one", repo / ".govscan-baseline.json")
    (repo / "govscan.yaml").write_text("baseline: .govscan-baseline.json\n")
    code, out = _scan(repo, tmp_path / "two", "--config", str(repo / "govscan.yaml"))
    assert code == 0, out
    (repo / "govscan.yaml").write_text("baseline: [1]\n")
    code, out = _scan(repo, tmp_path / "three", "--config", str(repo / "govscan.yaml"))
    assert code == 2 and "'baseline' must be a baseline file or history" in out


def test_baseline_history_needs_a_history(tmp_path: Path, repo: Path) -> None:
    code, out = _scan(repo, tmp_path / "one", "--baseline", "history")
    assert code == 2
    assert "--baseline history needs --history" in out


@pytest.mark.slow
def test_baseline_history_is_the_last_run_of_the_same_targets(
    tmp_path: Path, repo: Path, history_url: str
) -> None:
    use = ("--history", history_url, "--baseline", "history")
    code, out = _scan(repo, tmp_path / "one", *use)
    assert code == 1, out  # no earlier run: every finding is new
    assert "no earlier run" in out
    code, out = _scan(repo, tmp_path / "two", *use)
    assert code == 0, out
    run = json.loads((tmp_path / "two" / "results.json").read_text())["run"]
    assert run["baseline"]["source"].startswith("history run ")
    (repo / "main.tf").write_text(PROVIDER + VOLUME % "a" + VOLUME % "c")
    code, out = _scan(repo, tmp_path / "three", *use)
    assert code == 1, out
    # Another series (other targets) is not this run's baseline.
    other = tmp_path / "other"
    other.mkdir()
    (other / "main.tf").write_text(PROVIDER + VOLUME % "a")
    code, out = _scan(other, tmp_path / "four", *use)
    assert code == 1 and "no earlier run" in out


def test_a_written_baseline_stays_usable_after_an_expiry_edit(tmp_path: Path, repo: Path) -> None:
    _scan(repo, tmp_path / "one")
    path = _baseline(tmp_path / "one", tmp_path / "b.json")
    b = load_baseline(path)
    from dataclasses import replace

    write_baseline(
        path, replace(b, entries=tuple(replace(e, expires=date(2020, 1, 1)) for e in b.entries))
    )
    code, out = _scan(repo, tmp_path / "two", "--baseline", str(path))
    assert code == 1, out
