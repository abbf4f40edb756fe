"""Evaluation of compiled Terraform expressions (see ``hcl.compile_expr``) as
Terraform evaluates them before apply: static values are computed, everything
that depends on a value only known at apply stays ``Unknown`` and propagates
through every operator and function."""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.functions import call
from govscan.collectors.repo.values import (
    MAX_ITEMS,
    Instance,
    Invalid,
    Partial,
    Unknown,
    equal,
    is_number,
    to_bool,
    to_number,
    to_string,
    too_large,
)

Resolver = Callable[[str, str], Any]
"""``(kind, name)`` -> value: ``("var", "x")`` for ``var.x``, ``("v", "")`` for a bare
name such as a ``for`` variable."""

Expr = tuple[Any, ...]


def _unbound(kind: str, name: str) -> Any:
    return Unknown(f"{kind}.{name}" if name else kind)


MAX_ITERATIONS = 200_000
"""``for`` iterations one attribute's evaluation may take, locals it reads
included: nested ``for`` expressions over large locals multiply."""


class _Work(threading.local):
    depth = 0
    left = MAX_ITERATIONS


_work = _Work()


def evaluate(handle: Any, resolve: Resolver | None = None) -> Any:
    """The static value of an attribute from ``Block.attrs``."""
    if handle is None:
        return None
    if _work.depth == 0:
        _work.left = MAX_ITERATIONS
    _work.depth += 1
    try:
        return run(handle, resolve or _unbound)
    finally:
        _work.depth -= 1


def _blocked(text: str, *values: Any) -> Unknown | None:
    """The unknown an operation returns when one of its operands is unknown."""
    first: Unknown | None = None
    for v in values:
        if isinstance(v, Invalid):
            return v
        if isinstance(v, Unknown) and first is None:
            first = v
    return Unknown(text, first.ref) if first is not None else None


def run(e: Expr, resolve: Resolver) -> Any:
    kind = e[0]
    if kind == "lit":
        return e[1]
    if kind == "ref":
        return resolve(e[1], e[2])
    if kind == "get":
        return _path(run(e[1], resolve), e[2], resolve, e[3])
    if kind == "tmpl":
        return _template(e, resolve)
    if kind == "unk":
        return Unknown(e[1])
    if kind == "call":
        args = [run(a, resolve) for a in e[2]]
        if e[3] and args:  # f(a, list...): the last argument's elements are arguments
            last = args.pop()
            if isinstance(last, Unknown) or not isinstance(last, list):
                return _blocked(e[4], last) or Invalid(e[4])
            args.extend(last)
        return call(e[1], args, e[4])
    if kind == "tup":
        return [run(x, resolve) for x in e[1]]
    if kind == "obj":
        out: dict[str, Any] = {}
        for key, value in e[1]:
            k = key if isinstance(key, str) else to_string(run(key, resolve))
            if isinstance(k, Unknown):
                return k  # which attribute the object gets is not known: nor the object
            out[k] = run(value, resolve)
        return out
    if kind == "neg":
        v = to_number(run(e[1], resolve), e[2])
        return _blocked(e[2], v) or (_normal(-v) if v is not None else Invalid(e[2]))
    if kind == "not":
        v = to_bool(run(e[1], resolve), e[2])
        return _blocked(e[2], v) or ((not v) if v is not None else Invalid(e[2]))
    if kind == "cond":
        test = to_bool(run(e[1], resolve), e[4])
        if isinstance(test, bool):
            return run(e[2] if test else e[3], resolve)
        return _blocked(e[4], test) or Invalid(e[4])
    if kind == "bin":
        return _binary(e[1], run(e[2], resolve), run(e[3], resolve), e[4])
    if kind == "splat":
        return _splat(run(e[1], resolve), e[2], resolve, e[3])
    if kind == "for":
        return _for(e, resolve)
    return Unknown(str(e))


def _template(e: Expr, resolve: Resolver) -> Any:
    """A string template; with unknown parts, a ``Partial`` that keeps the known text
    around them (a JSON policy whose ``Resource`` is another resource's ARN)."""
    parts: list[Any] = []
    first: Unknown | None = None
    for part in e[1]:
        if isinstance(part, str):
            parts.append(part)
            continue
        value = run(part, resolve)
        if isinstance(value, Unknown):
            if isinstance(value, Invalid):
                return value
            first = first or value
            parts.append(value)
            continue
        text = to_string(value, e[2]) if value is not None else Invalid(e[2])
        if isinstance(text, Unknown):
            return text
        parts.append(text)
    if sum(len(p) for p in parts if isinstance(p, str)) > MAX_ITEMS:
        return too_large(e[2])
    if first is not None:
        return Partial(e[2], first.ref, tuple(parts))
    return "".join(parts)


