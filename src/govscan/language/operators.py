"""The operator table of the condition language.

Every operator is a function ``(actual, expected, ctx) -> bool`` that is only
called with a present ``actual``: the compiler handles absent values (missing
or null paths) before an operator runs, so "absent is not false" lives in one
place.  ``prepare`` turns a literal value into what the operator wants
(compiled regex, parsed networks, a frozenset) once per control, not once per
resource; the preparing functions live in ``language.values``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from govscan.language.patterns import Pattern
from govscan.language.values import (
    Network,
    PrepareError,
    is_number,
    network,
    prep_count,
    prep_jurisdictions,
    prep_list,
    prep_networks,
    prep_number,
    prep_regex,
    prep_set,
    prep_str,
)

__all__ = [
    "OPERATORS",
    "OpFn",
    "OpSpec",
    "PrepareError",
    "bind_operator",
    "describe",
    "operator_names",
    "register_operator",
    "same",
]

OpFn = Callable[[Any, Any, Any], bool]
"""(actual value, prepared expected value, EvalContext) -> bool."""


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: OpFn
    unary: bool = False
    prepare: Callable[[Any], Any] = field(default=lambda v: v)
    value_schema: Mapping[str, Any] = field(default_factory=dict)
    on_absent: bool = False
    """What the operator yields for an absent value (only the absence tests say True)."""
    doc: str = ""


def same(a: Any, b: Any) -> bool:
    """Equality that never conflates booleans with the numbers 0 and 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    try:
        return bool(a == b)
    except Exception:  # exotic types without comparison
        return False


def _as_list(v: Any) -> list[Any]:
    if isinstance(v, list | tuple | set | frozenset):
        return list(v)
    return [v]


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str | list | tuple | dict | set | frozenset) and not v)


# --- operators ------------------------------------------------------------------------------


def _eq(a: Any, b: Any, _: Any) -> bool:
    return same(a, b)


def _in(a: Any, b: tuple[Any, ...], _: Any) -> bool:
    return any(same(a, x) for x in b)


def _contains(a: Any, b: Any, _: Any) -> bool:
    if isinstance(a, str):
        return isinstance(b, str) and b in a
    if isinstance(a, dict):
        return any(same(k, b) for k in a)
    if isinstance(a, list | tuple | set | frozenset):
        return any(same(x, b) for x in a)
    return False


def _regex(a: Any, b: Pattern, _: Any) -> bool:
    # RE2 (engine.patterns): linear in the length of the value, whatever the pattern.
    if isinstance(a, str):
        return b.matches(a)
    if isinstance(a, list | tuple):
        return any(isinstance(x, str) and b.matches(x) for x in a)
    return False


def _cmp(op: Callable[[float, float], bool]) -> OpFn:
    def fn(a: Any, b: float, _: Any) -> bool:
        return is_number(a) and op(float(a), b)

    return fn


def _len(op: Callable[[int, int], bool]) -> OpFn:
    def fn(a: Any, b: int, _: Any) -> bool:
        return isinstance(a, str | list | tuple | dict) and op(len(a), b)

    return fn


def _timestamp(v: Any) -> datetime | None:
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day, tzinfo=UTC)
    if isinstance(v, str):
        try:
            parsed = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _age_days(a: Any, ctx: Any) -> float | None:
    ts = _timestamp(a)
    if ts is None:
        return None
    age: float = (ctx.as_of - ts).total_seconds() / 86400.0
    return age


def _older(a: Any, b: float, ctx: Any) -> bool:
    age = _age_days(a, ctx)
    return age is not None and age > b


def _newer(a: Any, b: float, ctx: Any) -> bool:
    age = _age_days(a, ctx)
    return age is not None and age <= b


def _expires_within(a: Any, b: float, ctx: Any) -> bool:
    age = _age_days(a, ctx)
    return age is not None and age >= -b


def _networks_of(a: Any) -> list[Network] | None:
    try:
        return [network(x) for x in _as_list(a) if x is not None]
    except (ValueError, TypeError):
        return None


def _cidr_in(a: Any, b: tuple[Network, ...], _: Any) -> bool:
    nets = _networks_of(a)
    if not nets:
        return False
    return all(
        any(n.version == w.version and n.subnet_of(w) for w in b)  # type: ignore[arg-type]
        for n in nets
    )


def _cidr_overlaps(a: Any, b: tuple[Network, ...], _: Any) -> bool:
    nets = _networks_of(a)
    if not nets:
        return False
    return any(n.version == w.version and n.overlaps(w) for n in nets for w in b)


def _internet_open(a: Any, _: Any, __: Any) -> bool:
    nets = _networks_of(a)
    return bool(nets) and any(n.prefixlen == 0 for n in nets or ())


def _set_of(a: Any) -> frozenset[Any] | None:
    try:
        return frozenset(_as_list(a))
    except TypeError:
        return None


def _set_rel(rel: Callable[[frozenset[Any], frozenset[Any]], bool]) -> OpFn:
    def fn(a: Any, b: frozenset[Any], _: Any) -> bool:
        s = _set_of(a)
        return s is not None and rel(s, b)

    return fn


def _starts(a: Any, b: str, _: Any) -> bool:
    return isinstance(a, str) and a.startswith(b)


def _ends(a: Any, b: str, _: Any) -> bool:
    return isinstance(a, str) and a.endswith(b)


def _negate(fn: OpFn) -> OpFn:
    def neg(a: Any, b: Any, ctx: Any) -> bool:
        return not fn(a, b, ctx)

    return neg


