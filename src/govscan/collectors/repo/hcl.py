"""Terraform HCL through tree-sitter: blocks with line numbers, expressions evaluated
where they are static.

Values that depend on anything govscan cannot know (resource attributes,
function calls, data sources) become ``Unknown``; normalisers leave such fields
out instead of guessing.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value that is not static, e.g. ``aws_kms_key.data.arn`` or ``lower(x)``."""

    text: str


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    attrs: dict[str, Any]
    """Attribute name -> compiled expression (evaluated on demand with ``evaluate``)."""
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


def _name(src: bytes, node: Any) -> str:
    # Block kinds, resource types and attribute names repeat thousands of times in a
    # large module; one shared copy of each keeps a parsed module small.
    return sys.intern(_text(src, node))


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


def _body(src: bytes) -> Any | None:
    """The file's top-level body; raises ``HclSyntaxError`` at the first error."""
    root = _parser().parse(src).root_node
    if root.has_error:
        bad = _first_error(root)
        row, col = bad.start_point if bad is not None else (0, 0)
        # A missing token has no text of its own: name the rest of its line instead.
        near = src[bad.start_byte :].decode("utf-8", "replace") if bad is not None else ""
        snippet = (near.splitlines() or [""])[0][:40]
        raise HclSyntaxError(row + 1, col + 1, f"HCL syntax error near {snippet!r}")
    return next((c for c in root.children if c.type == "body"), None)


def parse(src: bytes) -> list[Block]:
    """Top-level blocks; raises ``HclSyntaxError`` with the first error's position."""
    body = _body(src)
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
            kind = _name(src, child)
        elif child.type == "string_lit":
            label = "".join(_text(src, c) for c in child.children if c.type == "template_literal")
            labels.append(sys.intern(label) if not labels else label)
        elif child.type == "identifier":
            labels.append(_text(src, child))
        elif child.type == "body":
            for item in child.children:
                if item.type == "attribute":
                    name = _name(src, item.children[0])
                    expr = next((c for c in item.children if c.type == "expression"), None)
                    attrs[name] = compile_expr(src, expr)
                elif item.type == "block":
                    blocks.append(_block(src, item))
                elif item.type == "comment":
                    comments.append((item.start_point[0] + 1, _text(src, item)))
        elif child.type == "comment":
            comments.append((child.start_point[0] + 1, _text(src, child)))
    return Block(
        kind, labels, attrs, blocks, node.start_point[0] + 1, node.end_point[0] + 1, comments
    )


_REF = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)"
    r"((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\]|\[\"[^\"]*\"\])*)$"
)
_SEGMENT = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\[([0-9]+)\]|\["([^"]*)"\]')


def _reference(text: str) -> Expr:
    """``var.x``, ``local.m["k"]``, ``ingress.value.port``: a name looked up by the
    resolver, then attributes and indexes into its value; anything else is unknown."""
    m = _REF.match(text)
    if m is None:
        return ("unk", text)
    base: Expr = ("ref", m.group(1), m.group(2))
    if not m.group(3):
        return base
    path: list[str | int] = []
    for attr, index, key in _SEGMENT.findall(m.group(3)):
        path.append(int(index) if index else (attr or key))
    return ("get", base, path, text)


Resolver = Callable[[str, str], Any]
Expr = tuple[Any, ...]
"""A compiled expression: ("lit", v) | ("ref", kind, name) | ("unk", text) | ("tmpl", parts)
| ("tup", items) | ("obj", pairs) | ("neg", e) | ("not", e) | ("cond", c, a, b, text)
| ("bin", op, left, right, text) | ("get", base, path, text). Compiling drops the parse
tree, so a module's blocks do not keep every file's tree alive."""

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_BINARY_OPS = frozenset({*_COMPARE, "&&", "||"})


def evaluate(handle: Any, resolve: Resolver | None = None) -> Any:
    """The static value of an attribute from ``Block.attrs``."""
    if handle is None:
        return None
    return _run(handle, resolve or (lambda kind, name: Unknown(f"{kind}.{name}")))


def _run(e: Expr, resolve: Resolver) -> Any:
    kind = e[0]
    if kind == "lit":
        return e[1]
    if kind == "ref":
        return resolve(e[1], e[2])
    if kind == "unk":
        return Unknown(e[1])
    if kind == "tmpl":
        parts: list[str] = []
        for part in e[1]:
            if isinstance(part, str):
                parts.append(part)
                continue
            value = _run(part, resolve)
            if isinstance(value, Unknown | dict | list):
                return Unknown(e[2])
            parts.append(_scalar_text(value))
        return "".join(parts)
    if kind == "tup":
        return [_run(x, resolve) for x in e[1]]
    if kind == "obj":
        out: dict[str, Any] = {}
        for key, value in e[1]:
            k = key if isinstance(key, str) else _run(key, resolve)
            if not isinstance(k, Unknown):
                out[str(k)] = _run(value, resolve)
        return out
    if kind == "neg":
        v = _run(e[1], resolve)
        return -v if isinstance(v, int | float) and not isinstance(v, bool) else Unknown(e[2])
    if kind == "not":
        v = _run(e[1], resolve)
        return (not v) if isinstance(v, bool) else Unknown(e[2])
    if kind == "cond":
        test = _run(e[1], resolve)
        if isinstance(test, bool):
            return _run(e[2] if test else e[3], resolve)
        return Unknown(e[4])
    if kind == "bin":
        return _binary(e[1], _run(e[2], resolve), _run(e[3], resolve), e[4])
    if kind == "get":
        value = _run(e[1], resolve)
        for step in e[2]:
            found = (isinstance(value, dict) and isinstance(step, str) and step in value) or (
                isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
            )
            if not found:
                return Unknown(e[3])
            value = value[step]
        return value
    return Unknown(str(e))


