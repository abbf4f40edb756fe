"""Every malformed control and policy file is reported with file:line:col, all at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govscan.cli import cli
from govscan.validate import validate_paths

CORPUS = Path(__file__).parent / "malformed"
EXPECTED: dict[str, list[str]] = yaml.safe_load((CORPUS / "expected.yaml").read_text())


@pytest.fixture(scope="module")
def problems() -> list[str]:
    from govscan import plugins

    from .fakes import FakeCollector

    plugins.register(plugins.COLLECTORS_GROUP, "fake", FakeCollector)
    found, _ = validate_paths([CORPUS / "controls", CORPUS / "policies"])
    return [str(p) for p in found]


def test_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_expected_problem_is_reported(name: str, problems: list[str]) -> None:
    lines = [p for p in problems if p.split(":", 1)[0].endswith(name)]
    for want in EXPECTED[name]:
        pos, _, text = want.partition(": ")
        pattern = re.escape(f"{name}:{pos}: ") + ".*" + re.escape(text)
        assert any(re.search(pattern, line) for line in lines), (want, lines)


def test_every_broken_file_is_named(problems: list[str]) -> None:
    named = {p.split(":", 1)[0] for p in problems}
    for f in list((CORPUS / "controls").glob("*.yaml")) + list(
        (CORPUS / "policies").glob("*.yaml")
    ):
        if f.name == "06-dup-a.yaml":
            continue  # the first of a duplicate pair is valid on its own
        assert any(n.endswith(f.name) for n in named), f.name


def test_unknown_operator_lists_valid_operators(problems: list[str]) -> None:
    line = next(p for p in problems if "unknown operator 'equals'" in p)
    assert "eq" in line and "regex" in line


def test_cli_exits_2_and_prints_every_file(tmp_path: Path) -> None:
    target = tmp_path / "broken"
    shutil.copytree(CORPUS / "controls", target)
    result = CliRunner().invoke(cli, ["validate", str(target)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for f in target.glob("*.yaml"):
        if f.name != "06-dup-a.yaml":
            assert f.name in result.output


def test_shipped_content_validates() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
