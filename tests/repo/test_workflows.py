"""GitHub Actions workflows and composite actions: jobs and steps as resources, judged
by the github.* controls, with SARIF regions at the offending step or job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govscan.catalog.yamlsource import parse_yaml
from govscan.cli import cli
from govscan.collectors.repo.gha_shell import secret_echoes
from govscan.collectors.repo.workflows import Analysis, analyse_action, analyse_workflow

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.name.startswith("gha_") or p.name == "workflows")
GITHUB_TYPES = ["github.workflow", "github.workflow_job", "github.workflow_step"]


def _scan(repo: Path, out: Path) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Scan with only the github.* controls, so the cases judge nothing else."""
    policies = out.parent / "policies"
    policies.mkdir(exist_ok=True)
    (policies / "gh.yaml").write_text(
        yaml.safe_dump({"name": "gh", "select": {"resource_types": GITHUB_TYPES}})
    )
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(repo), "--policies", str(policies), "--policy", "gh"),
            *("--format", "json,sarif", "--output-dir", str(out), "--no-redact"),
            *("--fail-on", "none"),
        ],
    )
    assert "Traceback" not in result.output, result.output
    doc = json.loads((out / "results.json").read_text())
    return result.exit_code, doc, json.loads((out / "results.sarif").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_github_case(case: Path, tmp_path: Path) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    code, doc, _ = _scan(case, tmp_path / "out")
    assert code == 0, doc["errors"]
    got: dict[tuple[str, str], set[str]] = {}
    names = {}
    for r in doc["results"]:
        got.setdefault((r["control_id"], r["status"]), set()).add(r["resource"]["id"])
        names[r["resource"]["id"]] = r["resource"]["name"]
    for control, want in expected.items():
        if not control.startswith("github."):
            continue
        for status, ids in want.items():
            assert set(ids) <= got.get((control, status), set()), (control, status, ids)
    for rid, name in expected.get("names", {}).items():
        assert names[rid] == name


def test_sarif_regions_point_at_the_offending_step_or_job(tmp_path: Path) -> None:
    _, _, sarif = _scan(CASES_DIR / "gha_injection", tmp_path / "out")
    regions = {}
    for r in sarif["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        regions[(r["ruleId"], loc["artifactLocation"]["uri"], loc["region"]["startLine"])] = loc[
            "region"
        ]
    # "Whole issue as JSON": the step spans lines 17-21 of a 55-line file.
    region = regions[("github.no-script-injection", ".github/workflows/triage.yml", 17)]
    assert region == {"startLine": 17, "endLine": 21}
    _, _, sarif = _scan(CASES_DIR / "gha_permissions", tmp_path / "out2")
    (fail,) = [r for r in sarif["runs"][0]["results"] if "one-open" in json.dumps(r["locations"])]
    assert fail["locations"][0]["physicalLocation"]["region"] == {"startLine": 10, "endLine": 13}
    assert "Job docs" in fail["message"]["text"]


def test_the_repositorys_own_workflows_pass(tmp_path: Path) -> None:
    root = Path(__file__).parents[2] / ".github"
    shutil.copytree(root, tmp_path / "repo" / ".github")
    code, doc, _ = _scan(tmp_path / "repo", tmp_path / "out")
    assert code == 0
    judged = [r for r in doc["results"] if r["control_id"].startswith("github.")]
    assert judged
    assert {r["status"] for r in judged} == {"pass"}, [r["message"] for r in judged]


def _analyse(text: str, path: str = ".github/workflows/w.yml") -> Analysis:
    doc = parse_yaml(text, path)
    return analyse_workflow(doc, text.splitlines(), path)


def test_the_workflow_resource_keeps_its_flattened_fields() -> None:
    analysis = _analyse(
        "name: w\n"
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    permissions: {contents: read}\n"
        "    steps:\n"
        "      - uses: vendor/x@v1\n"
        "      - uses: docker://alpine:3\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
        "  b:\n"
        "    uses: org/repo/.github/workflows/r.yml@main\n"
    )
    wf = analysis.workflow
    assert wf["token_restricted"] is False
    assert wf["jobs_without_permissions"] == ["b"]
    assert wf["unpinned_references"] == [
        "docker://alpine:3",
        "org/repo/.github/workflows/r.yml@main",
        "vendor/x@v1",
    ]
    # docker images are not action publishers (the AVV registry reads this list)
    assert wf["third_party_actions"] == ["org/repo/.github/workflows/r.yml", "vendor/x"]
    assert [s["line"] for s in wf["steps"]] == [7, 8, 9, 11]
    assert wf["steps"][2]["run_expressions"] == ["${{ github.event.head_commit.message }}"]
    assert [(p.type, p.name, p.line, p.end_line) for p in analysis.parts] == [
        ("github.workflow_job", "jobs.a", 4, 9),
        ("github.workflow_step", "jobs.a.steps[0]", 7, 7),
        ("github.workflow_step", "jobs.a.steps[1]", 8, 8),
        ("github.workflow_step", "jobs.a.steps[2]", 9, 9),
        ("github.workflow_job", "jobs.b", 10, 11),
        ("github.workflow_step", "jobs.b.uses", 11, 11),
    ]


def test_every_job_setting_permissions_restricts_the_token() -> None:
    wf = _analyse(
        "on: push\njobs:\n  a:\n    permissions: {}\n    steps: [{run: x}]\n"
        "  b:\n    permissions: read-all\n    steps: [{run: y}]\n"
    ).workflow
    assert wf["permissions_set"] is False
    assert wf["token_restricted"] is True


def test_step_env_taints_only_its_own_step() -> None:
    parts = _analyse(
        "on: issues\njobs:\n  a:\n    steps:\n"
        "      - env: {T: '${{ github.event.issue.title }}'}\n"
        "        run: echo ${{ env.T }}\n"
        "      - run: echo ${{ env.T }}\n"
    ).parts
    assert [bool(p.data.get("injections")) for p in parts] == [False, True, False]


@pytest.mark.parametrize(
    "text",
    [
        "on: push\njobs: [a, b]\n",
        "on: push\njobs:\n  a: 3\n  b:\n    steps: run\n",
        "on: push\njobs:\n  a:\n    steps: [1, null, {uses: 7, run: [1]}, {with: 3}]\n",
        "{on: push, jobs: {a: {steps: [{run: 'echo ${{ github.head_ref }}'}, {run: b}]}}}\n",
        "on: push\njobs:\n  a:\n    env: [1]\n    permissions: 5\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title ) }} ${{\n",
    ],
    ids=["jobs-list", "odd-types", "odd-steps", "flow-style", "broken-expression"],
)
def test_odd_workflows_are_judged_without_crashing(text: str) -> None:
    analysis = _analyse(text)
    ids = [(p.type, p.line, p.name) for p in analysis.parts]
    assert len(ids) == len(set(ids))


def test_flow_style_steps_on_one_line_are_told_apart(tmp_path: Path) -> None:
    repo = tmp_path / "repo" / ".github" / "workflows"
    repo.mkdir(parents=True)
    (repo / "w.yml").write_text(
        "{on: issues, permissions: {}, jobs: {a: {steps: "
        "[{run: 'echo ${{ github.event.issue.title }}'}, {run: b}]}}}\n"
    )
    _, doc, _ = _scan(tmp_path / "repo", tmp_path / "out")
    steps = {
        r["resource"]["id"]: r["status"]
        for r in doc["results"]
        if r["control_id"] == "github.no-script-injection"
    }
    assert steps == {
        ".github/workflows/w.yml: jobs.a.steps[0]": "fail",
        ".github/workflows/w.yml: jobs.a.steps[1]": "pass",
    }


def test_hostile_expressions_are_bounded(tmp_path: Path) -> None:
    repo = tmp_path / "repo" / ".github" / "workflows"
    repo.mkdir(parents=True)
    deep = "(" * 5_000 + "github.head_ref" + ")" * 5_000
    chain = "github" + ".event" * 3_000
    many = " ".join("${{ github.sha }}" for _ in range(20_000))
    (repo / "w.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    steps:\n"
        f"      - run: 'echo ${{{{ {deep} }}}}'\n"
        f"      - run: 'echo ${{{{ {chain} }}}}'\n"
        f"      - run: '{many}'\n"
    )
    code, doc, _ = _scan(tmp_path / "repo", tmp_path / "out")
    assert code == 0
    status = {
        r["resource"]["id"]: r["status"]
        for r in doc["results"]
        if r["control_id"] == "github.no-script-injection"
    }
    # Unparseable (too deep) but naming an untrusted value: counted, not dropped.
    assert status[".github/workflows/w.yml: jobs.a.steps[0]"] == "fail"
    assert status[".github/workflows/w.yml: jobs.a.steps[2]"] == "pass"


def test_a_non_composite_action_is_not_judged_and_a_broken_one_is_an_error(
    tmp_path: Path,
) -> None:
    doc = parse_yaml("runs:\n  using: node20\n  main: x.js\n", "action.yml")
    assert analyse_action(doc, [], "action.yml") is None
    repo = tmp_path / "repo" / "actions" / "x"
    repo.mkdir(parents=True)
    (repo / "action.yaml").write_text("runs:\n  using: composite\n  steps: [\n")
    code, doc2, _ = _scan(tmp_path / "repo", tmp_path / "out")
    assert code == 3
    assert any(e["message"].startswith("actions/x/action.yaml:") for e in doc2["errors"])


@pytest.mark.parametrize(
    ("script", "env", "lines"),
    [
        ('echo "${{ secrets.T }}" | docker login -u u --password-stdin', {}, []),
        ('echo "${{ secrets.T }}"', {}, [0]),
        ("echo ok && echo ${{ secrets.T }}", {}, [0]),
        ("echo ${{ secrets.T }} | gh auth login --with-token", {}, []),
        ("echo ${{ secrets.T }} | base64 -d | tee key", {}, [0]),
        ("echo ${{ secrets.T }} >> $GITHUB_ENV", {}, []),
        ("echo ${{ secrets.T }} >&2", {}, [0]),
        ('echo "::add-mask::${{ secrets.T }}"', {}, []),
        ("echo '${{ secrets.A || secrets.B }}' | docker login --password-stdin", {}, []),
        ("printf %s $TOKEN", {"token": frozenset({"secrets.t"})}, [0]),
        ('echo "$TOKEN" | npm login', {"token": frozenset({"secrets.t"})}, []),
        ("echo $OTHER", {"token": frozenset({"secrets.t"})}, []),
        ("make\necho \\\n  ${{ secrets.T }}", {}, [1]),
        ("# echo ${{ secrets.T }}", {}, []),
        ("echo ${{ secrets.T == '' }}", {}, []),
    ],
)
def test_secret_echoes(script: str, env: dict[str, frozenset[str]], lines: list[int]) -> None:
    assert [n for n, _ in secret_echoes(script, env)] == lines
