"""``govscan test``: cases judged by the real evaluator, test resources held to their
type's documented shape, located problems, exit codes and JUnit output."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml

from govscan.controltest import run_cli
from govscan.controltest.__main__ import main

CONTROL = """\
id: acme.volume.encrypted
title: Volumes are encrypted
severity: high
resource: aws.ec2.volume
check: {path: encrypted, op: eq, value: true}
message: Volume {name} in {region} is not encrypted
frameworks: {iso27001-2022: [A.8.24]}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*paths: Path, junit: Path | None = None, require: bool = False) -> tuple[int, str]:
    lines: list[str] = []
    code = run_cli(list(paths), junit, require, lines.append)
    return code, "\n".join(lines)


@pytest.fixture
def controls(tmp_path: Path) -> Path:
    write(tmp_path / "acme.volume.encrypted.yaml", CONTROL)
    return tmp_path


def test_passing_cases_exit_zero(controls: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: encrypted passes
            resource: {data: {encrypted: true}}
            expect: pass
          - name: unencrypted fails with the volume named
            resource: {data: {encrypted: false, name: disk-1, region: eu-west-1}}
            expect: fail
            message: Volume disk-1 in eu-west-1 is not encrypted
          - name: absent is not false, and not true either
            resource: {data: {}}
            expect: fail
        """,
    )
    code, out = run(controls)
    assert code == 0, out
    assert "PASS: 3/3" in out


def test_a_wrong_expectation_fails_with_file_line_and_junit(controls: Path, tmp_path: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: right
            resource: {data: {encrypted: true}}
            expect: pass
          - name: wrong status
            resource: {data: {encrypted: true}}
            expect: fail
          - name: wrong message
            resource: {data: {encrypted: false, name: disk-1}}
            expect: fail
            message: disk-2
        """,
    )
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    code, out = run(controls, junit=junit)
    assert code == 1
    assert "acme.volume.encrypted.test.yaml:5): expected fail, got pass" in out
    assert "does not contain 'disk-2'" in out
    assert "FAIL: 2/3" in out
    xml = JUnitXml.fromfile(str(junit))
    (suite,) = list(xml)
    assert suite.name == "acme.volume.encrypted"
    assert suite.tests == 3 and suite.failures == 2
    failed = {c.name for c in suite if any(isinstance(r, Failure) for r in c.result)}
    assert failed == {"wrong status", "wrong message"}


def test_a_misspelled_field_is_a_located_problem_not_a_silent_test(controls: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: typo
            resource: {data: {encrpyted: false}}
            expect: fail
        """,
    )
    code, out = run(controls)
    assert code == 2
    assert (
        "acme.volume.encrypted.test.yaml:3:23: aws.ec2.volume has no field 'encrpyted';"
        " did you mean 'encrypted', 'created'?" in out
    )
    assert "no test was run" in out
    assert "Traceback" not in out


def test_a_value_of_the_wrong_json_type_is_a_problem(controls: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: a string is not a boolean
            resource:
              data:
                encrypted: "true"
            expect: pass
          - name: a date is a string, as in JSON
            resource: {data: {created: 2026-01-01T10:00:00Z, size_gib: 8}}
            expect: fail
        """,
    )
    code, out = run(controls)
    assert code == 2
    assert out.splitlines()[0].endswith(
        ":5:20: aws.ec2.volume field 'encrypted' is true or false, not a string"
    )
    assert len(out.splitlines()) == 2  # the timestamp and the integer fit


