"""Every shipped control carries tests, each has a passing and a failing case, and
all of them hold: ``govscan test --require-tests`` over the built-in controls."""

from __future__ import annotations

from collections import defaultdict

import jsonschema
import yaml

from govscan.catalog.case_schema import file_json_schema
from govscan.controltest import load_suite, run_cli
from govscan.model import Status
from govscan.paths import content_dir


def test_every_shipped_control_is_tested_and_its_tests_pass() -> None:
    lines: list[str] = []
    code = run_cli([], None, True, lines.append)
    assert code == 0, "\n".join(lines)
    assert not any(line.startswith(("FAIL", "UNTESTED")) for line in lines)


def test_every_shipped_control_has_a_passing_and_a_failing_case() -> None:
    suite, problems = load_suite([])
    assert not problems
    expected: dict[str, set[Status]] = defaultdict(set)
    for case in suite.cases:
        expected[case.control_id].add(case.expect)
    assert {c.id for c in suite.selected} == set(expected)
    for control_id, statuses in expected.items():
        assert {Status.PASS, Status.FAIL} <= statuses, control_id


def test_shipped_test_files_fit_the_file_json_schema() -> None:
    validator = jsonschema.Draft202012Validator(file_json_schema())
    files = sorted(content_dir("controls").rglob("*.test.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path, errors[0].message)
