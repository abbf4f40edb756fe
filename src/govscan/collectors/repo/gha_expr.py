"""A parser for the GitHub Actions expression language (the inside of ``${{ }}``).

Judging script injection needs to know what value an expression produces, not
which words appear in it: ``github['event']['issue']['title']`` and
``GITHUB.EVENT.issue.title`` are the same value, ``github.event.issue.title == 'x'``
is a boolean. Context and property names are case-insensitive in Actions, so the
tree holds them lowercased; string literals keep their case.

Inputs are hostile (pull requests from strangers): the expression length and the
nesting depth are bounded, and anything that does not parse raises
``ExpressionError`` instead of being guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_EXPRESSION = 8_000
"""Characters; Actions itself rejects far shorter expressions."""
MAX_DEPTH = 64
"""Nesting of parentheses, calls and indexes."""


class ExpressionError(ValueError):
    """An expression that is not valid in the Actions expression language."""


@dataclass(frozen=True)
class Literal:
    value: str | float | bool | None


@dataclass(frozen=True)
class Context:
    name: str
    """Lowercased: ``github``, ``env``, ``inputs``, ..."""


@dataclass(frozen=True)
class Prop:
    base: Expr
    name: str
    """Lowercased property name."""


@dataclass(frozen=True)
class Index:
    base: Expr
    index: Expr


@dataclass(frozen=True)
class Star:
    """The object filter ``.*`` (or ``[*]``): every element of an array or object."""

    base: Expr


@dataclass(frozen=True)
class Call:
    name: str
    """Lowercased function name."""
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


Expr = Literal | Context | Prop | Index | Star | Call | Unary | Binary


@dataclass(frozen=True)
class Embedded:
    """One ``${{ ... }}`` found in a string."""

    start: int
    """Offset of ``$`` in the string."""
    end: int
    """Offset just past the closing ``}}``."""
    source: str
    """The text between the braces, stripped."""

    @property
    def text(self) -> str:
        return "${{ " + self.source + " }}"


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<str>'(?:[^']|'')*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op><=|>=|==|!=|&&|\|\||[()\[\].,!<>*])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"true": True, "false": False, "null": None}
_COMPARISON = ("<", "<=", ">", ">=")
_EQUALITY = ("==", "!=")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {text[pos]!r} at offset {pos}")
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.pos] if self.pos < len(self.toks) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end" or (value is not None and tok[1] != value):
            want = f"'{value}'" if value else "a value"
            got = f"'{tok[1]}'" if tok[0] != "end" else "the end"
            raise ExpressionError(f"expected {want}, found {got}")
        self.pos += 1
        return tok

    def accept(self, *values: str) -> str | None:
        kind, value = self.peek()
        if kind == "op" and value in values:
            self.pos += 1
            return value
        return None

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH}")

    def parse(self) -> Expr:
        expr = self.or_()
        if self.peek()[0] != "end":
            raise ExpressionError(f"unexpected '{self.peek()[1]}'")
        return expr

    def or_(self) -> Expr:
        left = self.and_()
        while self.accept("||"):
            left = Binary("||", left, self.and_())
        return left

    def and_(self) -> Expr:
        left = self.equality()
        while self.accept("&&"):
            left = Binary("&&", left, self.equality())
        return left

    def equality(self) -> Expr:
        left = self.comparison()
        while op := self.accept(*_EQUALITY):
            left = Binary(op, left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.unary()
        while op := self.accept(*_COMPARISON):
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.accept("!"):
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return Unary("!", operand)
        return self.postfix(self.primary())

    def postfix(self, expr: Expr) -> Expr:
        while True:
            if self.accept("."):
                kind, value = self.take()
                if kind == "op" and value == "*":
                    expr = Star(expr)
                elif kind == "ident":
                    expr = Prop(expr, value.lower())
                else:
                    raise ExpressionError(f"expected a property name after '.', found '{value}'")
            elif self.accept("["):
                self.enter()
                expr = Star(expr) if self.accept("*") else Index(expr, self.or_())
                self.take("]")
                self.depth -= 1
            else:
                return expr

    def primary(self) -> Expr:
        kind, value = self.take()
        if kind == "num":
            return Literal(float(int(value, 16)) if value.startswith("0x") else float(value))
        if kind == "str":
            return Literal(value[1:-1].replace("''", "'"))
        if kind == "ident":
            low = value.lower()
            if low in _KEYWORDS:
                return Literal(_KEYWORDS[low])
            if self.accept("("):
                return self.call(low)
            return Context(low)
        if kind == "op" and value == "(":
            self.enter()
            inner = self.or_()
            self.take(")")
            self.depth -= 1
            return inner
        raise ExpressionError(f"unexpected '{value}'")

    def call(self, name: str) -> Call:
        self.enter()
        args: list[Expr] = []
        if not self.accept(")"):
            args.append(self.or_())
            while self.accept(","):
                args.append(self.or_())
            self.take(")")
        self.depth -= 1
        return Call(name, tuple(args))


def parse_expression(text: str) -> Expr:
    """Parse the inside of one ``${{ }}``; raises ``ExpressionError``."""
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"longer than {MAX_EXPRESSION} characters")
    if not text.strip():
        raise ExpressionError("empty expression")
    expr = _Parser(text).parse()
    # Chains (a.b.c..., a || b || ...) are built in loops, not by recursion; their
    # depth is checked here so every recursive reader of the tree stays shallow.
    if _depth(expr) > MAX_DEPTH:
        raise ExpressionError(f"nested deeper than {MAX_DEPTH}")
    return expr


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Prop | Star):
        return (expr.base,)
    if isinstance(expr, Index):
        return (expr.base, expr.index)
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    return ()


def _depth(expr: Expr) -> int:
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in _children(node))
    return deepest


def embedded(text: str) -> Iterator[Embedded]:
    """Every ``${{ ... }}`` in a string, in order.

    The closing ``}}`` is searched outside string literals, so
    ``${{ format('}}{0}', x) }}`` is one expression. An expression that is never
    closed runs to the end of the string. Each search resumes where the last one
    stopped, so the work stays linear in the text whatever it holds."""
    pos = 0
    close = quote = 0  # next "}}" and next "'" at or after the cursor; -1: none left
    while (start := text.find("${{", pos)) >= 0:
        i = start + 3
        while True:
            if 0 <= close < i:
                close = text.find("}}", i)
            if 0 <= quote < i:
                quote = text.find("'", i)
            if close < 0 or quote < 0 or close < quote:
                break
            # skip the literal; '' inside it ends and reopens it, which changes nothing
            end = text.find("'", quote + 1)
            if end < 0:
                close = -1
                break
            i = end + 1
        if close < 0:
            yield Embedded(start, len(text), text[start + 3 :].strip())
            return
        yield Embedded(start, close + 2, text[start + 3 : close].strip())
        pos = close + 2
