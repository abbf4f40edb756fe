"""Patterns from controls, policies and waivers run in linear time (RE2) and are checked early."""

from __future__ import annotations

import fnmatch
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.catalog.controls import validate_control_documents
from govscan.catalog.policies import load_policy, select_controls, validate_policy_document
from govscan.catalog.yamlsource import parse_yaml
from govscan.cli import cli
from govscan.engine.conditions import EvalContext, compile_check
from govscan.engine.waivers import WaiverIndex, inline_suppression
from govscan.errors import ValidationError
from govscan.language.check import validate_check
from govscan.language.patterns import (
    MAX_PATTERN_LENGTH,
    PatternError,
    compile_glob,
    compile_regex,
    glob_matches,
)
from govscan.model import Control, Severity, Waiver

CTX = EvalContext(as_of=datetime(2026, 6, 30, tzinfo=UTC))
# Python's re needs minutes for this; RE2 answers at once.
CATASTROPHIC = "(a+)+"
HOSTILE_NAME = "a" * 40 + "!"


def judge(op: str, value: object, actual: object) -> bool:
    return compile_check({"path": "x", "op": op, "value": value})({"x": actual}, CTX)


@pytest.mark.timeout(20)
def test_catastrophic_pattern_against_a_long_name_is_decided() -> None:
    assert judge("not-regex", CATASTROPHIC, HOSTILE_NAME) is True
    assert judge("regex", CATASTROPHIC, HOSTILE_NAME) is False
    assert judge("regex", CATASTROPHIC, "a" * 100_000) is True
    assert judge("regex", "(x+x+)+y", ["x" * 5_000, "xxy"]) is True


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        # the whole string must match, as re.fullmatch did
        ("TLSv1\\.2_.*|TLSv1\\.3.*", "TLSv1.2_2021", True),
        ("TLSv1\\.2_.*|TLSv1\\.3.*", "xTLSv1.3", False),
        ("abc", "abcd", False),
        ("b", "abc", False),
        ("a.c", "a\nc", False),
        ("(?s)a.c", "a\nc", True),
        ("(?i).*(PASSWORD|SECRET).*", "db_Password_x", True),
        ("(?i)ÄRGER", "ärger", True),
        ("[0-9a-f]{64}", "5b0f" * 16, True),
        ("müller-.*", "müller-bucket", True),
        ("a.b", "aüb", True),
        ("\\pL+", "Müller", True),
        # RE2's \w is ASCII only (documented): use \pL for letters of any script
        ("\\w+", "Müller", False),
        ("^abc$", "abc", True),
    ],
)
def test_semantics(pattern: str, value: str, expected: bool) -> None:
    assert judge("regex", pattern, value) is expected
    assert judge("not-regex", pattern, value) is (not expected)


def test_a_lone_surrogate_in_data_does_not_raise() -> None:
    assert judge("regex", ".*", "a\ud800b") is True


@pytest.mark.parametrize(
    "pattern",
    [
        "(a)\\1",  # backreference
        "(?=a)a",  # lookahead
        "(?<!a)b",  # lookbehind
        "a++",  # possessive
        "(?>a)",  # atomic group
        "\\Z",  # Python-only escape
        "(unclosed",
        "a{2000}",  # beyond RE2's repetition limit
        "x" * (MAX_PATTERN_LENGTH + 1),
    ],
)
def test_patterns_re2_cannot_run_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_regex(pattern)
    problems = validate_check({"path": "name", "op": "not-regex", "value": pattern})
    assert [p.pointer for p in problems] == [("value",)]
    assert "bad regular expression" in problems[0].message


CONTROL = """\
id: acme.thing.named
title: Things are named
severity: low
resource: aws.s3.bucket
check:
  all:
    - {path: name, op: present}
    - {path: name, op: not-regex, value: "(a)\\\\1|(?=b)"}
frameworks: {iso27001-2022: [A.8.24]}
"""


def test_inexpressible_pattern_is_a_validation_error_with_file_and_line() -> None:
    doc = parse_yaml(CONTROL, "controls/named.yaml")
    controls, problems = validate_control_documents([doc])
    assert controls == []
    assert [str(p).split(": ", 1)[0] for p in problems] == ["controls/named.yaml:8:42"]
    assert "RE2" in str(problems[0])


def test_validate_and_scan_refuse_it_with_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "controls"
    folder.mkdir()
    (folder / "named.yaml").write_text(CONTROL)
    validated = CliRunner().invoke(cli, ["validate", str(folder)])
    assert validated.exit_code == 2
    assert "named.yaml:8:42" in validated.output
    scanned = CliRunner().invoke(
        cli, ["scan", "--controls", str(folder), "--output-dir", str(tmp_path / "out")]
    )
    assert scanned.exit_code == 2
    assert "named.yaml:8:42" in scanned.output
    assert "Traceback" not in scanned.output