_ANY: Mapping[str, Any] = {}
_LIST: Mapping[str, Any] = {"type": "array"}
_NUM: Mapping[str, Any] = {"type": "number"}
_INT: Mapping[str, Any] = {"type": "integer", "minimum": 0}
_STR: Mapping[str, Any] = {"type": "string"}
_NETS: Mapping[str, Any] = {"oneOf": [{"type": "string"}, {"type": "array", "items": _STR}]}


def _spec(
    name: str,
    fn: OpFn,
    prepare: Callable[[Any], Any] = lambda v: v,
    schema: Mapping[str, Any] = _ANY,
    doc: str = "",
) -> OpSpec:
    return OpSpec(name, fn, prepare=prepare, value_schema=schema, doc=doc)


def _absence(name: str, when_absent: bool, test: Callable[[Any], bool], doc: str) -> OpSpec:
    return OpSpec(name, lambda a, _b, _c: test(a), unary=True, on_absent=when_absent, doc=doc)


OPERATORS: dict[str, OpSpec] = {}


def _add(*specs: OpSpec) -> None:
    for s in specs:
        OPERATORS[s.name] = s


_add(
    _spec("eq", _eq, doc="equal (booleans never equal 0 or 1)"),
    _spec("ne", _negate(_eq), doc="present and not equal"),
    _spec("in", _in, prep_list, _LIST, "equal to one of the listed values"),
    _spec("not-in", _negate(_in), prep_list, _LIST, "present and none of the listed values"),
    _spec(
        "contains", _contains, doc="list has the item, string has the substring, map has the key"
    ),
    _spec("not-contains", _negate(_contains), doc="present and does not contain"),
    _absence("present", False, lambda a: True, "not missing and not null"),
    _absence("absent", True, lambda a: False, "missing or null"),
    _absence("empty", True, _is_empty, "absent, '', [] or {}"),
    _absence("not-empty", False, lambda a: not _is_empty(a), "present and not '', [] or {}"),
    _spec("regex", _regex, prep_regex, _STR, "whole string matches (any item of a list)"),
    _spec("not-regex", _negate(_regex), prep_regex, _STR, "present and does not match"),
    _spec("gt", _cmp(lambda a, b: a > b), prep_number, _NUM, "number greater than"),
    _spec("gte", _cmp(lambda a, b: a >= b), prep_number, _NUM, "number at least"),
    _spec("lt", _cmp(lambda a, b: a < b), prep_number, _NUM, "number less than"),
    _spec("lte", _cmp(lambda a, b: a <= b), prep_number, _NUM, "number at most"),
    _spec("len-eq", _len(lambda a, b: a == b), prep_count, _INT, "length equal"),
    _spec("len-gt", _len(lambda a, b: a > b), prep_count, _INT, "length greater than"),
    _spec("len-lt", _len(lambda a, b: a < b), prep_count, _INT, "length less than"),
    _spec("older-than-days", _older, prep_number, _NUM, "timestamp older than N days (as of)"),
    _spec("newer-than-days", _newer, prep_number, _NUM, "timestamp at most N days old"),
    _spec(
        "expires-within-days",
        _expires_within,
        prep_number,
        _NUM,
        "timestamp is in the past or at most N days ahead (expiry dates)",
    ),
    _spec("cidr-in", _cidr_in, prep_networks, _NETS, "every network inside one listed"),
    _spec("cidr-overlaps", _cidr_overlaps, prep_networks, _NETS, "some network overlaps"),
    OpSpec(
        "internet-open", _internet_open, unary=True, doc="a network is 0.0.0.0/0, ::/0 (any /0)"
    ),
    _spec("subset-of", _set_rel(lambda a, b: a <= b), prep_set, _LIST, "every item is listed"),
    _spec("superset-of", _set_rel(lambda a, b: a >= b), prep_set, _LIST, "has every listed"),
    _spec("intersects", _set_rel(lambda a, b: bool(a & b)), prep_set, _LIST, "shares an item"),
    _spec("disjoint", _set_rel(lambda a, b: not (a & b)), prep_set, _LIST, "shares no item"),
    _spec("starts-with", _starts, prep_str, _STR, "string prefix"),
    _spec("ends-with", _ends, prep_str, _STR, "string suffix"),
)


def register_operator(
    name: str,
    fn: OpFn,
    *,
    unary: bool = False,
    prepare: Callable[[Any], Any] | None = None,
    value_schema: Mapping[str, Any] | None = None,
    doc: str = "",
) -> None:
    """Add an operator (e.g. ``jurisdiction-in``); ``fn`` may raise ``EvaluationError``."""
    OPERATORS[name] = OpSpec(
        name,
        fn,
        unary=unary,
        prepare=prepare or (lambda v: v),
        value_schema=value_schema or {},
        doc=doc,
    )


def bind_operator(name: str, fn: OpFn) -> None:
    """Give an operator declared here its judging function, which lives above the catalog."""
    OPERATORS[name] = replace(OPERATORS[name], fn=fn)


def _unbound(name: str) -> OpFn:
    def fn(_a: Any, _b: Any, _c: Any) -> bool:
        # The engine binds every declared operator when it is imported; reaching this
        # means a caller judged without the engine, which must not pass silently.
        raise LookupError(f"operator '{name}' has no judging function")

    return fn


# Declared here so the catalog validates it without the engine; judged by
# govscan.engine.residency, which needs the jurisdiction tables.
register_operator(
    "jurisdiction-in",
    _unbound("jurisdiction-in"),
    prepare=prep_jurisdictions,
    value_schema={"type": "array", "items": {"type": "string"}, "minItems": 1},
    doc="every region or country is in an allowed jurisdiction (unknown: error)",
)


def operator_names() -> list[str]:
    return sorted(OPERATORS)


def describe() -> Sequence[OpSpec]:
    return [OPERATORS[n] for n in operator_names()]
