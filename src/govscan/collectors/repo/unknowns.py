"""Values not known before apply, as the Terraform normalisers meet them.

A normaliser builds its fields with the helpers here: they pass an ``Unknown``
through instead of replacing it with a default or dropping it, and combine
values the way Terraform's logic would (``all_of`` is false as soon as one
known value is false, whatever the unknown ones turn out to be).  ``split``
then takes the finished fields apart, in one place for every normaliser, into
the data a control reads and the paths that are unknown, each with the reason
shown to the user.

Rules (documented in docs/repo.md, "Unknown values"):

- an unknown scalar or map value is recorded at its dotted path
  (``default_encryption.kms_key_id``); anything unknown inside a list makes the
  whole list unknown (``ingress_rules``), since list items have no stable path;
- a reference to another resource's attribute is *present with an unknown
  value*: the path keeps the reference text as a placeholder, so presence tests
  still answer; any other unknown is not present at all;
- a list with unknown items is present with as many items as it is written
  with (unknown items hold their expression text as placeholders); each such
  item is also recorded as ``path[i]``, so a check its known items decide
  (``every`` rule closed, one known rule open) is judged on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.values import Invalid, to_bool, to_number, to_string

_SPACE = re.compile(r"\s+")
_MAX_TEXT = 120
_VAR = re.compile(r"\bvar\.[A-Za-z_]")


def reference(value: Unknown) -> str:
    """The resource or data source an unknown is an attribute of, or ``""``."""
    ref = getattr(value, "ref", "")
    return ref if isinstance(ref, str) else ""


def reason(value: Unknown) -> str:
    """Why a value is unknown, in one line: the expression and what would tell it."""
    text = _SPACE.sub(" ", value.text).strip()
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 3] + "..."
    if isinstance(value, Invalid):
        # Terraform would stop at this expression: no value to judge, before or after.
        return f"value Terraform would reject: {text}"
    out = f"value unknown before apply: {text}"
    if reference(value):
        return out  # another resource's attribute: only apply creates it
    if _VAR.search(value.text):
        return out + "; pass --tf-var-file or scan the plan JSON"
    return out + "; scan the plan JSON"


def first_unknown(value: Any) -> Unknown | None:
    """The first unknown anywhere inside ``value`` (depth first, in order)."""
    if isinstance(value, Unknown):
        return value
    items: Iterable[Any] = (
        value if isinstance(value, list) else value.values() if isinstance(value, dict) else ()
    )
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


def _placeheld(value: Any) -> Any:
    """``value`` with every unknown replaced by its expression text: the shape (how
    many items a list has) stays true, so presence and emptiness still answer."""
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, list):
        return [_placeheld(v) for v in value]
    if isinstance(value, dict):
        return {k: _placeheld(v) for k, v in value.items()}
    return value


def split(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A normaliser's fields as (data, unknown paths -> reason)."""
    unknown: dict[str, str] = {}
    return _split(fields, "", unknown), unknown


def _split(fields: Mapping[str, Any], prefix: str, unknown: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in fields.items():
        path = f"{prefix}{key}"
        if isinstance(value, Unknown):
            unknown[path] = reason(value)
            if reference(value):
                data[key] = value.text
        elif isinstance(value, dict):
            data[key] = _split(value, path + ".", unknown)
        elif isinstance(value, list):
            found = first_unknown(value)
            if found is not None:
                unknown[path] = reason(found)
                # Which items are open: a check the known items decide (one open
                # database port among unknown rules) is judged on them.
                for i, item in enumerate(value):
                    item_unknown = first_unknown(item)
                    if item_unknown is not None:
                        unknown[f"{path}[{i}]"] = reason(item_unknown)
            # The list itself is there with as many items as written (presence and
            # emptiness answer), but no test of its content is judged.
            data[key] = _placeheld(value)
        else:
            data[key] = value
    return data


# --- building fields --------------------------------------------------------------------


def as_bool(value: Any, default: bool) -> Any:
    """A boolean argument; unset means ``default`` (see ``aws_defaults``)."""
    if value is None:
        return default
    # Terraform converts "true"/"false"; any other string is an error at plan.
    return to_bool(value, f"{value!r} is not a bool")


def as_int(value: Any, default: int | None) -> Any:
    """A whole number argument; ``"443"`` is 443 as Terraform converts it, a string
    that is no number is invalid (unknown), never the default."""
    if value is None:
        return default
    n = to_number(value, f"{value!r} is not a number")
    if isinstance(n, float) and n.is_integer():
        return int(n)
    return n if isinstance(n, int | Unknown) else Invalid(f"{value!r} is not a whole number")


def as_str(value: Any) -> Any:
    """A string argument; ``""`` is unset (the AWS provider treats it so), a number
    or bool is its text as Terraform converts it."""
    if value == "" or value is None or isinstance(value, list | dict):
        return None
    return to_string(value)


def same(value: Any, expected: Any) -> Any:
    """``value == expected``, unknown when the value is."""
    return value if isinstance(value, Unknown) else value == expected


def one_of(value: Any, options: Iterable[Any]) -> Any:
    return value if isinstance(value, Unknown) else value in tuple(options)


def negate(value: Any) -> Any:
    return value if isinstance(value, Unknown) else not value


def all_of(values: Iterable[Any]) -> Any:
    """True when every value is; false when a known one is not, whatever the rest."""
    pending: Unknown | None = None
    for v in values:
        if isinstance(v, Unknown):
            pending = pending or v
        elif not v:
            return False
    return pending if pending is not None else True


def any_of(values: Iterable[Any]) -> Any:
    """True when a known value is, whatever the rest; false when none can be."""
    pending: Unknown | None = None
    for v in values:
        if isinstance(v, Unknown):
            pending = pending or v
        elif v:
            return True
    return pending if pending is not None else False


def choose(test: Any, then: Any, otherwise: Any) -> Any:
    """``then if test else otherwise``, unknown when the test is."""
    if isinstance(test, Unknown):
        return test
    return then if test else otherwise


def is_set(value: Any) -> Any:
    """Whether an argument has a value: a reference will; a plain unknown may not."""
    if isinstance(value, Unknown):
        return True if reference(value) else value
    return value is not None and value != ""


# --- plan JSON ------------------------------------------------------------------------------


def mark_after_unknown(values: dict[str, Any], after_unknown: Any, address: str) -> None:
    """Planned ``values`` with what the plan knows only after apply made ``Unknown``.

    A plan writes such values as null and lists them in ``after_unknown`` (the same
    shape, ``true`` where unknown); read as null they would be a guessed "unset".
    They are attributes of the planned resource itself, so present once applied."""
    # A loop, not recursion: the nesting is the file's to choose.
    todo: list[tuple[Any, Any, str]] = [(values, after_unknown, address)]
    while todo:
        target, marks, where = todo.pop()
        pairs: Iterable[tuple[Any, Any]]
        if isinstance(target, dict) and isinstance(marks, dict):
            pairs = marks.items()
        elif isinstance(target, list) and isinstance(marks, list):
            pairs = enumerate(marks[: len(target)])
        else:
            continue
        for key, mark in pairs:
            path = f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"
            current = target.get(key) if isinstance(target, dict) else target[key]
            if mark is True and current is None:
                target[key] = Unknown(path, address)
            elif isinstance(mark, dict | list):
                todo.append((current, mark, path))
