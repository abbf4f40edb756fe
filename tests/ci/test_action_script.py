"""The GitHub Action's script (scripts/ci/govscan_action.py), and the action's run
steps executed as a runner would: inputs through env, outputs through GITHUB_OUTPUT,
the job summary through a fake GITHUB_STEP_SUMMARY, govscan's exit code last."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ci" / "govscan_action.py"
ACTION = ROOT / "action.yml"
GOVSCAN = Path(sys.executable).parent / "govscan"
PINNED = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govscan_action", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


action = _module()


def tiny_repo(root: Path, *, unpinned: bool) -> Path:
    wf = root / "repo" / ".github" / "workflows"
    wf.mkdir(parents=True)
    ref = "some-org/lint@v2" if unpinned else PINNED + " # v7.0.1"
    (wf / "ci.yml").write_text(
        "name: ci\non: pull_request\npermissions: {}\njobs:\n  ci:\n"
        "    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n"
        f"    steps:\n      - uses: {ref}\n"
    )
    return root / "repo"


def outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


# install -------------------------------------------------------------------------


def test_a_release_tag_installs_that_release_then_the_checkout(tmp_path: Path) -> None:
    specs = action.install_specs("v1.4.2", str(tmp_path), "aws, postgres")
    assert specs == ["govscan[aws,postgres]==1.4.2", f"{tmp_path.resolve()}[aws,postgres]"]
    assert action.install_specs("2.0.0rc1", "", "")[0] == "govscan==2.0.0rc1"


@pytest.mark.parametrize(
    "ref", ["e1fa0701f304d93dfe7cf6cfca17b45d42434554", "main", "", "v1.x", "v1", "v1.4"]
)
def test_any_other_ref_installs_the_actions_own_checkout(ref: str, tmp_path: Path) -> None:
    assert action.install_specs(ref, str(tmp_path), "") == [str(tmp_path.resolve())]


@pytest.mark.parametrize("extras", ["aws]; rm -rf /", "aws postgres,", "../x", "AWS"])
def test_extras_are_names_only(extras: str) -> None:
    with pytest.raises(action.ActionError, match="extras"):
        action.install_specs("v1.0.0", "/a", extras)


def test_nothing_to_install_is_an_error() -> None:
    with pytest.raises(action.ActionError):
        action.install_specs("main", "", "")


def test_install_falls_back_to_the_checkout_and_reports_the_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "venv" / "bin"
    monkeypatch.setattr(action, "make_venv", lambda home: bindir)
    tried: list[str] = []

    def pip(argv: Sequence[str], env: Mapping[str, str]) -> int:
        tried.append(argv[-1])
        return 1 if argv[-1].startswith("govscan==") else 0  # the release is not on PyPI

    env = {
        "GITHUB_ACTION_REF": "v9.9.9",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(tmp_path / "out.txt"),
    }
    assert action.install(env, pip) == bindir / "govscan"
    assert tried == ["govscan==9.9.9", str(ROOT)]
    assert outputs(tmp_path / "out.txt") == {"bin": str(bindir / "govscan")}


def test_install_that_fails_everywhere_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(action, "make_venv", lambda home: tmp_path)
    monkeypatch.setattr(action, "_run", lambda argv, env: 1)
    env = {"GITHUB_ACTION_REF": "v1.0.0", "GITHUB_ACTION_PATH": str(ROOT)}
    assert action.main(["install"], env) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("govscan action: govscan could not be installed (tried: ")


# scan arguments ------------------------------------------------------------------


def test_inputs_become_one_argument_each_and_no_shell_runs_them() -> None:
    argv = action.scan_argv(
        {
            "GOVSCAN_BIN": "/x/govscan",
            "INPUT_REPO": "infra dir",
            "INPUT_POLICY": "dsgvo",
            "INPUT_FAIL_ON": "Critical",
            "INPUT_BASELINE": ".govscan-baseline.json",
            "INPUT_FORMATS": "junit, sarif,junit",
            "INPUT_UPLOAD_SARIF": "true",
            "INPUT_ARGS": "--param 'owner=a b' $(touch x);",
        }
    )
    assert argv == [
        "/x/govscan",
        "scan",
        "--policy",
        "dsgvo",
        "--fail-on",
        "critical",
        "--format",
        "junit,sarif,md",
        "--output-dir",
        "govscan-results",
        "--repo",
        "infra dir",
        "--baseline",
        ".govscan-baseline.json",
        "--param",
        "owner=a b",
        "$(touch",
        "x);",
    ]


def test_defaults_scan_nothing_but_what_is_asked() -> None:
    argv = action.scan_argv({})
    assert argv[:6] == ["govscan", "scan", "--policy", "baseline", "--fail-on", "high"]
    assert "--repo" not in argv and "--baseline" not in argv
    assert argv[argv.index("--format") + 1] == "md"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INPUT_FAIL_ON": "severe"}, "fail-on"),
        ({"INPUT_ARGS": "--param 'unclosed"}, "args"),
        ({"INPUT_OUTPUT_DIR": "out\nexit-code=0"}, "output-dir"),
    ],
)
def test_a_wrong_input_is_one_line_and_exit_2(
    env: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert action.main(["scan"], env) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"govscan action: {message}") and "\n" not in err


# scan with govscan -----------------------------------------------------------------


def _scan(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    env = {
        **os.environ,
        "GOVSCAN_BIN": str(GOVSCAN),
        "INPUT_OUTPUT_DIR": str(tmp_path / "bundle"),
        "INPUT_UPLOAD_SARIF": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
        **inputs,
    }
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "scan"], env=env, cwd=tmp_path, capture_output=True
    )
    summary = tmp_path / "summary.md"
    return proc.returncode, outputs(tmp_path / "outputs.txt"), summary.read_text()


@pytest.mark.slow
def test_a_failing_scan_writes_the_summary_once_and_records_exit_1(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path, unpinned=True)
    code, out, summary = _scan(tmp_path, INPUT_REPO=str(repo), INPUT_FAIL_ON="high")
    assert code == 0  # the verdict step exits, after the upload
    assert out["exit-code"] == "1"
    assert out["sarif-file"] == str(tmp_path / "bundle" / "results.sarif")
    assert Path(out["sarif-file"]).is_file()
    assert summary == (tmp_path / "bundle" / "summary.md").read_text()
    assert "github.actions-pinned-to-sha" in summary
    assert summary.count("## govscan") == 1


@pytest.mark.slow
def test_a_scan_that_stops_early_still_leaves_a_summary(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path, unpinned=False)
    code, out, summary = _scan(
        tmp_path, INPUT_REPO=str(repo), INPUT_ARGS="$(touch pwned) ; touch pwned2"
    )
    assert code == 0
    assert out["exit-code"] == "2"  # govscan refused the stray arguments
    assert out["sarif-file"] == ""
    assert "exited with code 2 before writing a summary" in summary
    assert not list(tmp_path.rglob("pwned*"))


# the action's steps, run as a runner runs them -------------------------------------


def _expand(
    value: Any, inputs: Mapping[str, str], step_outputs: Mapping[str, dict[str, str]]
) -> str:
    def one(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr.startswith("steps."):
            step, _, name = expr.removeprefix("steps.").split(".", 2)
            return step_outputs.get(step, {}).get(name, "")
        assert expr == "github.action_ref", expr
        return ""

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_action(tmp_path: Path, with_: Mapping[str, str]) -> tuple[int, dict[str, str]]:
    """The composite action's run steps in order; ``uses:`` steps are recorded, not run,
    and the install step is replaced by the govscan of this test environment."""
    doc = yaml.safe_load(ACTION.read_text())
    inputs = {k: str(v.get("default", "")) for k, v in doc["inputs"].items()} | dict(with_)
    step_outputs: dict[str, dict[str, str]] = {"install": {"bin": str(GOVSCAN)}}
    uploads: list[str] = []
    code = 0
    for i, step in enumerate(doc["runs"]["steps"]):
        if step.get("id") == "install":
            continue
        if "uses" in step:
            if "upload-sarif" in step["uses"]:
                sarif = _expand(step["with"]["sarif_file"], inputs, step_outputs)
                if inputs["upload-sarif"] == "true" and sarif:
                    uploads.append(sarif)
            continue
        out_file = tmp_path / f"step{i}.out"
        env = {
            **os.environ,
            **{k: _expand(v, inputs, step_outputs) for k, v in step.get("env", {}).items()},
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(out_file),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        }
        proc = subprocess.run(["bash", "-c", step["run"]], env=env, cwd=tmp_path)
        step_outputs[step.get("id", f"step{i}")] = outputs(out_file)
        code = proc.returncode
        if code:
            break
    result = {f"upload:{n}": path for n, path in enumerate(uploads)}
    return code, {**result, **step_outputs.get("scan", {})}


@pytest.mark.slow
@pytest.mark.parametrize(("unpinned", "exit_code"), [(True, 1), (False, 0)])
def test_the_action_exits_with_govscans_code_after_summary_and_upload(
    tmp_path: Path, unpinned: bool, exit_code: int
) -> None:
    repo = tiny_repo(tmp_path, unpinned=unpinned)
    code, out = run_action(tmp_path, {"repo": str(repo), "formats": "junit"})
    assert code == exit_code
    assert out["exit-code"] == str(exit_code)
    assert out["upload:0"] == "govscan-results/results.sarif"
    bundle = tmp_path / "govscan-results"
    assert {"summary.md", "results.sarif", "junit.xml"} <= {p.name for p in bundle.iterdir()}
    assert (tmp_path / "summary.md").read_text() == (bundle / "summary.md").read_text()


@pytest.mark.slow
def test_the_action_without_upload_writes_no_sarif(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path, unpinned=False)
    code, out = run_action(tmp_path, {"repo": str(repo), "upload-sarif": "false"})
    assert code == 0
    assert "upload:0" not in out and out["sarif-file"] == ""
