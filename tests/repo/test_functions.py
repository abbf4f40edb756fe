"""Terraform's pure functions: static arguments give Terraform's answer, unknown ones
an unknown (unless the answer does not depend on them), rejected ones ``Invalid``."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors.repo.hcl import Invalid, Unknown, evaluate, parse_attributes

VARS: dict[str, Any] = {
    "m": {"b": 2, "a": 1},
    "l": ["x", "y"],
    "empty": {},
    "port": "443",
    "nested": [["a"], ["b", ["c"]]],
}


def _value(expr: str) -> Any:
    ((compiled, _),) = parse_attributes(f"x = {expr}\n".encode()).values()

    def resolve(kind: str, name: str) -> Any:
        if kind == "var":
            return VARS.get(name, Unknown(f"var.{name}"))
        if kind.startswith("aws_"):
            return Unknown(f"{kind}.{name}", f"{kind}.{name}")
        return Unknown(f"{kind}.{name}")

    return evaluate(compiled, resolve)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('concat(["0.0.0.0/0"], [])', ["0.0.0.0/0"]),
        ("concat(var.l, [1])", ["x", "y", 1]),
        ("merge(var.m, { c = 3 }, null)", {"a": 1, "b": 2, "c": 3}),
        ('lookup(var.m, "a", 9)', 1),
        ('lookup(var.m, "z", 9)', 9),
        ('coalesce("", null, "x")', "x"),
        ("tolist(var.l)", ["x", "y"]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ('format("%s-%03d %q %t", "a", 7, "b", true)', 'a-007 "b" true'),
        ('format("%.1f%%", 12.25)', "12.2%"),
        ('join(",", var.l)', "x,y"),
        ('lower("ABC")', "abc"),
        ('upper("abc")', "ABC"),
        ('try(var.m.nope, "d")', "d"),
        ("try(var.m.a, 0)", 1),
        ("can(var.m.nope)", False),
        ("can(var.m.a)", True),
        ("one([])", None),
        ('one(["x"])', "x"),
        ("length(var.m)", 2),
        ('length("abc")', 3),
        ("length(keys(var.empty)) > 0 ? 1 : 0", 0),
        ("keys(var.m)", ["a", "b"]),  # Terraform orders map keys lexically
        ("values(var.m)", [1, 2]),
        ('contains(var.l, "y")', True),
        ('contains(var.l, "z")', False),
        ("element(var.l, 3)", "y"),  # element() wraps around
        ("flatten(var.nested)", ["a", "b", "c"]),
        ("distinct([1, 1, 2, 1])", [1, 2]),
        ("tonumber(var.port) + 1", 444),
        ('tobool("true")', True),
        ("tostring(12)", "12"),
        ("max(1, 7, 3)", 7),
        ("max([1, 5]...)", 5),
        ("alltrue([true, true])", True),
        ("anytrue([false, true])", True),
        ('split(",", "a,b")', ["a", "b"]),
        ('compact(["a", "", null, "b"])', ["a", "b"]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ('startswith("arn:aws", "arn:")', True),
        ('trimspace("  x ")', "x"),
    ],
)
def test_functions_of_static_values_are_known(expr: str, expected: Any) -> None:
    assert _value(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        'concat(["0.0.0.0/0"], var.x)',  # which networks depends on var.x
        "length(var.x)",
        "keys(var.x)",
        "toset([var.x])",  # whether elements are equal is unknown
        "distinct([1, var.x])",
        "flatten([var.x])",  # an unknown element may itself be a list
        'join(",", [var.x])',
        'format("%s", var.x)',
        'contains([var.x], "a")',
        "merge(var.m, var.x)",
        "coalesce(var.x, 1)",
        "can(var.x)",
        "jsonencode({a = var.x})",  # a document with an unknown leaf
        'replace("a", "/a/", "b")',  # regular expressions are not evaluated
        "alltrue([true, var.x])",
    ],
)
def test_unknown_arguments_make_unknown_results(expr: str) -> None:
    value = _value(expr)
    assert isinstance(value, Unknown)
    assert not isinstance(value, Invalid)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("length([var.x, 1])", 2),  # the length of a list is known before its items
        ('contains([var.x, "a"], "a")', True),
        ("alltrue([false, var.x])", False),
        ("keys({ a = var.x })", ["a"]),
        ("concat([var.x], [])", [Unknown("var.x")]),  # the unknown item stays in the list
    ],
)
def test_answers_that_do_not_depend_on_unknowns_are_known(expr: str, expected: Any) -> None:
    assert _value(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        "one([1, 2])",
        'lookup(var.m, "z")',
        "element([], 0)",
        'tonumber("ssh")',
        'tobool("yes")',
        'format("%d", "x")',
        'coalesce(null, "")',
        "concat(var.m)",
    ],
)
def test_arguments_terraform_rejects_are_invalid(expr: str) -> None:
    assert isinstance(_value(expr), Invalid)


def test_references_keep_their_resource_through_functions() -> None:
    for expr in (
        "one([aws_security_group.this.id])",
        "try(aws_security_group.this.id, null)",
        "concat([aws_security_group.this.id], [])[0]",
        "one(aws_security_group.this[*].id)",
        'coalesce(aws_security_group.this.id, "")',
    ):
        value = _value(expr)
        assert isinstance(value, Unknown), expr
        assert value.ref == "aws_security_group.this", expr


def test_an_unsupported_function_is_unknown_and_named() -> None:
    value = _value("nosuchfn(1)")
    assert value == Unknown("unsupported function nosuchfn()")
    assert _value('try(nosuchfn(1), "fallback")') == value  # unknown, not an error
