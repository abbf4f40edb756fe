"""Every operator: true, false, absent and type-mismatch cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from govscan.engine.conditions import EvalContext, compile_check
from govscan.language.check import validate_check
from govscan.language.operators import operator_names

CTX = EvalContext(as_of=datetime(2026, 11, 24, tzinfo=UTC), params={"ports": [22, 3389]})


def judge(op: str, actual: Any, value: Any = None, *, unary: bool = False) -> bool:
    leaf: dict[str, Any] = {"path": "x", "op": op}
    if not unary:
        leaf["value"] = value
    assert validate_check(leaf) == []
    data = {} if actual is _MISSING else {"x": actual}
    return compile_check(leaf)(data, CTX)


_MISSING = object()

# (op, value, true for, false for, mismatched type -> false)
BINARY = [
    ("eq", True, True, False, 1),
    ("eq", 1, 1, 2, True),
    ("eq", "a", "a", "b", ["a"]),
    ("ne", "a", "b", "a", None),
    ("in", ["a", "b"], "a", "c", {"a": 1}),
    ("in", [1, 2], 1, True, "1"),
    ("not-in", [22, 3389], 443, 22, None),
    ("contains", "x", ["x", "y"], ["y"], 5),
    ("contains", "kms", "aws:kms", "AES256", 5),
    ("contains", "k", {"k": 1}, {"j": 1}, 5),
    ("not-contains", "x", ["y"], ["x"], None),
    ("regex", "arn:aws:kms:.*", "arn:aws:kms:eu:1:key/a", "x-arn:aws:kms:", 5),
    ("not-regex", "^v\\d+$", "latest", "v12", None),
    ("gt", 5, 6, 5, "6"),
    ("gte", 5, 5, 4, True),
    ("lt", 5, 4, 5, "4"),
    ("lte", 5, 5, 6, None),
    ("len-eq", 2, [1, 2], [1], 5),
    ("len-gt", 0, "a", "", 5),
    ("len-lt", 2, [1], [1, 2], 5),
    ("older-than-days", 90, "2026-01-01T00:00:00Z", "2026-11-01", "not a date"),
    ("newer-than-days", 30, "2026-11-20T10:00:00+00:00", "2020-01-01", 42),
    ("expires-within-days", 30, "2026-12-01T00:00:00Z", "2027-06-01", "soon"),
    ("cidr-in", ["10.0.0.0/8"], "10.1.2.0/24", "11.0.0.0/8", "no-ip"),
    ("cidr-in", ["10.0.0.0/8", "fd00::/8"], ["10.0.0.1", "fd00::1"], ["10.0.0.1", "8.8.8.8"], 7),
    ("cidr-overlaps", ["192.168.0.0/16"], "192.168.1.0/24", "10.0.0.0/8", "x"),
    ("subset-of", ["a", "b"], ["a"], ["a", "c"], {"a": 1}),
    ("superset-of", ["a"], ["a", "b"], ["b"], 5),
    ("intersects", ["a", "b"], ["b", "c"], ["c"], 5),
    ("disjoint", ["a"], ["b"], ["a", "b"], None),
    ("starts-with", "arn:aws:", "arn:aws:s3:::b", "s3://b", 5),
    ("ends-with", ".tf", "main.tf", "main.py", 5),
]


@pytest.mark.parametrize(("op", "value", "yes", "no", "mismatch"), BINARY)
def test_binary_operator(op: str, value: Any, yes: Any, no: Any, mismatch: Any) -> None:
    assert judge(op, yes, value) is True
    assert judge(op, no, value) is False
    assert judge(op, _MISSING, value) is False, "absent is never true for a comparison"
    assert judge(op, None, value) is False, "null counts as absent"
    if mismatch is not None:
        assert judge(op, mismatch, value) is False


ABSENCE = [
    # (op, value, expected); _MISSING stands for a missing path
    *[("present", v, True) for v in (1, "", 0, False, [])],
    ("present", _MISSING, False),
    ("present", None, False),
    *[("absent", v, False) for v in (1, "", 0, False)],
    ("absent", _MISSING, True),
    ("absent", None, True),
    *[("empty", v, True) for v in ("", [], {}, None, _MISSING)],
    *[("empty", v, False) for v in ("x", [0], {"a": 1}, 0, False)],
    *[("not-empty", v, False) for v in ("", [], {}, None, _MISSING)],
    *[("not-empty", v, True) for v in ("x", [0], {"a": 1}, 0, False)],
]


@pytest.mark.parametrize(("op", "value", "expected"), ABSENCE)
def test_absence_operators(op: str, value: Any, expected: bool) -> None:
    assert judge(op, value, unary=True) is expected


@pytest.mark.parametrize(
    ("actual", "want"),
    [
        ("0.0.0.0/0", True),
        ("::/0", True),
        (["10.0.0.0/8", "0.0.0.0/0"], True),
        ("10.0.0.0/8", False),
        ([], False),
        ("garbage", False),
    ],
)
def test_internet_open(actual: Any, want: bool) -> None:
    assert judge("internet-open", actual, unary=True) is want


def test_every_operator_is_tested() -> None:
    tested = {b[0] for b in BINARY} | {"present", "absent", "empty", "not-empty", "internet-open"}
    tested.add("jurisdiction-in")  # tests/dsgvo/test_jurisdiction_operator.py
    assert set(operator_names()) <= tested


def test_param_values_and_defaults() -> None:
    leaf = {"path": "port", "op": "in", "value": {"param": "ports"}}
    assert compile_check(leaf)({"port": 22}, CTX) is True
    leaf = {"path": "age", "op": "lte", "value": {"param": "max_age", "default": 90}}
    assert compile_check(leaf)({"age": 80}, CTX) is True
    assert compile_check(leaf)({"age": 80}, EvalContext(CTX.as_of, {"max_age": 30})) is False
