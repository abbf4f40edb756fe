"""The evaluator beyond single functions: ``for`` expressions, splats, operators,
comparisons of objects and null, templates, and what stays unknown."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors.repo.hcl import Invalid, Unknown, evaluate, parse_attributes

VARS: dict[str, Any] = {
    "m": {"b": 2, "a": 1},
    "l": ["x", "y"],
    "rules": [{"port": 22, "cidr": "0.0.0.0/0"}, {"port": 443, "cidr": "10.0.0.0/8"}],
    "s": "443",
    "on": True,
}


def _value(expr: str) -> Any:
    ((compiled, _),) = parse_attributes(f"x = {expr}\n".encode()).values()

    def resolve(kind: str, name: str) -> Any:
        if kind == "var":
            return VARS.get(name, Unknown(f"var.{name}"))
        if kind.startswith("aws_") or kind == "data":
            return Unknown(f"{kind}.{name}", f"{kind}.{name}")
        return Unknown(f"{kind}.{name}" if name else kind)

    return evaluate(compiled, resolve)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("[for v in var.l : upper(v)]", ["X", "Y"]),
        ("[for i, v in var.l : i]", [0, 1]),
        ("[for k, v in var.m : k if v > 1]", ["b"]),  # maps iterate in key order
        ("{for k, v in var.m : v => k}", {"1": "a", "2": "b"}),
        ("{for r in var.rules : r.cidr => r.port...}", {"0.0.0.0/0": [22], "10.0.0.0/8": [443]}),
        ('[for r in var.rules : r.port if r.cidr == "0.0.0.0/0"]', [22]),
        ("var.rules[*].port", [22, 443]),
        ("var.rules.*.cidr", ["0.0.0.0/0", "10.0.0.0/8"]),
        ('var.m[var.l[0] == "x" ? "a" : "b"]', 1),
        ("(1 + 2) * 3", 9),
        ("7 % 3 - 10 / 4", -1.5),
        ("var.s + 1", 444),  # arithmetic converts strings
        ('"3" < 4', True),
        ("var.m == { a = 1, b = 2 }", True),
        ("var.m != { a = 1 }", True),
        ("[1, [2]] == [1, [2]]", True),
        ("null == null", True),
        ("var.s == null", False),
        ('"443" == 443', False),  # == does not convert
        ('"a-${var.s}-${var.on}"', "a-443-true"),
        ('"${var.m}"', {"a": 1, "b": 2}),  # one interpolation is the value itself
        ("var.on || var.nope", True),
        ("!var.on", False),
        ("-var.s", -443),
    ],
)
def test_static_expressions(expr: str, expected: Any) -> None:
    assert _value(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        "[for v in var.nope : v]",
        "[for v in var.l : v if v == var.nope]",  # which elements is unknown
        "{for v in var.l : var.nope => v}",
        "var.nope == null",
        "var.nope[*].id",
        "var.l[var.nope]",
        "{ (var.nope) = 1 }",
        '"a-${var.nope}"',
        "var.nope ? 1 : 2",
        "var.nope + 1",
        # Only a known left operand short-circuits: var.nope may turn out null.
        "var.nope && false",
        "var.nope || true",
    ],
)
def test_unknowns_propagate(expr: str) -> None:
    value = _value(expr)
    assert isinstance(value, Unknown)
    assert not isinstance(value, Invalid)


@pytest.mark.parametrize(
    "expr",
    [
        "var.m.nope",
        "var.l[5]",
        "{for v in [1, 1] : v => v}",  # duplicate keys without "..."
        '"a" < 1',
        "1 / 0",
        '"a${var.l}"',  # a list has no text
        '"x" ? 1 : 2',
    ],
)
def test_what_terraform_rejects_is_invalid(expr: str) -> None:
    assert isinstance(_value(expr), Invalid)


def test_lists_keep_their_unknown_items() -> None:
    assert _value('["0.0.0.0/0", var.nope]') == ["0.0.0.0/0", Unknown("var.nope")]
    assert _value("[for v in [1, var.nope] : v]") == [1, Unknown("var.nope")]


def test_a_reference_keeps_its_resource_through_attributes_and_templates() -> None:
    value = _value("aws_kms_key.k.arn")
    assert value == Unknown("aws_kms_key.k.arn", "aws_kms_key.k")
    assert _value('"${aws_kms_key.k.arn}"') == value
    data = _value("data.aws_caller_identity.me.account_id")
    assert isinstance(data, Unknown)
    assert data.ref == "data.aws_caller_identity.me"
    assert _value("var.nope").ref == ""  # a missing variable refers to no resource
