"""Terraform's string, number and boolean functions (see ``functions``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.fn_support import (
    Function,
    Undecided,
    as_list,
    as_text,
    blocked,
    strict,
    undecided,
)
from govscan.collectors.repo.values import (
    MAX_ITEMS,
    Invalid,
    Unknown,
    is_number,
    to_bool,
    to_number,
    to_string,
    unknown_in,
)


def _join(sep: Any, *lists: Any) -> str:
    items: list[Any] = []
    for items_ in lists:
        items.extend(as_list(items_))
    if any(isinstance(i, Unknown) for i in items):
        raise Undecided
    texts = [as_text(i) for i in items]
    if sum(len(t) for t in texts) > MAX_ITEMS:
        raise ValueError("too large")
    return as_text(sep).join(texts)


_VERB = re.compile(r"%(?:(%)|([-+# 0]*)(\d*)(?:\.(\d+))?([sdfvqtb]))")


def _format(spec: Any, *args: Any) -> str:
    if not isinstance(spec, str):
        raise TypeError("format needs a string")
    if any(unknown_in(a) is not None for a in args):
        raise Undecided
    values = iter(args)

    def verb(m: re.Match[str]) -> str:
        if m.group(1):
            return "%"
        flags, width, precision, kind = m.group(2), m.group(3), m.group(4), m.group(5)
        value = next(values)
        if kind in ("s", "v") and not isinstance(value, list | dict):
            out = as_text(value)
        elif kind == "q":
            out = '"' + as_text(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif kind == "t":
            b = to_bool(value)
            if not isinstance(b, bool):
                raise TypeError("not a bool")
            out = "true" if b else "false"
        else:
            n = to_number(value)
            if not is_number(n):
                raise TypeError("not a number")
            if kind == "d":
                if not float(n).is_integer():
                    raise TypeError("not an integer")
                out = str(int(n))
            elif kind == "b":
                out = format(int(n), "b")
            else:
                digits = int(precision) if precision else 6
                if digits > 100:
                    raise ValueError("too precise")
                out = f"{float(n):.{digits}f}"
        pad = int(width) if width else 0
        if pad > MAX_ITEMS:
            raise ValueError("too wide")
        return out.ljust(pad) if "-" in flags else out.rjust(pad, "0" if "0" in flags else " ")

    out = _VERB.sub(verb, spec)
    if next(values, _END) is not _END:
        raise ValueError("too many arguments")
    return out


_END = object()


def _format_fn(args: list[Any], text: str) -> Any:
    stop = blocked(args[:1], text)
    if stop is not None:
        return stop
    try:
        return _format(*args)
    except Undecided:
        return Unknown(text)
    except (TypeError, ValueError, StopIteration):
        return Invalid(text)


def _convert(fn: Callable[[Any, str], Any]) -> Function:
    def run(args: list[Any], text: str) -> Any:
        if len(args) != 1:
            return Invalid(text)
        value = args[0]
        if isinstance(value, Unknown):
            return value
        return fn(value, text)

    return run


def _string_fn(fn: Callable[[str], Any]) -> Function:
    return strict(lambda s: fn(as_text(s)), 1)


def _split(sep: Any, s: Any) -> list[str]:
    return as_text(s).split(as_text(sep)) if as_text(s) else []


def _compact(items: Any) -> list[Any]:
    out = []
    for i in as_list(items):
        if isinstance(i, Unknown):
            raise Undecided
        if i is not None and i != "":
            out.append(as_text(i))
    return out


def _numbers(*args: Any) -> list[int | float]:
    out = []
    for a in args:
        n = to_number(a)
        if not is_number(n):
            raise TypeError("not a number")
        out.append(n)
    if not out:
        raise ValueError("no numbers")
    return out


def _zipmap(keys: Any, vals: Any) -> dict[str, Any]:
    k, v = as_list(keys), as_list(vals)
    if len(k) != len(v) or any(isinstance(x, Unknown) for x in k):
        raise ValueError("zipmap")
    return {as_text(a): b for a, b in zip(k, v, strict=True)}


def _bools(items: Any, want: bool) -> Any:
    values = [to_bool(i) for i in as_list(items)]
    if any(v is want for v in values):
        return want
    if any(isinstance(v, Unknown) for v in values):
        raise Undecided
    if not all(isinstance(v, bool) for v in values):
        raise TypeError("not bools")
    return not want


TEXT_FUNCTIONS: dict[str, Function] = {
    "zipmap": strict(_zipmap, 2),
    "tostring": _convert(to_string),
    "tonumber": _convert(to_number),
    "tobool": _convert(to_bool),
    "format": _format_fn,
    "join": undecided(strict(_join)),
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "trimspace": _string_fn(str.strip),
    "split": strict(_split, 2),
    "compact": undecided(strict(_compact, 1)),
    "min": strict(lambda *a: min(_numbers(*a))),
    "max": strict(lambda *a: max(_numbers(*a))),
    "abs": strict(lambda a: abs(_numbers(a)[0]), 1),
    "alltrue": undecided(strict(lambda items: _bools(items, False), 1)),
    "anytrue": undecided(strict(lambda items: _bools(items, True), 1)),
    "startswith": strict(lambda s, p: as_text(s).startswith(as_text(p)), 2),
    "endswith": strict(lambda s, p: as_text(s).endswith(as_text(p)), 2),
}
