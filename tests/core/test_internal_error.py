"""A defect in govscan still ends in one line and an exit code that is no verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan import runner
from govscan.cli import cli
from govscan.errors import ExitCode


def _boom(*_a: object, **_k: object) -> None:
    raise RuntimeError("unexpected state\nsecond line")


@pytest.mark.parametrize("verbose", [[], ["-vv"]])
def test_an_internal_error_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, verbose: list[str]
) -> None:
    monkeypatch.setattr(runner, "run", _boom)
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    result = CliRunner().invoke(
        cli, [*verbose, "scan", "--repo", str(tmp_path), "--output-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == ExitCode.INCOMPLETE
    lines = [ln for ln in result.output.splitlines() if "govscan: internal error:" in ln]
    assert len(lines) == 1
    assert "RuntimeError: unexpected state\\x0asecond line" in lines[0]
    assert ("Traceback" in result.output) == bool(verbose)
