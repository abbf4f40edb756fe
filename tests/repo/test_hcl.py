"""Static evaluation of Terraform expressions: what is known before apply, and what is not."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors.repo.hcl import HclSyntaxError, Unknown, evaluate, parse_attributes

VARS = {
    "env": "prod",
    "on": True,
    "off": False,
    "n": 3,
    "m": {"a": {"b": [10, 20]}, "k-1": "v"},
}


def _value(expr: str) -> Any:
    ((compiled, _),) = parse_attributes(f"x = {expr}\n".encode()).values()
    return evaluate(compiled, lambda kind, name: VARS.get(name, Unknown(f"{kind}.{name}")))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('var.env == "prod"', True),
        ('var.env != "prod"', False),
        ("var.on && var.off", False),
        ("var.on || var.off", True),
        ("var.n > 2", True),
        ("var.n <= 2", False),
        ('var.env == "prod" ? 0 : 1', 0),
        ("var.off ? 1 : 0", 0),
        ("!var.off", True),
        ('var.on ? "a" : var.missing', "a"),
        ("var.m.a.b[1]", 20),
        ('var.m["k-1"]', "v"),
        ('var.m.a.b[0] == 10 ? "ten" : "other"', "ten"),
        ("var.on == 1", False),  # Terraform compares types: true is not 1
        ("var.n == 3.0", True),
        ("var.on != 1", True),
    ],
)
def test_static_expressions_are_evaluated(expr: str, expected: Any) -> None:
    assert _value(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        "var.missing == 1",  # not known before apply
        "var.missing ? 1 : 0",
        'var.env > "a"',  # Terraform orders numbers only
        "var.n && var.on",  # && needs two booleans
        "length(var.missing) > 0",  # a function of an unknown value
        "aws_s3_bucket.b.arn == var.env",
        "var.m.a.b[5]",  # out of range
        "var.m.nope",
        "each.value.port",  # resource instances are not expanded
    ],
)
def test_what_is_not_static_stays_unknown(expr: str) -> None:
    assert isinstance(_value(expr), Unknown)


def test_tfvars_attributes_carry_their_lines() -> None:
    attrs = parse_attributes(b'# comment\nencrypt = true\n\nenv = "prod"\n')
    assert {k: line for k, (_, line) in attrs.items()} == {"encrypt": 2, "env": 4}


def test_a_broken_tfvars_file_names_its_position() -> None:
    with pytest.raises(HclSyntaxError) as caught:
        parse_attributes(b'encrypt = true\nenv = = "x"\n')
    assert caught.value.line == 2