def test_every_case_problem_is_reported_at_once(controls: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: a
            resource: {type: aws.s3.bucket, data: {}, origin: moon}
            expect: passes
            extra: 1
          - name: a
            resource: {data: {}, unknown: {encryption: var.x}, unavailable: {encrypted: 5}}
            expect: error
            params: {min_pasword_length: 3}
          - resource: {data: []}
        """,
    )
    code, out = run(controls)
    assert code == 2
    for needle in (
        ":3:22: acme.volume.encrypted judges aws.ec2.volume, not 'aws.s3.bucket'",
        "judges resources of origin cloud, code, not 'moon'",
        ":4:13: 'expect' must be one of pass, fail, error, not_applicable, waived",
        ":5:5: unknown field 'extra'",
        ":6:11: duplicate test case name 'a'",
        "'unknown' names 'encryption', but aws.ec2.volume has no field 'encryption'",
        "'unavailable' must be a mapping of strings to strings",
        "unknown parameter 'min_pasword_length'",
        ":10:5: test case is missing 'name'",
        "'data' must be a mapping of field names to values",
    ):
        assert needle in out, (needle, out)


def test_a_test_file_for_a_missing_control_and_bad_yaml(tmp_path: Path) -> None:
    write(
        tmp_path / "acme.nothing.test.yaml",
        "cases: [{name: x, resource: {data: {}}, expect: pass}]\n",
    )
    write(tmp_path / "broken.test.yaml", "cases: [\n")
    code, out = run(tmp_path)
    assert code == 2
    assert "acme.nothing.test.yaml:1:1: no control 'acme.nothing' to test" in out
    assert "broken.test.yaml:2:1: YAML syntax error" in out


def test_inline_tests_in_the_control_file(tmp_path: Path) -> None:
    write(
        tmp_path / "acme.volume.encrypted.yaml",
        CONTROL
        + """\
tests:
  - name: encrypted passes
    resource: {data: {encrypted: true}}
    expect: pass
  - name: wrongly expected
    resource: {data: {encrypted: false}}
    expect: pass
""",
    )
    code, out = run(tmp_path)
    assert code == 1
    assert "acme.volume.encrypted.yaml:12): expected pass, got fail" in out


def test_require_tests_fails_on_a_control_without_cases(controls: Path) -> None:
    assert run(controls)[0] == 0
    code, out = run(controls, require=True)
    assert code == 1
    assert "UNTESTED acme.volume.encrypted" in out


def test_a_built_in_control_tested_from_anywhere_with_params_and_as_of(tmp_path: Path) -> None:
    write(
        tmp_path / "keys.test.yaml",
        """\
        control: aws.iam.user-access-key-age
        as_of: 2026-06-30
        cases:
          - name: a key of 100 days fails at the default of 90
            resource:
              data:
                access_keys: [{key_suffix: ABCD, active: true, created: 2026-03-22T00:00:00Z}]
            expect: fail
          - name: and passes when 120 days are allowed
            resource:
              data:
                access_keys: [{key_suffix: ABCD, active: true, created: 2026-03-22T00:00:00Z}]
            params: {max_access_key_age_days: 120}
            expect: pass
          - name: a year later it fails again
            resource:
              data:
                access_keys: [{key_suffix: ABCD, active: true, created: 2026-03-22T00:00:00Z}]
            params: {max_access_key_age_days: 120}
            as_of: 2027-06-30
            expect: fail
        """,
    )
    code, out = run(tmp_path / "keys.test.yaml", require=True)
    assert code == 0, out
    assert "PASS: 3/3" in out


def test_unknown_and_unavailable_values_make_errors(controls: Path) -> None:
    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: a value only apply decides is undetermined
            resource:
              origin: code
              data: {encrypted: aws_kms_key.k.arn}
              unknown: {encrypted: "value unknown before apply"}
            expect: error
            undetermined: true
            message: value unknown before apply
          - name: a field the collector could not read is an error, never a pass
            resource:
              data: {}
              unavailable: {encrypted: "AccessDenied"}
            expect: error
            undetermined: false
          - name: suppressed inline in code
            resource:
              origin: code
              data: {encrypted: false}
              suppressions: {acme.volume.*: scratch disk}
            expect: waived
        """,
    )
    code, out = run(controls)
    assert code == 0, out


def test_junit_write_failure_is_one_line(controls: Path, tmp_path: Path) -> None:
    code, out = run(controls, junit=tmp_path / "no" / "such" / "dir.xml")
    assert code == 3
    assert out.startswith("error: cannot write")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run(tmp_path / "nope")
    assert code == 2
    assert "nope:1:1: no such file or folder" in out


def test_module_entry_point(controls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(controls), "--require-tests"]) == 1
    assert "UNTESTED acme.volume.encrypted" in capsys.readouterr().out


def test_tests_are_part_of_the_control_format_and_test_files_are_no_controls(
    tmp_path: Path,
) -> None:
    import jsonschema
    import yaml

    from govscan.schemas import schema
    from govscan.validate import validate_paths

    control = write(
        tmp_path / "acme.volume.encrypted.yaml",
        CONTROL + "tests:\n  - {name: ok, resource: {data: {encrypted: true}}, expect: pass}\n",
    )
    write(tmp_path / "acme.volume.encrypted.test.yaml", "cases: []\n")
    problems, counts = validate_paths([tmp_path])
    assert problems == []
    assert counts["controls"] == 1
    validator = jsonschema.Draft202012Validator(schema("control"))
    assert not list(validator.iter_errors(yaml.safe_load(control.read_text())))
    bad = yaml.safe_load(control.read_text())
    bad["tests"][0]["expect"] = "passes"
    assert list(validator.iter_errors(bad))


def test_an_alias_bomb_in_a_test_file_is_one_located_line(controls: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    write(controls / "acme.volume.encrypted.test.yaml", "\n".join(lines) + "\ncases: *a8\n")
    code, out = run(controls)
    assert code == 2
    (problem, _summary) = out.splitlines()
    assert "acme.volume.encrypted.test.yaml:" in problem and "aliases expand" in problem


def test_the_command_line_runs_them(controls: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govscan.cli import cli

    write(
        controls / "acme.volume.encrypted.test.yaml",
        """\
        cases:
          - name: wrongly expected to pass
            resource: {data: {encrypted: false}}
            expect: pass
        """,
    )
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    result = CliRunner().invoke(cli, ["test", str(controls), "--junit", str(junit)])
    assert result.exit_code == 1, result.output
    assert "FAIL acme.volume.encrypted: wrongly expected to pass" in result.output
    assert len(JUnitXml.fromfile(str(junit))) == 1
