"""Properties of the evaluator over generated expressions with a hole (``var.h``).

Soundness: when an expression is known while ``var.h`` is unknown, every value
``var.h`` could take gives that same answer (or an error Terraform would report);
the evaluator never claims a value that depends on something it cannot see.
Robustness: no expression, with any value in the hole, raises.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govscan.collectors.repo.hcl import Invalid, Unknown, evaluate, parse_attributes
from govscan.collectors.repo.values import equal, unknown_in

_LEAVES = st.one_of(
    st.just("var.h"),  # the hole, in about half the leaves
    st.just("var.h"),
    st.integers(-3, 3).map(str),
    st.sampled_from(['"a"', '"b"', '""', '"1"', '"true"', "true", "false", "null", "[]", "{}"]),
)

_UNARY = [
    "length({})",
    "keys({})",
    "values({})",
    "one({})",
    "flatten({})",
    "distinct({})",
    "toset({})",
    "tolist({})",
    "can({})",
    "lower({})",
    'join(",", {})',
    'format("%v", {})',
    "!{}",
    "-{}",
    "[{}]",
    "{{k = {}}}",
    "[for x in {} : x]",
    "{}[0]",
    "{}[*]",
    "tonumber({})",
]
_BINARY = [
    "concat({}, {})",
    "contains({}, {})",
    "coalesce({}, {})",
    "try({}, {})",
    'lookup({}, "k", {})',
    "merge({}, {})",
    "element({}, {})",
    "({} == {})",
    "({} != {})",
    "({} && {})",
    "({} || {})",
    "({} < {})",
    "({} + {})",
    "[{}, {}]",
    "{{k = {}, j = {}}}",
    "[for x in {} : x if {}]",
]


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(_UNARY), inner).map(lambda t: t[0].format(t[1])),
        st.tuples(st.sampled_from(_BINARY), inner, inner).map(lambda t: t[0].format(t[1], t[2])),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
    )


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=5)

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "1", "true", "k"])
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["k", "j"]), inner)
    ),
    max_leaves=6,
)


def _run(expr: str, hole: Any) -> Any:
    ((compiled, _),) = parse_attributes(f"x = {expr}\n".encode()).values()
    return evaluate(compiled, lambda kind, name: hole if (kind, name) == ("var", "h") else None)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, st.lists(VALUES, min_size=1, max_size=4))
def test_a_known_answer_does_not_depend_on_the_unknown(expr: str, holes: list[Any]) -> None:
    claimed = _run(expr, Unknown("var.h"))
    if unknown_in(claimed) is not None:
        return  # not claimed: nothing to hold
    for hole in holes:
        actual = _run(expr, hole)
        assert isinstance(unknown_in(actual), Invalid) or equal(actual, claimed), (
            expr,
            hole,
            actual,
            claimed,
        )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, st.one_of(VALUES, st.just(Unknown("var.h"))))
def test_evaluation_never_raises(expr: str, hole: Any) -> None:
    _run(expr, hole)  # any value, or an Unknown / Invalid marker; never an exception
