"""Policy parameter values: typed, finite, in range, whatever the YAML or ``--param`` says.

A parameter value reaches the operators of every control that reads it, so a
value of the wrong type (a list where a string belongs, a date where a number
belongs) or out of range (``.inf``, ``.nan``, an integer of a hundred digits)
is refused where it is written, with the file and line or the flag that set
it, never by an exception in the middle of a scan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from govscan.errors import UsageError
from govscan.language.operators import OPERATORS, PrepareError
from govscan.model import Control, Policy

PARAM_TYPES = ("string", "integer", "number", "boolean", "list", "date")


_LIST_ITEM_TYPES = (str, int, float, bool)
MAX_INTEGER = 2**63 - 1
"""Integer parameters beyond a signed 64-bit range are refused (they are no real limits,
and every report format and the results database can carry the rest)."""


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _as_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, float):
        # 1.5 is not an integer, and int(.inf) would overflow.
        if not value.is_integer():
            raise ValueError
        value = int(value)
    elif isinstance(value, str):
        value = int(value.strip())
    if not isinstance(value, int) or abs(value) > MAX_INTEGER:
        raise ValueError
    return value


def _as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError
    return _finite(float(value))


def _as_param_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise TypeError
    for item in value:
        if not isinstance(item, _LIST_ITEM_TYPES):
            raise TypeError
        if isinstance(item, float):
            _finite(item)
        if isinstance(item, int) and not isinstance(item, bool):
            _as_integer(item)
    return value


def _as_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower() if isinstance(value, str) else None
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off"):
        return False
    raise ValueError


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError


def _as_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    # An unquoted number is meant as its digits; a date, a float, a list or a map is not.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(_as_integer(value))
    raise TypeError


_COERCE: dict[str, Callable[[Any], Any]] = {
    "list": _as_param_list,
    "integer": _as_integer,
    "number": _as_number,
    "boolean": _as_boolean,
    "date": _as_date,
    "string": _as_string,
}


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return f"an {type(value).__name__} too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


def coerce_value(name: str, ptype: str, value: Any) -> Any:
    """Turn a YAML value or a ``--param`` string into the parameter's declared type.

    Only values of the declared type (or strings that parse as it) are accepted:
    ``.inf``, ``.nan``, integers beyond 64 bits, a list where a string belongs or
    a date where a number belongs raise ``UsageError``, never a Python exception."""
    coerce = _COERCE.get(ptype)
    if coerce is not None:
        try:
            return coerce(value)
        except (TypeError, ValueError, OverflowError):
            pass
    hint = ""
    if ptype == "string" and not isinstance(value, str | list | dict):
        hint = " (quote it to make it a string)"
    raise UsageError(
        f"parameter '{name}' expects a value of type {ptype}{hint}, got {_shown(value)}"
    )


def param_references(tree: Any) -> Iterator[tuple[str, str]]:
    """(parameter, operator) for every leaf of a condition tree whose value is
    ``{param: NAME}``."""
    if isinstance(tree, dict):
        value = tree.get("value")
        if isinstance(value, dict) and isinstance(value.get("param"), str):
            yield value["param"], str(tree.get("op"))
        for child in tree.values():
            yield from param_references(child)
    elif isinstance(tree, list):
        for child in tree:
            yield from param_references(child)


def param_value_problems(
    controls: Iterable[Control], policy: Policy, from_flags: Collection[str] = ()
) -> list[str]:
    """Parameter values the operators that read them refuse (a regex RE2 cannot run, a
    network that does not parse), found before the scan rather than once per resource."""
    out: list[str] = []
    for control in controls:
        for tree in (control.check, control.applies_when):
            for name, op in param_references(tree):
                spec = OPERATORS.get(op)
                value = policy.values.get(name)
                # No value: the default at the reference was validated with the control.
                if spec is None or spec.unary or value is None:
                    continue
                try:
                    spec.prepare(value)
                except PrepareError as exc:
                    where = (
                        f"--param {name}"
                        if name in from_flags
                        else f"parameter '{name}' of policy '{policy.name}' ({policy.source})"
                    )
                    out.append(f"{where}: control {control.id} uses it with '{op}': {exc}")
    return list(dict.fromkeys(out))
