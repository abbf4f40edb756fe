"""Terraform HCL through tree-sitter: blocks with line numbers, expressions evaluated
where they are static.

Expressions are compiled to small tuples (see ``expressions``) and evaluated on
demand; values that depend on anything not known before apply (resource
attributes, data sources, variables without a value) are ``Unknown``.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, wraps
from typing import Any, TypeVar, cast

from govscan.collectors.repo.expressions import BINARY_OPS, Expr, Resolver, evaluate
from govscan.collectors.repo.values import Invalid, Unknown

__all__ = ["Block", "Expr", "HclSyntaxError", "Invalid", "Resolver", "Unknown", "evaluate"]


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


MAX_NESTING = 200
"""Deepest chain of nested blocks and expression nodes compiled (a bracket costs a
few).  Real Terraform nests a dozen; the limit keeps compiling and evaluating far
from Python's recursion limit, so 10,000 brackets are one error, not a crash."""

_F = TypeVar("_F", bound=Callable[..., Any])


class _Level(threading.local):
    depth = 0


_level = _Level()


def _nested(fn: _F) -> _F:
    """Counts how deep ``fn`` (called with ``src, node``) recurses into the tree."""

    @wraps(fn)
    def guarded(src: bytes, node: Any, *rest: Any) -> Any:
        if _level.depth >= MAX_NESTING:
            row, col = node.start_point if node is not None else (0, 0)
            raise HclSyntaxError(row + 1, col + 1, f"nested deeper than {MAX_NESTING} levels")
        _level.depth += 1
        try:
            return fn(src, node, *rest)
        finally:
            _level.depth -= 1

    return cast(_F, guarded)


def _first_error(node: Any) -> Any | None:
    # A loop, not recursion: the error may sit below 10,000 nested brackets.
    if not (node.type == "ERROR" or node.is_missing or node.has_error):
        return None
    while not (node.type == "ERROR" or node.is_missing):
        child = next(
            (c for c in node.children if c.type == "ERROR" or c.is_missing or c.has_error), None
        )
        if child is None:
            return node
        node = child
    return node


def _body(src: bytes) -> Any | None:
    """The file's top-level body; raises ``HclSyntaxError`` at the first error."""
    root = _parser().parse(src).root_node
    if root.has_error:
        bad = _first_error(root)
        row, col = bad.start_point if bad is not None else (0, 0)
        # A missing token has no text of its own: name the rest of its line instead.
        # Only this short excerpt of the offending line is ever quoted.
        near = src[bad.start_byte : bad.start_byte + 160] if bad is not None else b""
        snippet = (near.decode("utf-8", "replace").splitlines() or [""])[0][:40]
        raise HclSyntaxError(row + 1, col + 1, f"HCL syntax error near {snippet!r}")
    return next((c for c in root.children if c.type == "body"), None)


def parse(src: bytes) -> list[Block]:
    """Top-level blocks; raises ``HclSyntaxError`` with the first error's position."""
    body = _body(src)
    try:
        return _blocks(src, body) if body is not None else []
    except RecursionError:  # a backstop: MAX_NESTING should stop any recursion first
        raise HclSyntaxError(1, 1, "nested too deeply to read") from None


def _blocks(src: bytes, body: Any) -> list[Block]:
    out = []
    for node in body.children:
        if node.type == "block":
            out.append(_block(src, node))
    return out


@_nested
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


@_nested
def compile_expr(src: bytes, node: Any) -> Expr:
    if node is None:
        return ("lit", None)
    t = node.type
    children = node.children  # each access builds new node objects: read once
    if t == "expression":
        return _operand(src, children)
    if t in ("string_lit", "quoted_template"):
        return _quoted(src, node, children)
    named = [c for c in children if c.is_named]
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
    if t == "heredoc_template":
        parts: list[Any] = []
        for c in children:
            if c.type == "template_literal":
                parts.append(_text(src, c))
            elif c.type == "template_interpolation":
                inner = next((x for x in c.children if x.type == "expression"), None)
                parts.append(compile_expr(src, inner))
            elif c.type in ("template_directive", "template_for", "template_if"):
                return ("unk", _text(src, node))
        return ("tmpl", parts, _text(src, node))
    if t == "tuple":
        return ("tup", [compile_expr(src, c) for c in children if c.type == "expression"])
    if t == "object":
        pairs: list[tuple[Any, Expr]] = []
        for elem in children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key_text = _text(src, exprs[0]).strip()
            # A bare name is the key itself; a string or ``(expr)`` is evaluated.
            bare = not key_text.startswith(('"', "(")) and "." not in key_text
            pairs.append(
                (key_text if bare else compile_expr(src, exprs[0]), compile_expr(src, exprs[1]))
            )
        return ("obj", pairs)
    if t == "conditional":
        parts = [c for c in children if c.type == "expression"]
        if len(parts) == 3:
            return ("cond", *(compile_expr(src, c) for c in parts), _text(src, node))
    if t == "function_call" and named:
        args = next((c for c in named if c.type == "function_arguments"), None)
        items = [c for c in args.children if c.type == "expression"] if args else []
        expand = args is not None and any(c.type == "ellipsis" for c in args.children)
        name = _name(src, named[0]).rsplit("::", 1)[-1]
        return ("call", name, [compile_expr(src, c) for c in items], expand, _text(src, node))
    if t == "for_expr" and named:
        return _for(src, named[0])
    if t == "operation" and named and named[0].type == "binary_operation":
        parts = named[0].children
        op_at = next(
            (i for i, c in enumerate(parts) if not c.is_named and _text(src, c) in BINARY_OPS),
            None,
        )
        if op_at is not None:
            left, right = parts[:op_at], parts[op_at + 1 :]
            if left and right:
                return (
                    "bin",
                    _text(src, parts[op_at]),
                    _operand(src, left),
                    _operand(src, right),
                    _text(src, node),
                )
    if t == "operation" and named and named[0].type == "unary_operation":
        inner = named[0]
        operand = inner.children[1:]  # e.g. ``var.x``: a variable_expr and its get_attr
        op = _text(src, inner.children[0])
        if op in ("-", "!") and operand:
            return ("neg" if op == "-" else "not", _operand(src, operand), _text(src, node))
    return ("unk", _text(src, node))


