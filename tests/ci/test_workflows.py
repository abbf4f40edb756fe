"""The GitHub Action and the example CI files, checked as data: they load, name what
they must, pin every action by commit SHA, paste no expression into a script, ask for
no more token permissions than they need, and pass govscan's own workflow controls.

Pinned SHAs cannot be looked up offline; their form is checked here and
docs/continuous.md says how to update them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govscan.cli import cli
from govscan.reporters.gitlab import GitlabReporter

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "examples" / "ci"
PR_GATE = EXAMPLES / "github-pr-gate.yml"
NIGHTLY = EXAMPLES / "github-nightly-audit.yml"
GITLAB = EXAMPLES / "gitlab-ci.yml"
SCRIPT = ROOT / "scripts" / "ci" / "govscan_action.py"
GITHUB_FILES = (ACTION, PR_GATE, NIGHTLY)

SHA_PIN = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
VERSION_COMMENT = re.compile(r"v\d+(\.\d+){0,2}")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), path
    return doc


def steps(doc: dict[Any, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"]["steps"])
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def triggers(doc: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    on = doc.get("on", doc.get(True))
    return on if isinstance(on, dict) else dict.fromkeys([on] if on else [])


@pytest.mark.parametrize("path", GITHUB_FILES, ids=lambda p: p.name)
def test_every_uses_is_pinned_by_sha_with_a_version_comment(path: Path) -> None:
    lines = [m for line in path.read_text().splitlines() if (m := USES_LINE.match(line))]
    parsed = [s["uses"] for s in steps(load(path)) if "uses" in s]
    assert [m["ref"] for m in lines] == parsed
    assert parsed
    for m in lines:
        assert SHA_PIN.fullmatch(m["ref"]), m["ref"]
        assert m["comment"] and VERSION_COMMENT.fullmatch(m["comment"].strip()), m.group(0)


@pytest.mark.parametrize("path", GITHUB_FILES, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_script(path: Path) -> None:
    for script in [s["run"] for s in steps(load(path)) if "run" in s]:
        assert "${{" not in script, script


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (PR_GATE, {"contents": "read", "security-events": "write"}),
        (NIGHTLY, {"contents": "read", "id-token": "write"}),
    ],
    ids=["pr-gate", "nightly"],
)
def test_token_permissions_are_minimal(path: Path, allowed: dict[str, str]) -> None:
    doc = load(path)
    assert doc["permissions"] == {}
    for job in doc["jobs"].values():
        assert job["permissions"] == allowed
        assert "timeout-minutes" in job
    for step in steps(doc):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_action_is_composite_with_the_documented_inputs() -> None:
    doc = load(ACTION)
    assert doc["runs"]["using"] == "composite"
    inputs = set(doc["inputs"])
    assert {
        "repo",
        "policy",
        "args",
        "fail-on",
        "baseline",
        "upload-sarif",
        "formats",
        "python-version",
    } <= inputs
    text = ACTION.read_text()
    used = {m.strip().removeprefix("inputs.") for m in re.findall(r"inputs\.[a-z-]+", text)}
    assert used == inputs, "every input is used and every used input declared"
    for step in steps(doc):
        if "run" in step:
            assert step["shell"] == "bash"


def test_action_passes_inputs_by_the_names_its_script_reads() -> None:
    doc = load(ACTION)
    script = SCRIPT.read_text()
    by_id = {s.get("id"): s for s in steps(doc)}
    for name in by_id["scan"]["env"]:
        assert f'"{name}"' in script, name
    for name in by_id["install"]["env"]:
        assert f'"{name}"' in script, name
    written = set(re.findall(r'_set_output\(env, "([a-z-]+)"', script))
    referenced = set(re.findall(r"steps\.(?:scan|install)\.outputs\.([a-z-]+)", ACTION.read_text()))
    assert referenced <= written
    assert {o["value"] for o in doc["outputs"].values()} == {
        "${{ steps.scan.outputs.exit-code }}",
        "${{ steps.scan.outputs.output-dir }}",
        "${{ steps.scan.outputs.sarif-file }}",
    }


def test_action_uploads_sarif_through_codeql_and_exits_last() -> None:
    all_steps = steps(load(ACTION))
    upload = next(s for s in all_steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    # The verdict comes after the summary and the upload.
    names = [s.get("id") or s.get("name") for s in all_steps]
    assert names.index("scan") < all_steps.index(upload) < len(all_steps) - 1
    assert all_steps[-1]["run"].startswith('exit "${GOVSCAN_EXIT_CODE')


def test_pr_gate_uses_the_action_with_a_baseline_on_pull_request() -> None:
    doc = load(PR_GATE)
    assert "pull_request" in triggers(doc)
    assert "pull_request_target" not in triggers(doc)
    action_inputs = set(load(ACTION)["inputs"])
    [gate] = [s for s in steps(doc) if s.get("uses", "").startswith("govscan/govscan@")]
    assert set(gate["with"]) <= action_inputs
    assert gate["with"]["baseline"] == ".govscan-baseline.json"
    assert gate["with"]["upload-sarif"] == "true"


def test_nightly_audit_signs_records_and_pushes_through_oidc() -> None:
    doc = load(NIGHTLY)
    assert set(triggers(doc)) == {"schedule", "workflow_dispatch"}
    all_steps = steps(doc)
    aws = next(s for s in all_steps if "configure-aws-credentials" in s.get("uses", ""))
    assert "role-to-assume" in aws["with"]
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(aws["with"])
    scan = next(s for s in all_steps if "govscan scan" in s.get("run", ""))
    assert scan["env"]["GOVSCAN_SIGNING_KEY"].startswith("${{ secrets.")
    assert scan["env"]["GOVSCAN_HISTORY"].startswith("${{ secrets.")
    assert re.search(r"--history(\s|$)", scan["run"]) and "--aws" in scan["run"]
    assert "postgresql://" not in NIGHTLY.read_text().split("jobs:")[1]
    push = next(s for s in all_steps if "govscan evidence push" in s.get("run", ""))
    assert re.search(r'"s3://[^"]+"\s+--retain-days \d+', push["run"])
    assert re.search(r"--history(\s|$)", push["run"])
    assert push["env"]["GOVSCAN_HISTORY"] == scan["env"]["GOVSCAN_HISTORY"]
    assert "!cancelled()" in push["if"]


def test_gitlab_template_reports_code_quality_and_junit() -> None:
    doc = load(GITLAB)
    job = doc["govscan"]
    script = " ".join(job["script"])
    assert re.search(r"--format gitlab\b", script)
    assert "${{" not in script
    out = re.search(r"--output-dir (\S+)", script)
    assert out is not None
    reports = job["artifacts"]["reports"]
    assert reports["codequality"] == f"{out.group(1)}/{GitlabReporter.filename}"
    assert reports["junit"] == f"{out.group(1)}/junit.xml"
    assert job["artifacts"]["when"] == "always"
    rules = " ".join(r["if"] for r in job["rules"])
    assert "merge_request_event" in rules and "CI_DEFAULT_BRANCH" in rules
    assert set(doc["variables"]) >= {"GOVSCAN_VERSION", "GOVSCAN_FAIL_ON", "GOVSCAN_BASELINE"}


def test_the_action_and_examples_pass_govscans_workflow_controls(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ACTION, repo / "action.yml")
    for path in (PR_GATE, NIGHTLY):
        shutil.copy(path, repo / ".github" / "workflows" / path.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["scan", "--repo", str(repo), "--output-dir", str(out), "--no-redact", "--fail-on", "none"],
    )
    assert result.exit_code == 0, result.output
    judged = [
        r
        for r in json.loads((out / "results.json").read_text())["results"]
        if r["control_id"].startswith("github.")
    ]
    bad = [
        (r["control_id"], r["resource"]["id"], r["status"])
        for r in judged
        if r["status"] not in ("pass", "not_applicable")
    ]
    assert not bad
    files = {r["resource"]["id"].split(":")[0] for r in judged}
    assert files == {"action.yml", *(f".github/workflows/{p.name}" for p in (PR_GATE, NIGHTLY))}
    passed = {r["control_id"] for r in judged if r["status"] == "pass"}
    assert {
        "github.actions-pinned-to-sha",
        "github.no-script-injection",
        "github.no-secrets-echoed",
        "github.workflow-permissions-restricted",
    } <= passed