def _binary(op: str, left: Any, right: Any, text: str) -> Any:
    """Static comparisons and boolean logic, as Terraform evaluates them; anything
    else (a value not known until apply, mixed types) stays unknown."""
    if op in ("&&", "||"):
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return Unknown(text)
    scalar = str | int | float | bool | None
    if not isinstance(left, scalar) or not isinstance(right, scalar):
        return Unknown(text)
    if op in ("==", "!="):
        # Terraform compares types too: true is not 1.
        equal = isinstance(left, bool) == isinstance(right, bool) and left == right
        return equal if op == "==" else not equal
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    return _COMPARE[op](left, right) if numbers else Unknown(text)


def compile_expr(src: bytes, node: Any) -> Expr:
    if node is None:
        return ("lit", None)
    t = node.type
    named = [c for c in node.children if c.is_named]
    if t == "expression":
        if named and named[0].type == "variable_expr":
            return _reference(_text(src, node).strip())
        return compile_expr(src, named[0]) if len(named) == 1 else ("unk", _text(src, node))
    if t in ("literal_value", "template_expr", "collection_value"):
        return compile_expr(src, named[0])
    if t == "numeric_lit":
        text = _text(src, node)
        try:
            return ("lit", int(text))
        except ValueError:
            return ("lit", float(text))
    if t == "bool_lit":
        return ("lit", _text(src, node) == "true")
    if t == "null_lit":
        return ("lit", None)
    if t == "string_lit":
        return (
            "lit",
            "".join(_text(src, c) for c in node.children if c.type == "template_literal"),
        )
    if t in ("quoted_template", "heredoc_template"):
        parts: list[Any] = []
        for c in node.children:
            if c.type == "template_literal":
                parts.append(_text(src, c))
            elif c.type == "template_interpolation":
                inner = next((x for x in c.children if x.type == "expression"), None)
                parts.append(compile_expr(src, inner))
            elif c.type in ("template_directive", "template_for", "template_if"):
                return ("unk", _text(src, node))
        return ("tmpl", parts, _text(src, node))
    if t == "tuple":
        return ("tup", [compile_expr(src, c) for c in node.children if c.type == "expression"])
    if t == "object":
        pairs: list[tuple[Any, Expr]] = []
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key_text = _text(src, exprs[0]).strip()
            key: Any = (
                key_text.strip('"')
                if key_text.startswith('"') or "." not in key_text
                else compile_expr(src, exprs[0])
            )
            pairs.append((key, compile_expr(src, exprs[1])))
        return ("obj", pairs)
    if t == "conditional":
        parts = [c for c in node.children if c.type == "expression"]
        if len(parts) == 3:
            return ("cond", *(compile_expr(src, c) for c in parts), _text(src, node))
    if t == "operation" and named and named[0].type == "binary_operation":
        inner = named[0]
        ops = [i for i, c in enumerate(inner.children) if not c.is_named]
        op_at = next((i for i in ops if _text(src, inner.children[i]) in _BINARY_OPS), None)
        if op_at is not None and len(ops) == 1:
            left, right = inner.children[:op_at], inner.children[op_at + 1 :]
            if left and right:
                return (
                    "bin",
                    _text(src, inner.children[op_at]),
                    _compile_span(src, left),
                    _compile_span(src, right),
                    _text(src, node),
                )
    if t == "operation" and named and named[0].type == "unary_operation":
        inner = named[0]
        operand = inner.children[1:]  # e.g. ``var.x``: a variable_expr and its get_attr
        op = _text(src, inner.children[0])
        if op in ("-", "!") and operand:
            return ("neg" if op == "-" else "not", _compile_span(src, operand), _text(src, node))
    return ("unk", _text(src, node))


def _compile_span(src: bytes, nodes: list[Any]) -> Expr:
    """An operand of a binary operation: the grammar gives it as sibling nodes
    (``var.x`` is a ``variable_expr`` followed by a ``get_attr``)."""
    if len(nodes) == 1 and nodes[0].type != "variable_expr":
        return compile_expr(src, nodes[0])
    text = src[nodes[0].start_byte : nodes[-1].end_byte].decode("utf-8", "replace").strip()
    return _reference(text) if nodes[0].type == "variable_expr" else ("unk", text)


def parse_attributes(src: bytes) -> dict[str, tuple[Expr, int]]:
    """Top-level ``name = value`` attributes (a ``.tfvars`` file), with their lines."""
    body = _body(src)
    out: dict[str, tuple[Expr, int]] = {}
    for item in body.children if body is not None else ():
        if item.type == "attribute":
            expr = next((c for c in item.children if c.type == "expression"), None)
            out[_name(src, item.children[0])] = (
                compile_expr(src, expr),
                item.start_point[0] + 1,
            )
    return out


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
