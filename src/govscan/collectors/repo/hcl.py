"""Terraform HCL through tree-sitter: blocks with line numbers, expressions evaluated
where they are static.

Values that depend on anything govscan cannot know (resource attributes,
function calls, data sources) become ``Unknown``; normalisers leave such fields
out instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value that is not static, e.g. ``aws_kms_key.data.arn`` or ``lower(x)``."""

    text: str


@dataclass
class Block:
    type: str
    labels: list[str]
    attrs: dict[str, Any]
    """Attribute name -> tree-sitter expression node (evaluated on demand)."""
    blocks: list[Block]
    line: int
    end_line: int
    comments: list[tuple[int, str]] = field(default_factory=list)

    def children(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


class HclSyntaxError(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


@cache
def _parser() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def _text(src: bytes, node: Any) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _first_error(node: Any) -> Any | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = _first_error(child)
        if found is not None:
            return found
    return node


def parse(src: bytes) -> list[Block]:
    """Top-level blocks; raises ``HclSyntaxError`` with the first error's position."""
    tree = _parser().parse(src)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        row, col = bad.start_point if bad is not None else (0, 0)
        snippet = _text(src, bad).splitlines()[0][:40] if bad is not None else ""
        raise HclSyntaxError(row + 1, col + 1, f"HCL syntax error near {snippet!r}")
    body = next((c for c in root.children if c.type == "body"), None)
    return _blocks(src, body) if body is not None else []


def _blocks(src: bytes, body: Any) -> list[Block]:
    out = []
    for node in body.children:
        if node.type == "block":
            out.append(_block(src, node))
    return out


def _block(src: bytes, node: Any) -> Block:
    kind = ""
    labels: list[str] = []
    attrs: dict[str, Any] = {}
    blocks: list[Block] = []
    comments: list[tuple[int, str]] = []
    for child in node.children:
        if child.type == "identifier" and not kind:
            kind = _text(src, child)
        elif child.type == "string_lit":
            labels.append(
                "".join(_text(src, c) for c in child.children if c.type == "template_literal")
            )
        elif child.type == "identifier":
            labels.append(_text(src, child))
        elif child.type == "body":
            for item in child.children:
                if item.type == "attribute":
                    name = _text(src, item.children[0])
                    expr = next((c for c in item.children if c.type == "expression"), None)
                    attrs[name] = (src, expr)
                elif item.type == "block":
                    blocks.append(_block(src, item))
                elif item.type == "comment":
                    comments.append((item.start_point[0] + 1, _text(src, item)))
        elif child.type == "comment":
            comments.append((child.start_point[0] + 1, _text(src, child)))
    return Block(
        kind, labels, attrs, blocks, node.start_point[0] + 1, node.end_point[0] + 1, comments
    )


_REF = re.compile(r"^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$")
Resolver = Callable[[str, str], Any]


def evaluate(handle: Any, resolve: Resolver | None = None) -> Any:
    """The static value of an attribute handle from ``Block.attrs``."""
    if handle is None:
        return None
    src, node = handle
    return _eval(src, node, resolve or (lambda kind, name: Unknown(f"{kind}.{name}")))


def _eval(src: bytes, node: Any, resolve: Resolver) -> Any:
    if node is None:
        return None
    t = node.type
    named = [c for c in node.children if c.is_named]
    if t == "expression":
        if named and named[0].type == "variable_expr":
            text = _text(src, node).strip()
            m = _REF.match(text)
            if m:
                return resolve(m.group(1), m.group(2))
            return Unknown(text)
        return _eval(src, named[0], resolve) if len(named) == 1 else Unknown(_text(src, node))
    if t == "literal_value":
        return _eval(src, named[0], resolve)
    if t == "numeric_lit":
        text = _text(src, node)
        try:
            return int(text)
        except ValueError:
            return float(text)
    if t == "bool_lit":
        return _text(src, node) == "true"
    if t == "null_lit":
        return None
    if t == "string_lit":
        return "".join(_text(src, c) for c in node.children if c.type == "template_literal")
    if t == "template_expr":
        return _eval(src, named[0], resolve)
    if t in ("quoted_template", "heredoc_template"):
        parts: list[str] = []
        for c in node.children:
            if c.type == "template_literal":
                parts.append(_text(src, c))
            elif c.type == "template_interpolation":
                inner = next((x for x in c.children if x.type == "expression"), None)
                value = _eval(src, inner, resolve)
                if isinstance(value, Unknown | dict | list):
                    return Unknown(_text(src, node))
                parts.append(_scalar_text(value))
            elif c.type in ("template_directive", "template_for", "template_if"):
                return Unknown(_text(src, node))
        return "".join(parts)
    if t == "collection_value":
        return _eval(src, named[0], resolve)
    if t == "tuple":
        return [_eval(src, c, resolve) for c in node.children if c.type == "expression"]
    if t == "object":
        out: dict[str, Any] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key_node = exprs[0]
            key_text = _text(src, key_node).strip()
            key = (
                key_text.strip('"')
                if key_text.startswith('"') or "." not in key_text
                else _eval(src, key_node, resolve)
            )
            if isinstance(key, Unknown):
                continue
            out[str(key)] = _eval(src, exprs[1], resolve)
        return out
    if t == "operation":
        inner = named[0] if named else None
        if inner is not None and inner.type == "unary_operation":
            value = _eval(src, next(c for c in inner.children if c.is_named), resolve)
            op = _text(src, inner.children[0])
            if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
                return -value
            if op == "!" and isinstance(value, bool):
                return not value
        return Unknown(_text(src, node))
    return Unknown(_text(src, node))


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def static(value: Any) -> bool:
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(static(v) for v in value)
    if isinstance(value, dict):
        return all(static(v) for v in value.values())
    return True


def plain(value: Any) -> Any:
    """Value with nested ``Unknown`` dropped (lists) or removed (maps)."""
    if isinstance(value, list):
        return [plain(v) for v in value if not isinstance(v, Unknown)]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not isinstance(v, Unknown)}
    return value


def attrs_of(block: Block, resolve: Resolver) -> Mapping[str, Any]:
    return {name: evaluate(h, resolve) for name, h in block.attrs.items()}
