"""What a condition reads: the fields a control needs (for planning) and, per path,
whether it needs the value or only its presence (for values unknown before apply).

Paths are analysed from the check as written, once per control.  A path is
tracked as written when it is a plain dotted path; a JMESPath expression or a
quantifier counts as reading its whole top-level field, because what it touches
inside is decided by the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govscan.language.paths import DOTTED, QUANTIFIERS, getter, is_param, lead

PRESENCE_OPERATORS = frozenset({"present", "absent", "empty", "not-empty"})
"""Operators answered by whether a value is there (and empty), not by what it is."""


@dataclass(frozen=True, slots=True)
class Read:
    path: str
    """A dotted path from the resource's top level (or just the top-level field)."""
    presence: bool
    """True when only a presence operator reads it."""


def check_fields(check: Any) -> set[str]:
    """Top-level resource fields a check reads (first segment of each top-level path)."""
    return {r.path.split(".", 1)[0] for r in check_reads(check)}


def check_reads(check: Any) -> frozenset[Read]:
    """Every top-level path a check reads, with how it reads it."""
    out: set[Read] = set()
    _walk(check, out)
    return frozenset(out)


def _walk(node: Any, out: set[Read]) -> None:
    if not isinstance(node, dict):
        return
    for kind in ("all", "any"):
        if isinstance(node.get(kind), list):
            for item in node[kind]:
                _walk(item, out)
            return
    if "not" in node:
        _walk(node["not"], out)
        return
    for q in QUANTIFIERS:
        if q in node:
            # The quantifier iterates over the values: its inner paths are per item.
            top = lead(node[q])
            if top:
                out.add(Read(top, False))
            return
    path = node.get("path")
    if isinstance(path, str) and DOTTED.match(path):
        out.add(Read(path, node.get("op") in PRESENCE_OPERATORS))
        return
    top = lead(path)
    if top:
        out.add(Read(top, False))


def unknown_reads(
    reads: Iterable[Read], unknown: Mapping[str, str], data: Mapping[str, Any]
) -> list[str]:
    """The keys of ``unknown`` that a check with ``reads`` cannot judge, sorted.

    A presence test on exactly an unknown path is judged when the resource holds a
    placeholder there (present, value unknown); any other read of the path, of a
    path inside it or of a value containing it needs what only apply knows."""
    hit: set[str] = set()
    for key in unknown:
        for r in reads:
            if r.path == key:
                if r.presence and getter(key)(data) is not None:
                    continue
            elif not (key.startswith(r.path + ".") or r.path.startswith(key + ".")):
                continue
            hit.add(key)
            break
    return sorted(hit)


def check_params(check: Any) -> set[str]:
    """Names of the policy parameters a check reads."""
    out: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "value" in node and is_param(node["value"]):
                name = node["value"].get("param")
                if isinstance(name, str):
                    out.add(name)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(check)
    return out
