"""JSON documents in Terraform (IAM policies) whose leaves may be unknown before apply.

A heredoc policy with ``"Resource": ["${aws_s3_bucket.b.arn}"]`` or a
``jsonencode({...})`` around a reference is a ``Partial``: its structure is
known, some strings are not. ``document`` parses it with those strings kept as
unknowns, so what the known statements decide (an ``Action`` that is not ``*``
grants no administrator access, whatever the ``Resource``) is decided, and
what depends on an unknown leaf stays unknown (``unknowns`` helpers).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from govscan.collectors.repo.unknowns import all_of, any_of
from govscan.collectors.repo.values import Partial, Unknown

MAX_DEPTH = 64
"""Nesting a document may have; a deeper one (hostile input) is not read."""


def document(value: Any) -> Any:
    """The parsed JSON value (unknown leaves as ``Unknown``), the value itself when
    it is unknown as a whole, or None when it is no JSON."""
    if isinstance(value, str):
        return _loads(value, {})
    if isinstance(value, Partial):
        if value.encoded:
            return value.parts[0] if value.parts else value
        return _template(value)
    return value if isinstance(value, Unknown) else None


def _template(value: Partial) -> Any:
    # Each unknown piece becomes a marker no real text contains; where it lands
    # (a whole JSON string, part of one, or outside any) decides what is known.
    mark = f"govscan-unknown-{uuid.uuid4().hex}-"
    holes: dict[str, Unknown] = {}
    text: list[str] = []
    for part in value.parts:
        if isinstance(part, Unknown):
            key = f"{mark}{len(holes)}."
            holes[key] = part
            text.append(key)
        else:
            text.append(str(part))
    parsed = _loads("".join(text), holes, mark)
    return value if parsed is None else parsed


def _loads(text: str, holes: dict[str, Unknown], mark: str = "") -> Any:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _fill(doc, holes, mark, 0) if holes else doc


def _fill(node: Any, holes: dict[str, Unknown], mark: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return Unknown("document nested too deeply")
    if isinstance(node, str) and mark in node:
        whole = holes.get(node)
        if whole is not None:
            return whole
        first = next(u for k, u in holes.items() if k in node)
        return Unknown(first.text, first.ref)
    if isinstance(node, list):
        return [_fill(v, holes, mark, depth + 1) for v in node]
    if isinstance(node, dict):
        # A marker in a key: which key the object has is not known.
        if any(mark in k for k in node):
            return next(u for k, u in holes.items() if any(k in key for key in node))
        return {k: _fill(v, holes, mark, depth + 1) for k, v in node.items()}
    return node


def _items(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return value if isinstance(value, list) else [value]


def _has_star(value: Any) -> Any:
    """Whether ``"*"`` is among the values (a string or a list of strings)."""
    items = _items(value)
    if isinstance(items, Unknown):
        return items
    return any_of(v if isinstance(v, Unknown) else v == "*" for v in items)


def _statements(doc: Any) -> Any:
    if isinstance(doc, Unknown):
        return doc
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    return _items(statements)


def grants_admin(doc: Any) -> Any:
    """An Allow of action ``*`` on resource ``*``: true, false, or unknown when only
    an unknown leaf could make it so."""
    statements = _statements(doc)
    if isinstance(statements, Unknown):
        return statements
    verdicts = []
    for s in statements:
        if isinstance(s, Unknown):
            verdicts.append(s)
            continue
        if not isinstance(s, dict):
            continue
        effect = s.get("Effect")
        allow = effect if isinstance(effect, Unknown) else effect == "Allow"
        action = _has_star(s.get("Action", []))
        resource = _has_star(s.get("Resource", []))
        verdicts.append(all_of((allow, action, resource)))
    return any_of(verdicts)


def principals(doc: Any) -> Any:
    """The principals a trust policy names (sorted), unknown when one is."""
    statements = _statements(doc)
    if isinstance(statements, Unknown):
        return statements
    found: list[str] = []
    for s in statements:
        if isinstance(s, Unknown):
            return s
        p = s.get("Principal", {}) if isinstance(s, dict) else {}
        if isinstance(p, Unknown):
            return p
        values = [p] if isinstance(p, str) else list(p.values()) if isinstance(p, dict) else []
        for v in values:
            items = _items(v)
            if isinstance(items, Unknown):
                return items
            for x in items:
                if isinstance(x, Unknown):
                    return x
                found.append(str(x))
    return sorted(set(found))
