"""Combinators, quantifiers, paths, validation and messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govscan.engine.conditions import EvalContext, EvaluationError, compile_check
from govscan.engine.messages import render_message
from govscan.language.check import validate_check
from govscan.language.reads import check_fields, check_params

CTX = EvalContext(as_of=datetime(2026, 11, 24, tzinfo=UTC))
SG = {
    "name": "web",
    "ingress_rules": [
        {"from_port": 443, "to_port": 443, "cidrs": ["0.0.0.0/0"]},
        {"from_port": 22, "to_port": 22, "cidrs": ["10.0.0.0/8"]},
    ],
    "tags": {"Owner": "team-a"},
}


def run(check: dict[str, Any], data: Any = SG) -> bool:
    assert validate_check(check) == [], validate_check(check)
    return compile_check(check)(data, CTX)


def test_quantifiers_with_relative_paths() -> None:
    no_open_ssh = {
        "every": "ingress_rules",
        "check": {
            "not": {
                "all": [
                    {"path": "from_port", "op": "lte", "value": 22},
                    {"path": "to_port", "op": "gte", "value": 22},
                    {"path": "cidrs", "op": "internet-open"},
                ]
            }
        },
    }
    assert run(no_open_ssh) is True
    opened = {**SG, "ingress_rules": [{"from_port": 0, "to_port": 65535, "cidrs": ["::/0"]}]}
    assert run(no_open_ssh, opened) is False
    assert (
        run({"some": "ingress_rules", "check": {"path": "from_port", "op": "eq", "value": 443}})
        is True
    )


def test_quantifiers_on_empty_and_absent_lists() -> None:
    every = {"every": "items", "check": {"path": "@", "op": "eq", "value": 1}}
    some = {"some": "items", "check": {"path": "@", "op": "eq", "value": 1}}
    assert run(every, {"items": []}) is True
    assert run(some, {"items": []}) is False
    assert run(every, {}) is False, "absent is not empty"
    assert run(some, {}) is False


def test_jmespath_and_dotted_paths_agree() -> None:
    assert run({"path": "tags.Owner", "op": "eq", "value": "team-a"}) is True
    assert (
        run(
            {
                "path": "ingress_rules[?from_port==`22`].cidrs[]",
                "op": "contains",
                "value": "10.0.0.0/8",
            }
        )
        is True
    )
    assert run({"path": "tags.Missing", "op": "ne", "value": "x"}) is False
    assert run({"not": {"path": "tags.Missing", "op": "eq", "value": "x"}}) is True


def test_validate_reports_every_problem_with_pointers() -> None:
    problems = validate_check(
        {
            "all": [
                {"path": "a", "op": "equals", "value": 1},
                {"path": "b[", "op": "present"},
                {"path": "c", "op": "gt"},
                {"not": [{"path": "d", "op": "present"}]},
                {"path": "e", "op": "present", "value": 1, "extra": 2},
                {"every": "f", "check": {"path": "g", "op": "regex", "value": "("}},
            ]
        },
        ("check",),
    )
    pointers = [p.pointer for p in problems]
    assert ("check", "all", 0, "op") in pointers
    assert ("check", "all", 1, "path") in pointers
    assert ("check", "all", 2) in pointers
    assert ("check", "all", 3, "not") in pointers
    assert ("check", "all", 4, "value") in pointers
    assert ("check", "all", 4, "extra") in pointers
    assert ("check", "all", 5, "check", "value") in pointers
    assert "valid operators: absent" in problems[0].message


def test_fields_and_params() -> None:
    check = {
        "all": [
            {"path": "encryption.algorithm", "op": "eq", "value": "aws:kms"},
            {
                "every": "rules[*]",
                "check": {"path": "port", "op": "in", "value": {"param": "ports"}},
            },
            {"path": "tags", "op": "present"},
        ]
    }
    assert check_fields(check) == {"encryption", "rules", "tags"}
    assert check_params(check) == {"ports"}


def test_missing_parameter_is_evaluation_error() -> None:
    check = compile_check({"path": "port", "op": "in", "value": {"param": "ports"}})
    with pytest.raises(EvaluationError, match="ports"):
        check({"port": 1}, CTX)


def test_messages_fill_fields_and_refuse_python() -> None:
    data = {"name": "vol-1", "encryption": {"algorithm": "AES256"}, "ports": [22, 80]}
    ref = {"region": "eu-central-1", "name": "ignored"}
    assert (
        render_message("{name} in {region} uses {encryption.algorithm} on {ports}", data, ref)
        == "vol-1 in eu-central-1 uses AES256 on 22, 80"
    )
    assert render_message("{nope}", data, ref) == "<absent>"
    # An aside in parentheses that would only say "absent" is dropped (code has no ids yet).
    assert render_message("Group {name} ({nope}) is open", data, ref) == (
        f"Group {render_message('{name}', data, ref)} is open"
    )
    assert render_message("{nope} ({nope}) x", data, ref) == "<absent> x"
    evil = "{__class__} {name.__class__.__mro__} {0.__init__} {name!r:>10}"
    out = render_message(evil, data, ref)
    assert "class" not in out.replace("{__class__}", "") or "<absent>" in out
    assert "object" not in out and "function" not in out


# --- properties of the combinators ------------------------------------------------------------

LEAVES = [
    {"path": "a", "op": "eq", "value": 1},
    {"path": "b", "op": "present"},
    {"path": "c", "op": "gt", "value": 0},
    {"path": "d", "op": "in", "value": ["x", "y"]},
    {"path": "e", "op": "empty"},
]
leaf = st.sampled_from(LEAVES)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(inner, max_size=3).map(lambda xs: {"any": xs}),
        inner.map(lambda x: {"not": x}),
    ),
    max_leaves=8,
)
values = st.one_of(
    st.none(),
    st.integers(-2, 2),
    st.booleans(),
    st.sampled_from(["x", "z", ""]),
    st.lists(st.integers(0, 1), max_size=2),
)
datas = st.fixed_dictionaries({}, optional=dict.fromkeys("abcde", values))


def ev(check: dict[str, Any], data: dict[str, Any]) -> bool:
    return compile_check(check)(data, CTX)


@given(conditions, datas)
def test_double_negation(c: dict[str, Any], d: dict[str, Any]) -> None:
    assert ev({"not": {"not": c}}, d) == ev(c, d)


@given(conditions, conditions, datas)
def test_de_morgan(a: dict[str, Any], b: dict[str, Any], d: dict[str, Any]) -> None:
    assert ev({"not": {"all": [a, b]}}, d) == ev({"any": [{"not": a}, {"not": b}]}, d)
    assert ev({"not": {"any": [a, b]}}, d) == ev({"all": [{"not": a}, {"not": b}]}, d)


@given(conditions, conditions, datas)
def test_commutative_and_idempotent(
    a: dict[str, Any], b: dict[str, Any], d: dict[str, Any]
) -> None:
    assert ev({"all": [a, b]}, d) == ev({"all": [b, a]}, d)
    assert ev({"any": [a, b]}, d) == ev({"any": [b, a]}, d)
    assert ev({"all": [a, a]}, d) == ev(a, d) == ev({"any": [a, a]}, d)


@given(datas)
def test_empty_combinators(d: dict[str, Any]) -> None:
    assert ev({"all": []}, d) is True
    assert ev({"any": []}, d) is False


@given(conditions, st.lists(datas, max_size=4))
def test_every_is_not_some_not(c: dict[str, Any], items: list[dict[str, Any]]) -> None:
    data = {"items": items}
    every = ev({"every": "items", "check": c}, data)
    not_some_not = not ev({"some": "items", "check": {"not": c}}, data)
    assert every == not_some_not
