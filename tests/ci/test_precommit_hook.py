"""The pre-commit hook (.pre-commit-hooks.yaml): its declaration, and its entry run as
pre-commit runs it (split like a shell line, hook arguments appended)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text())
    assert isinstance(hooks, list) and len(hooks) == 1
    assert isinstance(hooks[0], dict)
    return hooks[0]


def test_declares_a_python_hook_that_scans_the_whole_repository() -> None:
    h = hook()
    assert h["id"] == "govscan"
    assert h["language"] == "python"
    assert h["pass_filenames"] is False
    assert {"name", "entry", "description"} <= set(h)
    entry = h["entry"]
    assert "govscan scan --repo . --format md --fail-on high" in entry
    assert '--output-dir "$out/bundle"' in entry and "mktemp -d" in entry


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("main.tf", True),
        ("modules/net/vars.tf.json", True),
        ("prod.tfvars", True),
        (".github/workflows/ci.yml", True),
        ("action.yaml", True),
        ("docker/Dockerfile", True),
        ("Dockerfile.build", True),
        ("README.md", False),
        ("src/app.py", False),
    ],
)
def test_runs_when_a_scanned_kind_of_file_is_committed(path: str, runs: bool) -> None:
    # pre-commit matches `files` with re.search against the path.
    assert bool(re.search(hook()["files"], path)) is runs


def _run(repo: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TMPDIR": str(tmp),
    }
    env.pop("GITHUB_STEP_SUMMARY", None)
    argv = [*shlex.split(hook()["entry"]), *args]
    return subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True)


def _repo(tmp_path: Path, uses: str) -> Path:
    wf = tmp_path / "repo" / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        f"    permissions: {{contents: read}}\n    steps:\n      - uses: {uses}\n"
    )
    return tmp_path / "repo"


@pytest.mark.slow
def test_a_high_finding_fails_the_commit_and_shows_the_summary(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "some-org/deploy@v3")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = _run(repo, tmp)
    assert proc.returncode == 1, proc.stderr
    assert "github.actions-pinned-to-sha" in proc.stdout
    assert "failing check" in proc.stdout
    assert list(tmp.iterdir()) == []  # the bundle is removed
    assert {p.name for p in repo.iterdir()} == {".github"}  # nothing written into the repo


@pytest.mark.slow
def test_hook_arguments_reach_govscan(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "some-org/deploy@v3")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # args: in .pre-commit-config.yaml come after the entry; the last --fail-on wins.
    assert _run(repo, tmp, "--fail-on", "critical").returncode == 0
    bad = _run(repo, tmp, "--policy", "no-such-policy")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert list(tmp.iterdir()) == []
