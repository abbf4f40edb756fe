"""Malformed registries and records: every problem at once, with file:line:col, exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.registry import RegistryCollector, RegistryInvalid, load_document
from govscan.errors import ExitCode, UsageError

HERE = Path(__file__).parent / "malformed"
EXPECTED: dict[str, list[str]] = yaml.safe_load((HERE / "expected.yaml").read_text())


def _kind(name: str) -> str:
    return "records" if name.startswith("records") else "registry"


def test_at_least_ten_malformed_cases() -> None:
    assert len(EXPECTED) >= 10
    assert set(EXPECTED) == {p.name for p in HERE.glob("*.yaml")} - {"expected.yaml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_expected_problem_and_nothing_else(name: str) -> None:
    _, problems = load_document(HERE / name, _kind(name))
    got = [f"{p.line}:{p.col}: {p.message}" for p in problems]
    for want in EXPECTED[name]:
        assert any(g.startswith(want) for g in got), (want, got)
    assert len(got) == len(EXPECTED[name]), got
    assert all(p.path.endswith(name) for p in problems)


def test_validate_command_reports_file_line_and_exits_2(tmp_path: Path) -> None:
    for name in ("05-bad-sha256.yaml", "records-14-problems.yaml"):
        shutil.copy(HERE / name, tmp_path / name)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "05-bad-sha256.yaml:16:36: processors[0].contract.document.sha256" in result.output
    assert "records-14-problems.yaml:12:5: activities[1].id: duplicate" in result.output


def test_validate_command_accepts_the_examples() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    result = CliRunner().invoke(
        cli, ["validate", str(root / "avv-registry.yaml"), str(root / "vvt.yaml")]
    )
    assert result.exit_code == 0, result.output


def test_scan_with_malformed_registry_exits_2_and_scans_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--registry",
            str(HERE / "07-dates-out-of-order.yaml"),
            "--output-dir",
            str(out),
        ],
    )
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "07-dates-out-of-order.yaml:16:7: processors[0].contract.ends" in result.output
    assert not (out / "results.json").exists()


def test_collector_raises_a_usage_error_carrying_every_problem() -> None:
    options: dict[str, Any] = {
        "registry": str(HERE / "11-bad-countries-and-accounts.yaml"),
        "records": str(HERE / "records-14-problems.yaml"),
    }
    with pytest.raises(RegistryInvalid) as info:
        RegistryCollector.from_options(options)
    assert isinstance(info.value, UsageError)
    assert len(info.value.problems) == 8
    assert info.value.exit_code == ExitCode.USAGE


def test_missing_registry_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="registry file not found"):
        RegistryCollector.from_options({"registry": str(tmp_path / "nope.yaml")})
