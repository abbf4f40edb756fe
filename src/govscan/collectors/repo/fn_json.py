"""Terraform's ``jsonencode``, ``jsondecode``, ``sort`` and ``replace`` over static
values. ``jsonencode`` of a value with unknown leaves is a ``Partial``: unknown as a
string, but a policy document read from it still sees its known statements."""

from __future__ import annotations

import json
from typing import Any

from govscan.collectors.repo.fn_support import Function, Undecided, as_list, as_text, strict
from govscan.collectors.repo.fn_support import undecided as _undecided
from govscan.collectors.repo.values import (
    MAX_ITEMS,
    Invalid,
    Partial,
    Unknown,
    unknown_in,
)


def _jsonencode(args: list[Any], text: str) -> Any:
    if len(args) != 1:
        return Invalid(text)
    found = unknown_in(args[0])
    if isinstance(found, Invalid):
        return found
    if found is not None:
        if isinstance(args[0], Unknown):
            return Unknown(text, args[0].ref)
        return Partial(text, found.ref, (args[0],), encoded=True)
    try:
        # Terraform writes objects with their keys sorted and no spaces.
        return json.dumps(args[0], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return Invalid(text)


def _jsondecode(value: Any) -> Any:
    return json.loads(as_text(value))


def _sort(items: Any) -> list[str]:
    values = as_list(items)
    if any(isinstance(v, Unknown) for v in values):
        raise Undecided
    if any(isinstance(v, list | dict) or v is None for v in values):
        raise TypeError("sort() takes strings")
    return sorted(as_text(v) for v in values)


def _replace(s: Any, search: Any, replacement: Any) -> str:
    haystack, needle, new = as_text(s), as_text(search), as_text(replacement)
    if len(needle) > 1 and needle.startswith("/") and needle.endswith("/"):
        # A regular expression: not evaluated (its dialect is not Python's).
        raise Undecided
    out = haystack.replace(needle, new) if needle else haystack
    if len(out) > MAX_ITEMS:
        raise ValueError("too large")
    return out


def _replace_fn(args: list[Any], text: str) -> Any:
    try:
        return strict(_replace, 3)(args, text)
    except Undecided:
        return Unknown(f"{text} (regular expression not evaluated)")


JSON_FUNCTIONS: dict[str, Function] = {
    "jsonencode": _jsonencode,
    "jsondecode": strict(_jsondecode, 1),
    "sort": _undecided(strict(_sort, 1)),
    "replace": _replace_fn,
}
