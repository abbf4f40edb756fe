"""Which values an Actions expression lets through to its output (taint analysis).

An expression pasted into a script is injectable when a value that reaches the
text it produces comes from a source the judged property cares about: for script
injection, the parts of an event a stranger can write (see ``UNTRUSTED``); for
echoed secrets, ``secrets.*`` and ``github.token``.

What flows where, by construct:

- a context path is a source when it names an untrusted value, an object that
  contains one (``github.event.issue``, ``github``), or something inside one;
- comparisons, ``!``, ``contains``/``startsWith``/``endsWith``, the status
  functions and ``hashFiles`` produce booleans, numbers or hashes: nothing flows;
- ``a && b`` yields ``b`` or a falsy ``a`` (empty, null, false, 0: harmless), so
  only ``b`` flows; ``a || b`` yields either;
- ``format``, ``join``, ``toJSON``, ``fromJSON`` and any unknown function pass
  every argument through;
- ``env.X`` carries what the ``env:`` entry X in scope was set from;
- ``inputs``, ``steps``, ``needs``, ``matrix``, ``vars``, ``runner``, ``job``
  and ``strategy`` are not sources (docs/repo.md says why).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from govscan.collectors.repo.gha_expr import (
    Binary,
    Call,
    Context,
    Expr,
    ExpressionError,
    Index,
    Literal,
    Prop,
    Star,
    Unary,
    embedded,
    parse_expression,
)

Pattern = tuple[str, ...]

# Values anyone who can open an issue, comment, fork or push a branch to a fork
# controls. "*" stands for any one key or array index.
UNTRUSTED: tuple[Pattern, ...] = tuple(
    tuple(p.split("."))
    for p in (
        "github.head_ref",
        "github.event.issue.title",
        "github.event.issue.body",
        "github.event.issue.labels.*.name",
        "github.event.issue.labels.*.description",
        "github.event.comment.body",
        "github.event.review.body",
        "github.event.review_comment.body",
        "github.event.label.name",
        "github.event.label.description",
        "github.event.discussion.title",
        "github.event.discussion.body",
        "github.event.pull_request.title",
        "github.event.pull_request.body",
        "github.event.pull_request.head.ref",
        "github.event.pull_request.head.label",
        "github.event.pull_request.head.repo.default_branch",
        "github.event.pull_request.head.repo.description",
        "github.event.pull_request.labels.*.name",
        "github.event.pull_request.labels.*.description",
        "github.event.pages.*.page_name",
        "github.event.commits.*.message",
        "github.event.commits.*.author.*",
        "github.event.commits.*.committer.*",
        "github.event.head_commit.message",
        "github.event.head_commit.author.*",
        "github.event.head_commit.committer.*",
        "github.event.workflow_run.head_branch",
        "github.event.workflow_run.display_title",
        "github.event.workflow_run.head_commit.message",
        "github.event.workflow_run.head_commit.author.*",
        "github.event.workflow_run.head_commit.committer.*",
        "github.event.workflow_run.head_repository.description",
        "github.event.workflow_run.pull_requests.*.head.ref",
    )
)
SECRETS: tuple[Pattern, ...] = (("secrets",), ("github", "token"))

_NO_FLOW = frozenset(
    {"contains", "startswith", "endswith", "success", "always", "cancelled", "failure", "hashfiles"}
)
_NONE: frozenset[str] = frozenset()

EnvTaint = Mapping[str, frozenset[str]]
"""Lowercased ``env:`` name in scope -> the sources its value was set from."""


def _path(expr: Expr) -> tuple[str, ...] | None:
    """``github.event['issue'].labels[0]`` -> (github, event, issue, labels, *)."""
    if isinstance(expr, Context):
        return (expr.name,)
    if isinstance(expr, Prop | Star | Index):
        base = _path(expr.base)
        if base is None:
            return None
        if isinstance(expr, Prop):
            return (*base, expr.name)
        if isinstance(expr, Star):
            return (*base, "*")
        key = expr.index
        if isinstance(key, Literal) and isinstance(key.value, str):
            return (*base, key.value.lower())
        if isinstance(key, Literal) and isinstance(key.value, float):
            return (*base, "*")
        return (*base, "?")  # computed index: could be any key
    return None


def _matches(path: tuple[str, ...], patterns: tuple[Pattern, ...]) -> bool:
    for pattern in patterns:
        if all(p == u or u == "*" or p in ("*", "?") for p, u in zip(path, pattern, strict=False)):
            return True
    return False


def _show(path: tuple[str, ...]) -> str:
    return ".".join("[…]" if p == "?" else p for p in path)


def flows(expr: Expr, patterns: tuple[Pattern, ...], env: EnvTaint) -> frozenset[str]:
    """The sources (shown as context paths) whose values can reach the expression's value."""
    if isinstance(expr, Literal):
        return _NONE
    if isinstance(expr, Unary):
        return _NONE
    if isinstance(expr, Binary):
        if expr.op == "&&":
            return flows(expr.right, patterns, env)
        if expr.op == "||":
            return flows(expr.left, patterns, env) | flows(expr.right, patterns, env)
        return _NONE
    if isinstance(expr, Call):
        if expr.name in _NO_FLOW:
            return _NONE
        out: frozenset[str] = _NONE
        for arg in expr.args:
            out |= flows(arg, patterns, env)
        return out
    path = _path(expr)
    if path is None:  # a property of a function's result: fromJSON(x).y carries x
        return flows(expr.base, patterns, env) if isinstance(expr, Prop | Star | Index) else _NONE
    if path[0] == "env" and len(path) > 1 and path[1] not in ("*", "?"):
        return env.get(path[1], _NONE)
    if path[0] == "env":
        return frozenset().union(*env.values()) if env else _NONE
    return frozenset({_show(path)}) if _matches(path, patterns) else _NONE


# Workflows repeat the same few expressions in every step and env: entry.
_parse = lru_cache(maxsize=4096)(parse_expression)


def text_flows(
    text: str, patterns: tuple[Pattern, ...], env: EnvTaint
) -> list[tuple[int, str, frozenset[str]]]:
    """(offset, the ``${{ }}`` as written, sources) for each expression in ``text`` that
    lets a source through.

    An expression that does not parse (Actions would reject the workflow) counts
    when it names a source's path in plain text, so a syntax trick cannot hide one."""
    found: list[tuple[int, str, frozenset[str]]] = []
    for emb in embedded(text):
        try:
            got = flows(_parse(emb.source), patterns, env)
        except ExpressionError:
            low = emb.source.lower()
            got = frozenset(".".join(p) for p in patterns if ".".join(p).split(".*")[0] in low)
            if not got and patterns is UNTRUSTED and "github.event" in low:
                got = frozenset({"github.event"})
        if got:
            found.append((emb.start, text[emb.start : emb.end], got))
    return found


def env_taint(
    env: object, patterns: tuple[Pattern, ...], outer: EnvTaint
) -> dict[str, frozenset[str]]:
    """The scope after an ``env:`` mapping: each entry carries what its value lets through."""
    scope = dict(outer)
    if isinstance(env, dict):
        for name, value in env.items():
            if isinstance(value, str):
                got: frozenset[str] = _NONE
                for _, _, sources in text_flows(value, patterns, outer):
                    got |= sources
                scope[str(name).lower()] = got
            else:
                scope[str(name).lower()] = _NONE
    return scope