# --- globs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "text"),
    [
        ("arn:aws:s3:::acme-tmp-*", "arn:aws:s3:::acme-tmp-logs"),
        ("arn:aws:s3:::acme-tmp-*", "arn:aws:s3:::acme-prod"),
        ("aws.s3.*", "aws.s3.bucket-encrypted"),
        ("*", ""),
        ("a?c", "abc"),
        ("a?c", "ac"),
        ("[!a]x", "bx"),
        ("[!a]x", "ax"),
        ("[a-c]*", "b1"),
        ("[c-a]", "b"),
        ("[]]", "]"),
        ("[!]]", "x"),
        ("[", "["),
        ("a[", "a["),
        ("*.(x)+", "y.(x)+"),
        ("a\\b", "a\\b"),
        ("*/*", "a/b/c"),
        ("*", "line\nbreak"),
        ("ÄÖ*", "ÄÖü"),
        ("*a*b", "aXb"),
    ],
)
def test_globs_match_as_fnmatch_does(glob: str, text: str) -> None:
    assert glob_matches(text, glob) is fnmatch.fnmatchcase(text, glob)


@pytest.mark.timeout(20)
def test_many_stars_against_a_long_arn() -> None:
    arn = "arn:aws:s3:::" + "a" * 200_000
    assert glob_matches(arn, "arn:*" + "*a" * 60 + "*b") is False
    assert compile_glob("*a" * 60 + "*").matches(arn) is True


def waiver(resources: tuple[str, ...], control: str = "aws.s3.*") -> Waiver:
    return Waiver(control, resources, "accepted risk", "security-team", date(2027, 1, 1))


@pytest.mark.timeout(20)
def test_waiver_patterns_use_re2() -> None:
    index = WaiverIndex(
        [
            waiver(("arn:aws:s3:::acme-tmp-*",)),
            waiver(("re:arn:aws:s3:::(a+)+",), control="aws.s3.bucket-versioning"),
        ],
        date(2026, 6, 30),
    )
    assert index.lookup("aws.s3.bucket-encrypted", "arn:aws:s3:::acme-tmp-x", "") is not None
    assert index.lookup("aws.s3.bucket-encrypted", "arn:aws:s3:::acme-prod", "") is None
    hostile = "arn:aws:s3:::" + "a" * 5_000 + "!"
    assert index.lookup("aws.s3.bucket-versioning", hostile, "") is None
    assert index.lookup("aws.s3.bucket-versioning", "arn:aws:s3:::aaa", "") is not None
    assert index.lookup("aws.ec2.volume-encrypted", "arn:aws:s3:::acme-tmp-x", "") is None


def test_a_waiver_built_with_a_bad_regex_matches_nothing() -> None:
    index = WaiverIndex([waiver(("re:(a)\\1",))], date(2026, 6, 30))
    assert index.lookup("aws.s3.x", "aa", "aa") is None


def test_inline_suppression_globs() -> None:
    found = inline_suppression({"aws.s3.*": "managed elsewhere"}, "aws.s3.bucket-logging")
    assert found is not None and found.inline
    assert inline_suppression({"*a" * 40 + "*b": "x"}, "a" * 3_000) is None


POLICY = """\
name: hostile
waivers:
  - control: aws.s3.*
    resources: ["re:(?<=x)y", "arn:aws:s3:::ok-*", "re:ok-(a|b)"]
    reason: accepted
    owner: erika.mustermann@example.com
    expires: 2027-01-01
"""


def test_policy_waiver_regex_re2_refuses_is_reported_at_its_line() -> None:
    problems = validate_policy_document(parse_yaml(POLICY, "policies/hostile.yaml"))
    assert [f"{p.path}:{p.line}" for p in problems] == ["policies/hostile.yaml:4"]
    assert "bad regular expression" in problems[0].message


def test_policy_with_bad_waiver_regex_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(POLICY)
    with pytest.raises(ValidationError) as exc:
        load_policy(str(path))
    assert "hostile.yaml:4:" in str(exc.value)


def test_selection_globs_use_the_linear_matcher(tmp_path: Path) -> None:
    path = tmp_path / "pick.yaml"
    path.write_text("name: pick\nselect: [{ids: ['aws.s3.*'], resource_types: ['aws.s3.[b]*']}]\n")
    policy = load_policy(str(path))
    controls = [
        Control("aws.s3.one", "t", Severity.LOW, "aws.s3.bucket", {}, {}),
        Control("aws.ec2.two", "t", Severity.LOW, "aws.ec2.volume", {}, {}),
    ]
    assert [c.id for c in select_controls(policy, controls)] == ["aws.s3.one"]
