"""Helpers the Terraform function modules share: how unknown arguments block a
call, and Terraform's list and string conversions of arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.values import Invalid, Unknown, to_string, unknown_in

Function = Callable[[list[Any], str], Any]
"""Evaluated arguments and the call's source text -> the result."""


def blocked(args: list[Any], text: str) -> Unknown | None:
    """The unknown a call returns when one of its arguments is unknown as a whole."""
    first: Unknown | None = None
    for a in args:
        if isinstance(a, Invalid):
            return a
        if isinstance(a, Unknown) and first is None:
            first = a
    return Unknown(text, first.ref) if first is not None else None


def strict(fn: Callable[..., Any], arity: int | None = None) -> Function:
    """A function of known arguments; unknown in, unknown out."""

    def run(args: list[Any], text: str) -> Any:
        if arity is not None and len(args) != arity:
            return Invalid(text)
        stop = blocked(args, text)
        if stop is not None:
            return stop
        try:
            return fn(*args)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return Invalid(text)

    return run


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise TypeError("not a list")


def as_text(value: Any) -> str:
    s = to_string(value)
    if not isinstance(s, str):
        raise TypeError("not a string")
    return s


class Undecided(Exception):
    """Raised by a function whose answer depends on an unknown element."""


def undecided(fn: Function) -> Function:
    def run(args: list[Any], text: str) -> Any:
        try:
            return fn(args, text)
        except Undecided:
            found = unknown_in(args)
            return (
                found if isinstance(found, Invalid) else Unknown(text, found.ref if found else "")
            )

    return run
