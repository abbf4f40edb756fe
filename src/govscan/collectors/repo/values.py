"""Terraform values as the evaluator sees them: Python scalars, lists and dicts for
what is known before apply, ``Unknown`` for what is not, and Terraform's type
conversions between strings, numbers and booleans."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value not known before apply, e.g. ``aws_kms_key.data.arn`` or ``var.x``
    without a default; ``text`` says which expression (the reason shown to users)."""

    text: str
    ref: str = ""
    """Address of the resource or data source whose attribute this is
    (``module.net.aws_security_group.this``): the value is present, only not known
    yet. Empty for every other unknown (a variable without a value, an unsupported
    function)."""


@dataclass(frozen=True)
class Invalid(Unknown):
    """An expression Terraform would reject (an index out of range, a missing map key,
    ``one()`` of two elements). ``try()`` and ``can()`` move on from it; everywhere
    else it is as unknown as any other ``Unknown``."""


@dataclass(frozen=True)
class Instance(Unknown):
    """A resource instance of the same module instance as a reference sees it
    (``aws_vpc.main``, ``aws_sg.this[0]``): present, and unknown as a whole, but an
    attribute read from it (``.cidr_block``) may be known before apply (see
    ``references``)."""

    lookup: Callable[[str, str], Any] | None = field(default=None, compare=False, repr=False)
    """``(attribute, expression text)`` -> the attribute's value."""

    def attribute(self, name: str, text: str) -> Any:
        return self.lookup(name, text) if self.lookup else Unknown(text, self.ref)


@dataclass(frozen=True)
class Partial(Unknown):
    """A value whose structure is known and some of whose leaves are not: a JSON
    document built by a template or ``jsonencode()`` around a reference. As a value
    it is unknown like any other; ``documents.document`` reads its structure."""

    parts: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """A template's pieces (strings and unknowns, in order), or one decoded value
    with unknown leaves (``jsonencode``: ``(value,)`` with ``encoded`` true)."""
    encoded: bool = False


Scalar = str | int | float | bool | None

MAX_ITEMS = 100_000
"""Largest list, map or string (in characters) an expression may build, and most
nodes one comparison or search visits. Locals can double a value at each step
(``a2 = concat(a1, a1)``): a hostile module must not exhaust memory or time, so
a bigger value is invalid (its field unknown), never a crash or a pass."""


def too_large(text: str) -> Invalid:
    return Invalid(f"{text[:80]}: value too large to evaluate")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_number(value: Any, text: str = "") -> Any:
    """A number as Terraform converts one at assignment: ``"443"`` is 443; a string
    that is no number is invalid, not a default."""
    if is_number(value) or value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
        try:
            number = float(value.strip())
        except ValueError:
            return Invalid(text or f"{value!r} is not a number")
        if number == number and abs(number) != float("inf"):  # NaN and inf are no numbers
            return number
    return Invalid(text or f"{value!r} is not a number")


def to_bool(value: Any, text: str = "") -> Any:
    """A bool as Terraform converts one: only ``"true"`` and ``"false"`` are booleans."""
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return value
    if value == "true" and isinstance(value, str):
        return True
    if value == "false" and isinstance(value, str):
        return False
    return Invalid(text or f"{value!r} is not a bool")


def to_string(value: Any, text: str = "") -> Any:
    if isinstance(value, str) or value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return _number_text(value)
    return Invalid(text or "a collection is not a string")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unknown_in(value: Any) -> Unknown | None:
    """The first unknown anywhere inside ``value`` (an invalid one first)."""
    found: Unknown | None = None
    stack = [value]
    budget = MAX_ITEMS
    while stack:
        budget -= 1
        if budget < 0:
            return Invalid("value too large to evaluate")
        v = stack.pop()
        if isinstance(v, Invalid):
            return v
        if isinstance(v, Unknown):
            found = found or v
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return found


def equal(left: Any, right: Any, budget: list[int] | None = None) -> bool | None:
    """Terraform's ``==``: types count (``true`` is not ``1``, ``"1"`` is not ``1``),
    collections compare element by element; None when it depends on an unknown
    (or the values are too large to compare)."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return None
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) or is_number(right):
        return is_number(left) and is_number(right) and left == right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        return _all_equal(list(zip(left, right, strict=True)), budget)
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return False
        return _all_equal([(left[k], right[k]) for k in left], budget)
    return False


def _all_equal(pairs: list[tuple[Any, Any]], budget: list[int]) -> bool | None:
    undecided = False
    for a, b in pairs:
        same = equal(a, b, budget)
        if same is False:
            return False
        undecided = undecided or same is None
    return None if undecided else True
