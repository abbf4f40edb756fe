"""Paths into a resource's data, shared by the condition compiler, its analysis and
message rendering.

Plain dotted paths (``a.b_c``) are read with dict lookups; anything else is
JMESPath, compiled once.  ``@`` is the current item inside a quantifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jmespath
import jmespath.exceptions

Getter = Callable[[Any], Any]

DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_LEAD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")
QUANTIFIERS = ("every", "some")


def getter(path: str) -> Getter:
    """A function reading ``path`` from a value; missing steps read as None."""
    if path == "@":
        return lambda d: d
    if DOTTED.match(path):
        keys = tuple(path.split("."))
        if len(keys) == 1:
            key = keys[0]
            return lambda d: d.get(key) if isinstance(d, dict) else None

        def get(d: Any) -> Any:
            for k in keys:
                if not isinstance(d, dict):
                    return None
                d = d.get(k)
            return d

        return get
    compiled = jmespath.compile(path)
    return compiled.search


def path_problem(path: Any) -> str | None:
    """Why ``path`` is not a usable path, or None."""
    if not isinstance(path, str) or not path.strip():
        return "'path' must be a non-empty string"
    if path == "@" or DOTTED.match(path):
        return None
    try:
        jmespath.compile(path)
    except jmespath.exceptions.JMESPathError as exc:
        reason = str(exc).splitlines()[0]
        return f"malformed JMESPath {path!r}: {reason}"
    return None


def lead(path: Any) -> str | None:
    """The top-level field a path starts with (``rules[].cidrs`` -> ``rules``)."""
    if not isinstance(path, str):
        return None
    m = _LEAD.match(path)
    return m.group(0) if m else None


def is_param(value: Any) -> bool:
    """A check value taken from a policy parameter (``{param: NAME}``)."""
    return isinstance(value, dict) and "param" in value
