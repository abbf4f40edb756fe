"""A policy's ``not_applicable``: validated against the catalogs, inherited, in the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscan.catalog.policies import load_policy
from govscan.catalog.policy_validate import validate_policy_document
from govscan.catalog.yamlsource import parse_yaml
from govscan.config import merge_scan_options
from govscan.runinfo import RunInfo
from govscan.serialize import run_from_dict, run_to_dict


def _problems(text: str) -> list[str]:
    return [
        f"{p.line}:{p.col}: {p.message}"
        for p in validate_policy_document(parse_yaml(text, "p.yaml"))
    ]


def test_declared_requirements_are_checked_against_the_catalogs() -> None:
    text = (
        "name: p\nnot_applicable:\n  iso27001-2022:\n    A.7.4: no premises\n"
        "    A.7.99: typo\n  nist-9:\n    x: y\n"
    )
    assert _problems(text) == [
        "5:5: requirement 'A.7.99' is not in the iso27001-2022 catalog",
        "6:3: unknown framework key 'nist-9'",
    ]


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ("  iso27001-2022:\n    A.7.4: ''\n", "4:12: 'A.7.4' must not be empty"),
        ("  iso27001-2022:\n    A.7.4:\n", "4:11: 'A.7.4' must be a string"),
        ("  iso27001-2022: {}\n", "3:18: 'iso27001-2022' must not be empty"),
    ],
)
def test_a_justification_is_required(body: str, want: str) -> None:
    problems = _problems("name: p\nnot_applicable:\n" + body)
    assert any(p.startswith(want) for p in problems), problems


def test_a_child_policy_adds_to_its_parents_declarations(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(
        "name: parent\nnot_applicable: {iso27001-2022: {A.7.4: no premises}}\n"
    )
    (tmp_path / "child.yaml").write_text(
        "name: child\nextends: parent.yaml\n"
        "not_applicable: {iso27001-2022: {A.7.1: ' no offices '}, bsi-c5-2020: {PS-01: none}}\n"
    )
    policy = load_policy(str(tmp_path / "child.yaml"))
    assert policy.not_applicable == {
        "iso27001-2022": {"A.7.4": "no premises", "A.7.1": "no offices"},
        "bsi-c5-2020": {"PS-01": "none"},
    }


def test_the_run_records_it_and_reads_it_back() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    run = RunInfo("r", now, now, "0", "p", not_applicable={"iso27001-2022": {"A.7.4": "why"}})
    doc = run_to_dict(run)
    assert doc["not_applicable"] == {"iso27001-2022": {"A.7.4": "why"}}
    assert run_from_dict(doc).not_applicable == run.not_applicable
    assert "not_applicable" not in run_to_dict(RunInfo("r", now, now, "0", "p"))


def test_attestations_in_govscan_yaml_are_relative_to_it(tmp_path: Path) -> None:
    merged = merge_scan_options({"_base": tmp_path, "attestations": "att"}, {})
    assert merged["attestations"] == str(tmp_path / "att")
    flag = merge_scan_options({"_base": tmp_path, "attestations": "att"}, {"attestations": "x"})
    assert flag["attestations"] == "x"
