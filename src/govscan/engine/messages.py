"""Failure messages: a control's template filled from the resource it judged.

A message never states what govscan does not know as a fact: a field that is
absent, a value unknown before apply and an identity field nobody filled (the
region of a resource defined in code whose provider region is not static) each
read as what they are, never as an empty string ("in  is not encrypted").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from govscan.language.paths import Getter, getter

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
UNKNOWN_TEXT = "(unknown before apply)"
_ABSENT_TEXT = "<absent>"
# Markers stand in for what is not a value until asides are dropped; NUL never
# reaches them from data (see ``_show``).
_MARK = "\x00"
_ASIDE = re.compile(r" \(\x00[^\x00]*\x00\)")
_MARKED = re.compile(r"\x00([^\x00]*)\x00")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items()) if value else "{}"
    if value is None:
        return _ABSENT_TEXT
    return str(value).replace(_MARK, "")


def _unknown(path: str, unknown: Mapping[str, str]) -> bool:
    return any(path == k or path.startswith(k + ".") or k.startswith(path + ".") for k in unknown)


@lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple[tuple[str, ...], tuple[tuple[str, Getter], ...]]:
    """The template's literal text and its placeholders with their getters.

    Parsed once per template: a scan renders the same few templates for
    thousands of failures. Bounded, because templates may come from custom controls."""
    parts = _PLACEHOLDER.split(template)
    paths = parts[1::2]
    return tuple(parts[::2]), tuple((p, getter(p)) for p in paths)


def message_fields(template: str) -> frozenset[str]:
    """The top-level resource fields a template's placeholders read (for the plan)."""
    return frozenset(path.split(".", 1)[0] for path, _ in _parsed(template)[1])


def render_message(
    template: str,
    data: Mapping[str, Any],
    ref_fields: Mapping[str, str],
    unknown: Mapping[str, str] | None = None,
) -> str:
    """Fill ``{dotted.path}`` placeholders from the resource; nothing else is interpreted.

    No ``str.format``: attribute access and format specs are not available, so a
    template cannot reach into Python objects.  ``unknown`` is the resource's
    fields unknown before apply; they read as "(unknown before apply)", except
    an identity field (``name``) the collector filled in ``ref_fields``."""
    literals, holes = _parsed(template)
    if not holes:
        text = template
    else:
        out = [literals[0]]
        for (path, get), literal in zip(holes, literals[1:], strict=True):
            out.append(_fill(path, get, data, ref_fields, unknown))
            out.append(literal)
        text = "".join(out)
    if _MARK not in text:
        return text  # nothing marked: no aside to drop, no marker to strip
    # "Group {name} ({group_id})" for a resource defined in code, which has no id yet:
    # an aside that would only say "absent" or "unknown" is left out.
    return _MARKED.sub(r"\1", _ASIDE.sub("", text))


def _fill(
    path: str,
    get: Getter,
    data: Mapping[str, Any],
    ref_fields: Mapping[str, str],
    unknown: Mapping[str, str] | None,
) -> str:
    if unknown and _unknown(path, unknown):
        # The identity the collector gave (a Terraform address for a name only
        # apply knows) still names the resource truthfully.
        identity = ref_fields.get(path)
        return _show(identity) if identity else _MARK + UNKNOWN_TEXT + _MARK
    value = get(data)
    if value is None and path in ref_fields:
        value = ref_fields[path]
        if value == "":
            return f"{_MARK}({path} unknown){_MARK}"
    if value is None:
        return _MARK + _ABSENT_TEXT + _MARK
    if value == "":
        return _MARK + "(empty)" + _MARK
    return _show(value)
