"""The import layers of pyproject.toml hold, and a back-edge breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def _lint(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "pyproject.toml", cwd / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_contracts_hold(tmp_path: Path) -> None:
    result = _lint(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("catalog/controls.py", "import govscan.engine.conditions", "No package imports one above"),
        ("model.py", "import govscan.cli", "No package imports one above"),
        ("evidence/bundle.py", "import govscan.reporters.markdown", "No package imports one"),
        ("engine/plan.py", "import govscan.collectors.aws", "never a collector"),
        ("reporters/csv_report.py", "import govscan.engine.scan", "never the engine"),
    ],
)
def test_a_back_edge_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "govscan", src / "govscan", ignore=shutil.ignore_patterns("data")
    )
    path = src / "govscan" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = _lint(src, tmp_path)
    assert result.returncode == 1
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), result.stdout