_ESCAPE = re.compile(r'\\(?:([nrt"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))|\$\$\{|%%\{')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(raw: bytes) -> str:
    """A quoted string's literal text as Terraform reads it (``\\n``, ``\\u00e9``, ``$${``)."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return _SIMPLE[m.group(1)]
        code = m.group(2) or m.group(3)
        if code:
            return chr(min(int(code, 16), 0x10FFFF))
        return m.group(0)[1:]  # $${ -> ${, %%{ -> %{

    text = raw.decode("utf-8", "replace")
    return _ESCAPE.sub(one, text) if b"\\" in raw or b"{" in raw else text


def _quoted(src: bytes, node: Any, children: list[Any]) -> Expr:
    """A quoted string or template. Literal parts are read between the
    interpolations (the grammar's literal tokens leave out spaces at their edges)."""
    if len(children) < 2:
        return ("lit", "")
    pos, end = children[0].end_byte, children[-1].start_byte
    parts: list[Any] = []
    for c in children[1:-1]:
        if c.type in ("template_directive", "template_for", "template_if"):
            return ("unk", _text(src, node))
        if c.type != "template_interpolation":
            continue
        if c.start_byte > pos:
            parts.append(_unescape(src[pos : c.start_byte]))
        expr = next((x for x in c.children if x.type == "expression"), None)
        parts.append(compile_expr(src, expr))
        pos = c.end_byte
    if end > pos:
        parts.append(_unescape(src[pos:end]))
    if all(isinstance(p, str) for p in parts):
        return ("lit", "".join(parts))
    if len(parts) == 1:
        only: Expr = parts[0]
        return only  # "${x}" is x itself, not its text
    return ("tmpl", parts, _text(src, node))


def _operand(src: bytes, nodes: list[Any]) -> Expr:
    """One value given as sibling nodes: ``(expr)``, or a head (``var``, a call, a
    literal) followed by attribute, index and splat steps (``var.x[0].y``)."""
    named = [n for n in nodes if n.is_named]
    if not named:
        return ("lit", None)
    if len(named) == 1 and named[0].type != "variable_expr":  # also ``(expr)``
        return compile_expr(src, named[0])
    text = src[nodes[0].start_byte : nodes[-1].end_byte].decode("utf-8", "replace").strip()
    head, steps = named[0], named[1:]
    if head.type != "variable_expr":
        base = compile_expr(src, head)
    else:
        name = _name(src, head)
        attrs = [_name(src, s.children[-1]) for s in steps[:2] if s.type == "get_attr"]
        if name == "data" and len(attrs) == 2:  # data.<type>.<name> is one address
            base, steps = ("ref", "data", f"{attrs[0]}.{attrs[1]}"), steps[2:]
        elif attrs:
            base, steps = ("ref", name, attrs[0]), steps[1:]
        else:
            base = ("ref", name, "")
    path: list[Any] = []
    for i, step in enumerate(steps):
        if step.type == "splat":
            rest = [x for c in step.named_children for x in c.named_children] + steps[i + 1 :]
            target = ("get", base, path, text) if path else base
            return ("splat", target, [_step(src, x) for x in rest], text)
        path.append(_step(src, step))
    return ("get", base, path, text) if path else base


def _step(src: bytes, node: Any) -> Any:
    """An attribute name, a static index, or the compiled expression of a computed one."""
    if node.type == "get_attr":
        return _name(src, node.children[-1])
    inner = node.named_children[0] if node.type == "index" else node
    if inner.type == "legacy_index":  # a.0
        return int(_text(src, inner).lstrip(".") or 0)
    expr = next((c for c in inner.children if c.type == "expression"), None)
    compiled = compile_expr(src, expr)
    return compiled[1] if compiled[0] == "lit" else compiled


def _for(src: bytes, node: Any) -> Expr:
    """``[for k, v in coll : value if cond]`` or ``{for k, v in coll : key => value...}``."""
    intro = next(c for c in node.children if c.type == "for_intro")
    names = [_name(src, c) for c in intro.children if c.type == "identifier"]
    key_name, value_name = (names[0], names[1]) if len(names) == 2 else ("", names[0])
    coll = next(c for c in intro.children if c.type == "expression")
    body = [compile_expr(src, c) for c in node.children if c.type == "expression"]
    cond = next((c for c in node.children if c.type == "for_cond"), None)
    cond_e = compile_expr(src, cond.named_children[0]) if cond is not None else None
    is_object = node.type == "for_object_expr"
    key_e, value_e = (body[0], body[1]) if is_object else (None, body[0])
    group = any(c.type == "ellipsis" for c in node.children)
    text = _text(src, node)
    coll_e = compile_expr(src, coll)
    return ("for", key_name, value_name, coll_e, key_e, value_e, cond_e, group, text)


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
