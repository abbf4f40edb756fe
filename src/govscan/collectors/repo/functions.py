"""Terraform's pure built-in functions over static values.

Each function receives evaluated arguments and the call's source text (the reason
an unknown result carries). An unknown argument makes the result unknown unless
the answer does not depend on it (``length()`` of a list with unknown elements,
``concat()`` of a known list and an empty one); arguments Terraform would reject
give ``Invalid``, which ``try()`` and ``can()`` move on from. A function that is not
here is never guessed: its call is unknown.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.repo.fn_json import JSON_FUNCTIONS
from govscan.collectors.repo.fn_support import Function, as_list, blocked, strict
from govscan.collectors.repo.fn_text import TEXT_FUNCTIONS
from govscan.collectors.repo.values import (
    MAX_ITEMS,
    Invalid,
    Unknown,
    equal,
    is_number,
    to_number,
    to_string,
    too_large,
    unknown_in,
)


def call(name: str, args: list[Any], text: str) -> Any:
    fn = FUNCTIONS.get(name)
    if fn is None:
        return Unknown(f"unsupported function {name}()")
    out = fn(args, text)
    if isinstance(out, list | dict | str) and len(out) > MAX_ITEMS:
        return too_large(text)
    return out


def _try(args: list[Any], text: str) -> Any:
    for a in args:
        if not isinstance(unknown_in(a), Invalid):
            return a
    return Invalid(text)


def _can(args: list[Any], text: str) -> Any:
    if len(args) != 1:
        return Invalid(text)
    found = unknown_in(args[0])
    if isinstance(found, Invalid):
        return False
    return Unknown(text, args[0].ref) if isinstance(args[0], Unknown) else True


def _collection(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    raise TypeError("not a collection")


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | dict):
        return len(value)
    raise TypeError("no length")


def _keys(value: Any) -> list[str]:
    if not isinstance(value, dict):
        raise TypeError("not a map")
    return sorted(value)


def _values(value: Any) -> list[Any]:
    if not isinstance(value, dict):
        raise TypeError("not a map")
    return [value[k] for k in sorted(value)]


def _contains(args: list[Any], text: str) -> Any:
    stop = blocked(args, text) if len(args) == 2 else Invalid(text)
    if stop is not None:
        return stop
    items, wanted = args
    if not isinstance(items, list):
        return Invalid(text)
    undecided = False
    budget = [MAX_ITEMS]
    for item in items:
        same = equal(item, wanted, budget)
        if same:
            return True
        undecided = undecided or same is None
    return Unknown(text) if undecided else False


def _element(items: Any, index: Any) -> Any:
    i = to_number(index)
    if not isinstance(items, list) or not isinstance(i, int) or not items or i < 0:
        raise IndexError("element")
    return items[i % len(items)]


def _flatten(args: list[Any], text: str) -> Any:
    if len(args) != 1:
        return Invalid(text)
    if isinstance(args[0], Unknown):
        return _blocked_by(args[0], text)
    if not isinstance(args[0], list):
        return Invalid(text)
    out: list[Any] = []
    stack = [iter(args[0])]
    steps = 0
    while stack:
        for item in stack[-1]:
            steps += 1
            if steps > MAX_ITEMS:
                return too_large(text)
            if isinstance(item, list):
                stack.append(iter(item))
                break
            if isinstance(item, Unknown):
                # An unknown element may itself be a list: the shape is not known.
                return _blocked_by(item, text)
            # A map or scalar is one element, whatever unknowns it holds inside.
            out.append(item)
        else:
            stack.pop()
    return out


def _blocked_by(value: Unknown, text: str) -> Unknown:
    return value if isinstance(value, Invalid) else Unknown(text, value.ref)


_MAX_COMPARED = 2_000
"""Collections compared element by element (``distinct`` of lists or maps)."""


def _distinct(items: list[Any]) -> list[Any]:
    if not isinstance(items, list):
        raise TypeError("not a list")
    if all(v is None or isinstance(v, str | int | float) for v in items):
        # Scalars: one pass; the key keeps true apart from 1 and "1" from 1.
        seen: set[tuple[bool, bool, Any]] = set()
        firsts: list[Any] = []
        for v in items:
            key = (type(v) is bool, isinstance(v, str), v)
            if key not in seen:
                seen.add(key)
                firsts.append(v)
        return firsts
    if len(items) > _MAX_COMPARED:
        raise ValueError("too many collections to compare")
    out: list[Any] = []
    budget = [MAX_ITEMS]
    for item in items:
        if not any(equal(item, seen, budget) for seen in out):
            out.append(item)
    if budget[0] < 0:
        raise ValueError("too large to compare")
    return out


def _distinct_known(args: list[Any], text: str) -> Any:
    """``distinct()`` and ``toset()``: which elements are equal depends on unknown ones."""
    stop = blocked(args, text) if len(args) == 1 else Invalid(text)
    if stop is not None:
        return stop
    found = unknown_in(args[0])
    if found is not None:
        return found if isinstance(found, Invalid) else Unknown(text, found.ref)
    return None


def _distinct_fn(args: list[Any], text: str) -> Any:
    stop = _distinct_known(args, text)
    if stop is not None:
        return stop
    return strict(_distinct, 1)(args, text)


def _toset(args: list[Any], text: str) -> Any:
    stop = _distinct_known(args, text)
    if stop is not None:
        return stop
    items = _distinct(_collection(args[0])) if isinstance(args[0], list | dict) else None
    if items is None:
        return Invalid(text)
    # Terraform orders a set of strings lexically, of numbers numerically.
    if all(isinstance(i, str) for i in items) or all(is_number(i) for i in items):
        return sorted(items)
    return items


def _one(items: Any) -> Any:
    if not isinstance(items, list) or len(items) > 1:
        raise ValueError("one")
    return items[0] if items else None


def _concat(*lists: Any) -> list[Any]:
    if not all(isinstance(items, list) for items in lists):
        raise TypeError("not a list")
    if sum(len(items) for items in lists) > MAX_ITEMS:
        raise ValueError("too large")
    return [item for items in lists for item in items]


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise TypeError("not a map")
        out.update(m)
        if len(out) > MAX_ITEMS:
            raise ValueError("too large")
    return out


def _lookup(args: list[Any], text: str) -> Any:
    if len(args) not in (2, 3):
        return Invalid(text)
    stop = blocked(args[:2], text)
    if stop is not None:
        return stop
    table, key = args[0], to_string(args[1])
    if not isinstance(table, dict) or not isinstance(key, str):
        return Invalid(text)
    if key in table:
        return table[key]
    return args[2] if len(args) == 3 else Invalid(text)


def _coalesce(args: list[Any], text: str) -> Any:
    for a in args:
        if isinstance(a, Unknown):
            return a if isinstance(a, Invalid) else Unknown(text, a.ref)
        if a is not None and a != "":
            return a
    return Invalid(text)


def _coalescelist(args: list[Any], text: str) -> Any:
    for a in args:
        if isinstance(a, Unknown):
            return a if isinstance(a, Invalid) else Unknown(text, a.ref)
        if isinstance(a, list) and a:
            return a
    return Invalid(text)


def _tomap(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise TypeError("not a map")


FUNCTIONS: dict[str, Function] = {
    **TEXT_FUNCTIONS,
    **JSON_FUNCTIONS,
    "try": _try,
    "can": _can,
    "one": strict(_one, 1),
    "length": strict(_length, 1),
    "keys": strict(_keys, 1),
    "values": strict(_values, 1),
    "contains": _contains,
    "element": strict(_element, 2),
    "flatten": _flatten,
    "distinct": _distinct_fn,
    "concat": strict(_concat),
    "merge": strict(_merge),
    "lookup": _lookup,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "tolist": strict(as_list, 1),
    "toset": _toset,
    "tomap": strict(_tomap, 1),
}