def _path(value: Any, steps: list[Any], resolve: Resolver, text: str) -> Any:
    for step in steps:
        if isinstance(value, Instance) and isinstance(step, str):
            value = value.attribute(step, text)
            continue
        if isinstance(value, Unknown):
            return value if isinstance(value, Invalid) else Unknown(text, value.ref)
        if isinstance(step, tuple):  # an index computed by an expression: a[var.k]
            step = run(step, resolve)
            if isinstance(step, Unknown):
                return _blocked(text, step)
        value = _index(value, step, text)
    return value


def _index(value: Any, step: Any, text: str) -> Any:
    if isinstance(value, dict):
        key = to_string(step)
        if isinstance(key, str) and key in value:
            return value[key]
    elif isinstance(value, list):
        i = to_number(step)
        if is_number(i) and float(i).is_integer() and 0 <= i < len(value):
            return value[int(i)]
    return Invalid(text)


def _splat(value: Any, steps: list[Any], resolve: Resolver, text: str) -> Any:
    if isinstance(value, Unknown) and not isinstance(value, Instance):
        return value if isinstance(value, Invalid) else Unknown(text, value.ref)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [_path(item, steps, resolve, text) for item in items]


def _for(e: Expr, resolve: Resolver) -> Any:
    """``[for k, v in coll : value if cond]`` and ``{for k, v in coll : key => value...}``."""
    _, key_name, value_name, coll_e, key_e, value_e, cond_e, group, text = e
    coll = run(coll_e, resolve)
    if isinstance(coll, Unknown):
        return coll if isinstance(coll, Invalid) else Unknown(text, coll.ref)
    if isinstance(coll, dict):
        pairs: list[tuple[Any, Any]] = [(k, coll[k]) for k in sorted(coll)]
    elif isinstance(coll, list):
        pairs = list(enumerate(coll))
    else:
        return Invalid(text)
    items: list[Any] = []
    grouped: dict[str, Any] = {}
    if len(pairs) > MAX_ITEMS:
        return too_large(text)
    for k, v in pairs:
        _work.left -= 1
        if _work.left < 0:
            return too_large(text)
        bound = _bind(resolve, key_name, k, value_name, v)
        if cond_e is not None:
            keep = to_bool(run(cond_e, bound), text)
            if not isinstance(keep, bool):
                # Which elements the result has depends on an unknown.
                return _blocked(text, keep) or Invalid(text)
            if not keep:
                continue
        value = run(value_e, bound)
        if key_e is None:
            items.append(value)
            continue
        key = to_string(run(key_e, bound), text)
        if not isinstance(key, str):
            return _blocked(text, key) or Invalid(text)
        if group:
            grouped.setdefault(key, []).append(value)
        elif key in grouped:
            return Invalid(text)  # Terraform rejects duplicate keys without "..."
        else:
            grouped[key] = value
    return items if key_e is None else grouped


def _bind(resolve: Resolver, key_name: str, key: Any, value_name: str, value: Any) -> Resolver:
    def bound(kind: str, name: str) -> Any:
        if kind in (key_name, value_name):
            v = key if kind == key_name else value
            return v if not name else _index(v, name, f"{kind}.{name}")
        return resolve(kind, name)

    return bound


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}
_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
BINARY_OPS = frozenset({*_ARITHMETIC, *_ORDER, "==", "!=", "&&", "||"})


def _normal(n: Any) -> Any:
    return int(n) if isinstance(n, float) and n.is_integer() and abs(n) < 2**53 else n


def _binary(op: str, left: Any, right: Any, text: str) -> Any:
    """Terraform's operators: ``==`` compares types and collections, the others
    convert their operands (``"3" < 4``); unknown in, unknown out, except where the
    answer does not depend on it (``false && x``)."""
    if op in ("==", "!="):
        same = equal(left, right)
        if same is None:
            return _blocked(text, left, right) or Unknown(text)
        return same if op == "==" else not same
    if op in ("&&", "||"):
        a, b = to_bool(left, text), to_bool(right, text)
        if isinstance(a, Invalid) or isinstance(b, Invalid) or a is None or b is None:
            # Both operands must be bools, whatever the other one is.
            return a if isinstance(a, Invalid) else b if isinstance(b, Invalid) else Invalid(text)
        decisive = op == "||"
        # Like Terraform, only a known left operand short-circuits: an unknown left one
        # may turn out null, which is an error whatever the right one is.
        if a is decisive or (b is decisive and not isinstance(a, Unknown)):
            return decisive
        blocked = _blocked(text, a, b)
        if blocked is not None:
            return blocked
        return (a and b) if op == "&&" else (a or b)
    a, b = to_number(left, text), to_number(right, text)
    blocked = _blocked(text, a, b)
    if blocked is not None:
        return blocked
    if not is_number(a) or not is_number(b):
        return Invalid(text)
    if op in _ORDER:
        return bool(_ORDER[op](a, b))
    if op in ("/", "%") and b == 0:
        return Invalid(text)
    return _normal(_ARITHMETIC[op](a, b))
