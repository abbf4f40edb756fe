"""The defaults of ``optional()`` attributes in a variable's type constraint.

Terraform gives an object attribute declared ``optional(type, default)`` its
default when the value leaves it out or sets it to null, and null when the
declaration names no default; nested objects, maps and lists of objects get
theirs the same way. Modules lean on this (``var.settings.kind`` where the
default of ``settings`` is ``{}``), so without it their arguments would read as
missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.hcl import Unknown, evaluate

_MAX_DEPTH = 32
"""Type constraints nest a few levels; a hostile one is cut off, never a crash."""


def _call(expr: Any) -> tuple[str, list[Any]]:
    """``object({...})`` -> ("object", [its argument]); anything else -> ("", [])."""
    if isinstance(expr, tuple) and len(expr) >= 3 and expr[0] == "call":
        args = expr[2] if isinstance(expr[2], list) else []
        return str(expr[1]), args
    return "", []


def with_defaults(
    type_expr: Any, value: Any, resolve: Callable[[str, str], Any], depth: int = 0
) -> Any:
    """``value`` with the optional attributes ``type_expr`` declares filled in."""
    if type_expr is None or value is None or isinstance(value, Unknown) or depth > _MAX_DEPTH:
        return value
    kind, args = _call(type_expr)
    if kind == "optional" and args:
        return with_defaults(args[0], value, resolve, depth + 1)
    if kind in ("map", "list", "set") and args:
        if isinstance(value, dict):
            return {k: with_defaults(args[0], v, resolve, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [with_defaults(args[0], v, resolve, depth + 1) for v in value]
        return value
    if kind != "object" or not args or not isinstance(value, dict):
        return value
    spec = args[0]
    if not (isinstance(spec, tuple) and len(spec) == 2 and spec[0] == "obj"):
        return value
    out = dict(value)
    for key, attr in spec[1]:
        if not isinstance(key, str):
            continue
        inner, inner_args = _call(attr)
        if inner == "optional" and inner_args and out.get(key) is None:
            default = evaluate(inner_args[1], resolve) if len(inner_args) > 1 else None
            out[key] = with_defaults(inner_args[0], default, resolve, depth + 1)
        elif key in out:
            out[key] = with_defaults(attr, out[key], resolve, depth + 1)
    return out
