"""Terraform's JSON syntax (``*.tf.json``) read into the same ``Block`` structures as
native HCL, with line numbers.

Blocks are nested objects (``{"resource": {"aws_s3_bucket": {"b": {...}}}}``), a
block with several bodies is an array of objects, and strings are templates:
``"${var.x}"`` is the expression ``var.x``. Without the provider's schema an object
value could be an attribute (``tags``) or a nested block (``versioning``); it is
kept as both, so either reading finds it.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from dataclasses import dataclass
from typing import Any

from govscan.collectors.repo.hcl import Block, Expr, HclSyntaxError, parse_attributes

_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "provider": 1,
    "variable": 1,
    "output": 1,
    "check": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
}
_BLOCKS_ONLY = frozenset({"lifecycle", "connection", "content", "required_providers", "backend"})
_SKIPPED = frozenset({"provisioner", "validation", "precondition", "postcondition", "//"})


@dataclass(frozen=True, slots=True)
class _Obj:
    """A JSON object as its key/value pairs (in order, duplicates kept) and lines."""

    pairs: list[tuple[str, Any]]
    line: int
    end_line: int


def parse_json(src: bytes) -> list[Block]:
    """Top-level blocks of a ``.tf.json`` file; raises ``HclSyntaxError`` at the first
    error (invalid JSON, or a block not shaped as Terraform expects)."""
    doc = _load(src)
    if not isinstance(doc, _Obj):
        raise HclSyntaxError(1, 1, "a .tf.json file must hold one JSON object")
    out: list[Block] = []
    for kind, value in doc.pairs:
        if kind in _SKIPPED:
            continue
        out += _labelled(kind, [], _LABELS.get(kind, 0), value, doc.line)
    return out


def _load(src: bytes) -> Any:
    try:
        text = src.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HclSyntaxError(1, 1, f"not UTF-8: {exc.reason}") from None
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    # The pure-Python scanner calls ``parse_object`` per object: the hook that
    # records where each object starts and ends (the C scanner has none).
    json_object = getattr(json.decoder, "JSONObject")  # noqa: B009 - untyped internals

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        pairs, end = json_object(s_and_end, *args, **kwargs)
        return _Obj(pairs, line_of(s_and_end[1] - 1), line_of(end - 1)), end

    decoder = json.JSONDecoder(object_pairs_hook=list)
    setattr(decoder, "parse_object", parse_object)  # noqa: B010
    setattr(decoder, "scan_once", getattr(json.scanner, "py_make_scanner")(decoder))  # noqa: B009, B010
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise HclSyntaxError(exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise HclSyntaxError(1, 1, "invalid JSON: nested too deeply") from None


def _labelled(kind: str, labels: list[str], missing: int, value: Any, line: int) -> list[Block]:
    """The blocks under ``kind`` once ``missing`` more labels are read off as keys."""
    if missing == 0:
        bodies = value if isinstance(value, list) else [value]
        if not all(isinstance(b, _Obj) for b in bodies):
            raise HclSyntaxError(line, 1, f"{kind} {' '.join(labels)}: a block must be an object")
        return [_block(kind, labels, b) for b in bodies]
    if not isinstance(value, _Obj):
        raise HclSyntaxError(line, 1, f"{kind}: expected an object of labels")
    out: list[Block] = []
    for label, inner in value.pairs:
        if label != "//":
            out += _labelled(kind, [*labels, label], missing - 1, inner, value.line)
    return out


def _block(kind: str, labels: list[str], body: _Obj) -> Block:
    attrs: dict[str, Any] = {}
    blocks: list[Block] = []
    for key, value in body.pairs:
        if key in _SKIPPED:
            continue
        if key == "dynamic":
            blocks += _labelled("dynamic", [], 1, value, body.line)
            continue
        if kind == "variable":
            if key == "default":
                attrs[key] = ("lit", _plain(value))  # a default is a value, not a template
            continue
        nested = isinstance(value, _Obj) or (
            isinstance(value, list) and value and all(isinstance(v, _Obj) for v in value)
        )
        if nested:
            blocks += [_block(key, [], v) for v in (value if isinstance(value, list) else [value])]
        if key not in _BLOCKS_ONLY or kind == "required_providers":
            attrs[key] = expression(value, body.line)
    return Block(kind, labels, attrs, blocks, body.line, body.end_line, [])


def _plain(value: Any) -> Any:
    if isinstance(value, _Obj):
        return {k: _plain(v) for k, v in value.pairs}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def expression(value: Any, line: int) -> Expr:
    """The expression a JSON value stands for: strings are templates."""
    if isinstance(value, str):
        return _template(value, line) if "${" in value or "%{" in value else ("lit", value)
    if isinstance(value, list):
        return ("tup", [expression(v, line) for v in value])
    if isinstance(value, _Obj):
        return ("obj", [(k, expression(v, value.line)) for k, v in value.pairs if k != "//"])
    return ("lit", value)


def _template(text: str, line: int) -> Expr:
    """A JSON string template compiled as the native template it stands for: literal
    parts escaped for a quoted HCL string, ``${...}`` parts kept as written."""
    parts: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        while start > 0 and text[start - 1] == "$":  # "$${" is a literal "${"
            start = text.find("${", start + 2)
        if start < 0:
            parts.append(_escape(text[i:]))
            break
        end = _closing(text, start + 2)
        if end < 0:
            raise HclSyntaxError(line, 1, f"unterminated template in {text[:40]!r}")
        parts.append(_escape(text[i:start]))
        parts.append(text[start : end + 1])
        i = end + 1
    try:
        ((compiled, _),) = parse_attributes(f'x = "{"".join(parts)}"\n'.encode()).values()
    except HclSyntaxError as exc:
        raise HclSyntaxError(line, 1, f"invalid template {text[:40]!r}: {exc}") from None
    return compiled


def _escape(literal: str) -> str:
    return (
        literal.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _closing(text: str, at: int) -> int:
    """Index of the ``}`` that closes an interpolation opened before ``at``."""
    depth, quoted, i = 1, False, at
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
