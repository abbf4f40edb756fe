"""Values of the wrong type or out of range are one-line problems with file:line (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.catalog.parameters import MAX_INTEGER, coerce_value
from govscan.catalog.policies import load_policy, validate_policy_document
from govscan.catalog.yamlsource import parse_yaml
from govscan.cli import cli
from govscan.config import load_config
from govscan.errors import UsageError, ValidationError
from govscan.language.check import validate_check
from govscan.runner import load_catalog

from .fakes import FakeCollector, thing

HUGE = "1" + "0" * 400


def _param_policy(ptype: str, default: str) -> str:
    return f"name: p\nparameters:\n  limit:\n    type: {ptype}\n    default: {default}\n"


@pytest.mark.parametrize(
    ("ptype", "default"),
    [
        ("integer", ".inf"),
        ("integer", "-.inf"),
        ("integer", ".nan"),
        ("integer", "1.5"),
        ("integer", HUGE),
        ("integer", str(MAX_INTEGER + 1)),
        ("integer", "2026-01-01"),
        ("integer", "[1]"),
        ("integer", "true"),
        ("number", ".nan"),
        ("number", ".inf"),
        ("number", "1.0e+400"),
        ("number", HUGE),
        ("number", "2026-01-01"),
        ("string", "[a, b]"),
        ("string", "{a: 1}"),
        ("string", "2026-01-01"),
        ("string", "1.5"),
        ("string", "true"),
        ("list", "[{a: 1}]"),
        ("list", "[[1]]"),
        ("list", "[.nan]"),
        ("list", f"[{HUGE}]"),
        ("list", "[2026-01-01]"),
        ("boolean", "[true]"),
        ("boolean", "{a: 1}"),
        ("date", "5"),
        ("date", "[2026-01-01]"),
    ],
)
def test_bad_parameter_defaults_are_problems_at_their_line(ptype: str, default: str) -> None:
    doc = parse_yaml(_param_policy(ptype, default), "policies/p.yaml")
    problems = validate_policy_document(doc)
    assert [f"{p.path}:{p.line}" for p in problems] == ["policies/p.yaml:5"], problems
    assert f"expects a value of type {ptype}" in problems[0].message


@pytest.mark.parametrize(
    ("ptype", "raw", "want"),
    [
        ("integer", 7, 7),
        ("integer", 7.0, 7),
        ("integer", " 12 ", 12),
        ("integer", MAX_INTEGER, MAX_INTEGER),
        ("number", 2, 2.0),
        ("number", "1e3", 1000.0),
        ("string", 123456789012, "123456789012"),
        ("list", ["a", 1, 2.5, True], ["a", 1, 2.5, True]),
        ("boolean", "Yes", True),
    ],
)
def test_good_values_still_coerce(ptype: str, raw: object, want: object) -> None:
    assert coerce_value("x", ptype, raw) == want


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("name: p\nparameters:\n  1: {type: integer, default: 1}\n", 3, "must be a string"),
        ("name: p\nparameters:\n  x: {type: [integer]}\n", 3, "unknown parameter type"),
        ("name: p\nparameters:\n  x: {type: string, description: [a]}\n", 3, "'description'"),
        ("name: p\nseverity: {aws.s3.x: [high]}\n", 2, "bad severity"),
        ("name: p\nseverity: {1: high}\n", 2, "must be a string"),
        ("name: p\nselect: [{min_severity: [high]}]\n", 2, "bad severity"),
        ("name: p\ndescription: [a]\n", 2, "'description' must be a string"),
        ("name: [p]\n", 1, "'name' must be a string"),
        (
            "name: p\nwaivers:\n  - {control: a.b, reason: r, owner: o,"
            " expires: 2026-01-01T10:00:00}\n",
            3,
            "'expires' must be a date",
        ),
        ("name: p\nwaivers:\n  - {control: a.b, reason: [r], owner: o}\n", 3, "'reason'"),
        ("name: p\nwaivers:\n  - {control: a.b, reason: r, owner: 5}\n", 3, "'owner'"),
    ],
)
def test_wrong_types_in_policies(text: str, line: int, needle: str) -> None:
    problems = validate_policy_document(parse_yaml(text, "p.yaml"))
    assert problems, text
    assert any(p.line == line and needle in p.message for p in problems), problems


def test_an_inherited_default_that_does_not_fit_a_redeclared_type(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(_param_policy("integer", "5"))
    (tmp_path / "child.yaml").write_text(
        "name: child\nextends: parent\nparameters:\n  limit: {type: date}\n"
    )
    with pytest.raises(ValidationError) as exc:
        load_policy(str(tmp_path / "child.yaml"))
    assert "child.yaml:4:" in str(exc.value)
    assert "expects a value of type date" in str(exc.value)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("max_access_key_age_days", "inf"),
        ("max_access_key_age_days", "1.5"),
        ("max_access_key_age_days", HUGE),
        ("max_access_key_age_days", "9" * 5000),
        ("max_access_key_age_days", ""),
    ],
)
def test_bad_param_flags_name_the_flag(name: str, raw: str) -> None:
    with pytest.raises(UsageError) as exc:
        load_policy("baseline", overrides={name: raw})
    assert exc.value.message.startswith(f"--param {name}: ")
    assert len(exc.value.message) < 200


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("gt", float("inf")),
        ("gte", float("nan")),
        ("older-than-days", float("-inf")),
        ("lt", 10**400),
    ],
)
def test_control_values_out_of_range_are_problems(op: str, value: object) -> None:
    problems = validate_check({"path": "size", "op": op, "value": value})
    assert [p.pointer for p in problems] == [("value",)]
    assert f"operator '{op}'" in problems[0].message


CONTROL = """\
id: fake.thing.named
title: Things are named
severity: low
resource: fake.thing
check: {{path: name, op: {op}, value: {{param: {param}}}}}
frameworks: {{iso27001-2022: [A.8.24]}}
"""


def _project(tmp_path: Path, op: str, ptype: str, default: str) -> tuple[Path, Path]:
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "named.yaml").write_text(CONTROL.format(op=op, param="pattern"))
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "name: named\nselect: [{ids: ['fake.*']}]\n"
        f"parameters:\n  pattern: {{type: {ptype}, default: {default}}}\n"
    )
    return controls, policy


def test_a_regex_parameter_re2_refuses_stops_the_scan_before_it_starts(tmp_path: Path) -> None:
    controls, policy = _project(tmp_path, "not-regex", "string", "'(a)\\1'")
    with pytest.raises(UsageError) as exc:
        load_catalog([controls], str(policy), [], {})
    assert "parameter 'pattern' of policy 'named'" in exc.value.message
    assert "bad regular expression" in exc.value.message
    with pytest.raises(UsageError) as exc:
        load_catalog([controls], str(policy), [], {"pattern": "(?=x)"})
    assert exc.value.message.startswith("--param pattern: control fake.thing.named")
    selected, _, _ = load_catalog([controls], str(policy), [], {"pattern": "ok-.*"})
    assert [c.id for c in selected] == ["fake.thing.named"]


def test_cli_exits_2_without_traceback(tmp_path: Path) -> None:
    controls, policy = _project(tmp_path, "not-regex", "string", "'(a)\\1'")
    FakeCollector.always = True
    FakeCollector.items = [thing("t/a")]
    args = ["scan", "--controls", str(controls), "--output-dir", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, [*args, "--policy", str(policy)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "bad regular expression" in result.output
    (tmp_path / "inf.yaml").write_text(_param_policy("integer", ".inf"))
    result = CliRunner().invoke(cli, [*args, "--policy", str(tmp_path / "inf.yaml")])
    assert result.exit_code == 2, result.output
    assert "inf.yaml:5:" in result.output and "Traceback" not in result.output
    validated = CliRunner().invoke(cli, ["validate", str(tmp_path / "inf.yaml")])
    assert validated.exit_code == 2 and "inf.yaml:5:" in validated.output


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("fail_on: [high]\n", 1),
        ("fail_on: severe\n", 1),
        ("lang: fr\n", 1),
        ("controls: 5\n", 1),
        ("controls: folder\n", 1),
        ("policies: [1]\n", 1),
        ("output_dir: [a]\n", 1),
        ("as_of: 5\n", 1),
        ("redact: 'no'\n", 1),
        ("policy: {a: 1}\n", 1),
        ("params: [a]\n", 1),
        ("params:\n  limit: .inf\n", 2),
        ("params:\n  limit: {a: 1}\n", 2),
        ("params:\n  limit: 2026-01-01\n", 2),
        ("params:\n  1: a\n", 2),
    ],
)
def test_config_settings_of_the_wrong_type(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "govscan.yaml"
    path.write_text(text)
    with pytest.raises(ValidationError) as exc:
        load_config(path)
    assert f"govscan.yaml:{line}:" in str(exc.value)
    result = CliRunner().invoke(cli, ["scan", "--config", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_good_config_settings_pass(tmp_path: Path) -> None:
    path = tmp_path / "govscan.yaml"
    path.write_text(
        "fail_on: high\nlang: de\ncontrols: [c]\nformats: [json, html]\nas_of: 2026-01-01\n"
        "redact: false\nparams: {limit: 5, regions: [eu-central-1], ratio: 0.5}\n"
    )
    assert load_config(path)["fail_on"] == "high"
