"""The GitLab Code Quality report: its format, what it leaves out, and a real scan."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.model import Location, ResourceRef, Result, ResultList, ScanResult, Severity, Status
from govscan.reporters.gitlab import SEVERITY, GitlabReporter
from govscan.reporters.interface import ReportOptions
from govscan.reporters.registry import available_formats, get_reporter
from govscan.reporters.sarif import fingerprint
from govscan.results.spool import ResultSpool

from ..reporters.sample_scan import sample_scan
from ..reporters.support import assert_golden

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "gitlab-code-quality.schema.json").read_text())
CASE = HERE.parent / "repo" / "cases" / "ci_gitlab_report"


def _issues(scan: ScanResult) -> list[dict[str, Any]]:
    doc = json.loads(GitlabReporter().render(scan, ReportOptions()))
    jsonschema.validate(doc, SCHEMA)
    assert isinstance(doc, list)
    return doc


def _result(status: Status, path: str | None, rid: str = "main: aws_s3_bucket.a") -> Result:
    loc = Location(path, 3, 7) if path is not None else None
    ref = ResourceRef(type="aws.s3.bucket", id=rid, name="a", provider="aws", location=loc)
    return Result(
        control_id="aws.s3.bucket-versioning",
        title="Buckets keep versions",
        severity=Severity.MEDIUM,
        status=status,
        resource=ref,
        frameworks={},
        message="Bucket a does not keep versions",
        fingerprint=f"fp-{rid}",
    )


def _scan(*results: Result) -> ScanResult:
    return replace(sample_scan(), results=ResultList(list(results)))


def test_registered_as_gitlab_with_gitlabs_file_name() -> None:
    assert "gitlab" in available_formats()
    reporter = get_reporter("gitlab")
    assert isinstance(reporter, GitlabReporter)
    assert reporter.filename == "gl-code-quality-report.json"


def test_sample_scan_matches_golden_and_schema() -> None:
    data = GitlabReporter().render(sample_scan(), ReportOptions())
    assert_golden("gl-code-quality-report.json", data)
    assert _issues(sample_scan())


def test_only_failures_and_errors_with_a_file_become_issues() -> None:
    scan = sample_scan()
    issues = _issues(scan)
    expected = {
        fingerprint(r)
        for r in scan.results
        if r.status in (Status.FAIL, Status.ERROR) and r.resource.location is not None
    }
    assert {i["fingerprint"] for i in issues} == expected
    # The sample has cloud failures: none of them may appear under an invented path.
    assert any(r.resource.location is None and r.status is Status.FAIL for r in scan.results)


def test_fields_of_one_issue() -> None:
    [issue] = _issues(_scan(_result(Status.FAIL, "./modules/s3/main.tf")))
    assert issue == {
        "type": "issue",
        "description": "Bucket a does not keep versions",
        "check_name": "aws.s3.bucket-versioning",
        "categories": ["Security"],
        "fingerprint": "fp-main: aws_s3_bucket.a",
        "severity": "major",
        "location": {"path": "modules/s3/main.tf", "lines": {"begin": 3, "end": 7}},
    }


def test_an_error_says_it_could_not_be_evaluated() -> None:
    [issue] = _issues(_scan(_result(Status.ERROR, "main.tf")))
    assert issue["description"].startswith("Could not be evaluated: ")


@pytest.mark.parametrize("status", [Status.PASS, Status.WAIVED, Status.NOT_APPLICABLE])
def test_passes_waivers_and_not_applicable_are_no_issues(status: Status) -> None:
    assert _issues(_scan(_result(status, "main.tf"))) == []


def test_results_without_a_file_are_left_out() -> None:
    assert _issues(_scan(_result(Status.FAIL, None), _result(Status.FAIL, ""))) == []
    assert GitlabReporter().render(_scan(), ReportOptions()) == b"[]\n"


def test_a_fingerprint_appears_once() -> None:
    # GitLab would show only the first of two issues with one fingerprint.
    twice = _scan(_result(Status.FAIL, "a.tf", "x"), _result(Status.ERROR, "b.tf", "x"))
    assert len(_issues(twice)) == 1


def test_severities_keep_their_order() -> None:
    gitlab_order = ["info", "minor", "major", "critical", "blocker"]
    ours = sorted(Severity, key=lambda s: s.rank)
    assert [SEVERITY[s] for s in ours] == gitlab_order


def test_hostile_text_stays_inside_its_json_string() -> None:
    evil = '"}], "x": [{"a": "\u2028 <script>'
    r = replace(_result(Status.FAIL, 'dir/"evil".tf'), message=evil)
    [issue] = _issues(_scan(r))
    assert issue["description"] == evil
    assert issue["location"]["path"] == 'dir/"evil".tf'


def test_the_same_bytes_from_the_spool_and_from_memory() -> None:
    in_memory = sample_scan()
    spool = ResultSpool(batch=3)
    for r in in_memory.results:
        spool.add(r)
    on_disk = replace(in_memory, results=spool.seal())
    reporter = GitlabReporter()
    assert reporter.render(on_disk, ReportOptions()) == reporter.render(in_memory, ReportOptions())


def test_scan_of_a_repository_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--repo",
            str(CASE),
            "--format",
            "gitlab",
            "--output-dir",
            str(out),
            "--fail-on",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    issues = json.loads((out / "gl-code-quality-report.json").read_text())
    jsonschema.validate(issues, SCHEMA)
    by_check = {(i["check_name"], i["location"]["path"]): i for i in issues}
    step = by_check[("github.actions-pinned-to-sha", ".github/workflows/build.yml")]
    assert step["severity"] == "critical"
    assert step["location"]["lines"]["begin"] == 11
    assert by_check[("aws.s3.bucket-versioning", "main.tf")]["location"]["lines"]["begin"] == 1
    results = json.loads((out / "results.json").read_text())["results"]
    fingerprints = {r["fingerprint"] for r in results if r["status"] in ("fail", "error")}
    assert {i["fingerprint"] for i in issues} <= fingerprints
    # The manifest lists the report like every other file of the bundle.
    manifest = json.loads((out / "manifest.json").read_text())
    assert "gl-code-quality-report.json" in json.dumps(manifest)


def test_report_re_renders_it_from_the_bundle_byte_for_byte(tmp_path: Path) -> None:
    out, again = tmp_path / "out", tmp_path / "again"
    args = ["--repo", str(CASE), "--format", "gitlab", "--output-dir", str(out)]
    assert CliRunner().invoke(cli, ["scan", *args, "--fail-on", "none"]).exit_code == 0
    result = CliRunner().invoke(
        cli, ["report", str(out), "--format", "gitlab", "--output-dir", str(again)]
    )
    assert result.exit_code == 0, result.output
    name = GitlabReporter.filename
    assert (again / name).read_bytes() == (out / name).read_bytes()
