"""Literal values of conditions, prepared once per control for their operator.

A control's ``value`` is checked and converted here (a compiled regex,
parsed networks, a frozenset) when the control is compiled, so a bad literal
is a validation problem naming the control, and judging a resource does no
parsing.  Each function raises :class:`PrepareError` with the reason.
"""

from __future__ import annotations

import ipaddress
import math
from functools import lru_cache
from typing import Any

from govscan.language.patterns import Pattern, PatternError, compile_regex


class PrepareError(ValueError):
    """A literal value that does not fit its operator (bad regex, bad network, ...)."""


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def prep_list(v: Any) -> tuple[Any, ...]:
    if not isinstance(v, list | tuple):
        raise PrepareError("value must be a list")
    return tuple(v)


def prep_regex(v: Any) -> Pattern:
    if not isinstance(v, str):
        raise PrepareError("value must be a regular expression string")
    try:
        return compile_regex(v)
    except PatternError as exc:
        shown = v if len(v) <= 80 else v[:77] + "..."
        raise PrepareError(f"bad regular expression {shown!r}: {exc}") from None


def prep_number(v: Any) -> float:
    if not is_number(v):
        raise PrepareError("value must be a number")
    try:
        number = float(v)
    except OverflowError:
        raise PrepareError("number out of range") from None
    # Every comparison with NaN is false and every one with infinity is settled in
    # advance: such a value is a mistake in the control, not a limit.
    if not math.isfinite(number):
        raise PrepareError("value must be a finite number")
    return number


def prep_count(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise PrepareError("value must be a non-negative integer")
    return v


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(v: Any) -> Network:
    return parse_network(str(v).strip())


@lru_cache(maxsize=4096)
def parse_network(text: str) -> Network:
    # Cached: the same few ranges (0.0.0.0/0, a VPC's CIDRs) recur in most rules of a
    # scan, and parsing one costs more than the test itself. Bounded: values are input.
    return ipaddress.ip_network(text, strict=False)


def prep_networks(v: Any) -> tuple[Network, ...]:
    items = v if isinstance(v, list | tuple) else [v]
    try:
        return tuple(network(x) for x in items)
    except ValueError as exc:
        raise PrepareError(f"bad network: {exc}") from None


def prep_set(v: Any) -> frozenset[Any]:
    if not isinstance(v, list | tuple):
        raise PrepareError("value must be a list")
    try:
        return frozenset(v)
    except TypeError:
        raise PrepareError("list items must be plain values") from None


def prep_str(v: Any) -> str:
    if not isinstance(v, str):
        raise PrepareError("value must be a string")
    return v


def prep_jurisdictions(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list | tuple)
        or not items
        or not all(isinstance(v, str) and v.strip() for v in items)
    ):
        raise PrepareError("expects a non-empty list of jurisdictions, e.g. [EU, EEA] or [DE]")
    return tuple(v.strip() for v in items)
