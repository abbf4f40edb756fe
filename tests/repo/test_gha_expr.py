"""The Actions expression parser and the taint judgement, table-driven."""

from __future__ import annotations

import pytest

from govscan.collectors.repo.gha_expr import (
    MAX_DEPTH,
    Binary,
    Call,
    Context,
    ExpressionError,
    Index,
    Literal,
    Prop,
    Star,
    Unary,
    embedded,
    parse_expression,
)
from govscan.collectors.repo.gha_taint import SECRETS, UNTRUSTED, env_taint, text_flows

# (expression inside ${{ }}, the untrusted sources it lets through; empty = safe)
INJECTION = [
    # the four the regex let through
    ("github['event']['issue']['title']", {"github.event.issue.title"}),
    ("toJSON(github.event.issue)", {"github.event.issue"}),
    ("format('{0}', github.event.issue.title)", {"github.event.issue.title"}),
    ("GITHUB.EVENT.issue.title", {"github.event.issue.title"}),
    # plain untrusted values
    ("github.event.issue.title", {"github.event.issue.title"}),
    ("github.event.issue.body", {"github.event.issue.body"}),
    ("github.event.comment.body", {"github.event.comment.body"}),
    ("github.event.review.body", {"github.event.review.body"}),
    ("github.event.review_comment.body", {"github.event.review_comment.body"}),
    ("github.event.pull_request.title", {"github.event.pull_request.title"}),
    ("github.event.pull_request.head.ref", {"github.event.pull_request.head.ref"}),
    ("github.event.pull_request.head.label", {"github.event.pull_request.head.label"}),
    (
        "github.event.pull_request.head.repo.default_branch",
        {"github.event.pull_request.head.repo.default_branch"},
    ),
    ("github.head_ref", {"github.head_ref"}),
    ("github.event.head_commit.message", {"github.event.head_commit.message"}),
    ("github.event.head_commit.author.email", {"github.event.head_commit.author.email"}),
    ("github.event.workflow_run.head_branch", {"github.event.workflow_run.head_branch"}),
    ("github.event.discussion.title", {"github.event.discussion.title"}),
    ("github.event.pages[0].page_name", {"github.event.pages.*.page_name"}),
    ("github.event.commits[0].message", {"github.event.commits.*.message"}),
    ("github.event.issue.labels.*.name", {"github.event.issue.labels.*.name"}),
    # whole objects holding untrusted values
    ("toJSON(github.event)", {"github.event"}),
    ("toJson(github)", {"github"}),
    ("join(github.event.commits.*.message)", {"github.event.commits.*.message"}),
    ("join(github.event.commits.*.message, ', ')", {"github.event.commits.*.message"}),
    ("github.event.pull_request.head", {"github.event.pull_request.head"}),
    ("github.event[matrix.part].title", {"github.event.[…].title"}),
    # functions and operators that pass values through
    ("fromJSON(github.event.issue.body).x", {"github.event.issue.body"}),
    ("github.event.issue.title || 'none'", {"github.event.issue.title"}),
    ("'x' || github.event.comment.body", {"github.event.comment.body"}),
    ("github.event_name == 'issues' && github.event.issue.title", {"github.event.issue.title"}),
    ("(github.event.issue.title)", {"github.event.issue.title"}),
    ("format('{0}', format('{0}', github.head_ref))", {"github.head_ref"}),
    ("unknownFn(github.event.issue.title)", {"github.event.issue.title"}),
    # safe: numbers, booleans, comparisons, trusted contexts
    ("github.event.pull_request.number", set()),
    ("github.event.number", set()),
    ("github.event.pull_request.head.sha", set()),
    ("secrets.X == ''", set()),
    ("inputs.x", set()),
    ("github.event.inputs.name", set()),
    ("github.event.issue.title == 'x'", set()),
    ("!github.event.issue.title", set()),
    ("contains(github.event.issue.title, 'bug')", set()),
    ("startsWith(github.event.comment.body, '/deploy')", set()),
    ("endsWith(github.head_ref, '-rc')", set()),
    ("github.event.issue.title && 'yes'", set()),
    ("contains(github.event.issue.body, 'x') && 'yes' || 'no'", set()),
    ("hashFiles('**/go.sum')", set()),
    ("github.sha", set()),
    ("github.ref_name", set()),
    ("github.event_name", set()),
    ("github.repository", set()),
    ("steps.build.outputs.version", set()),
    ("needs.setup.outputs.matrix", set()),
    ("matrix.os", set()),
    ("vars.REGION", set()),
    ("runner.os", set()),
    ("github.event.issue.title > 3", set()),
    ("'github.event.issue.title'", set()),
    ("env.SAFE", set()),
]


@pytest.mark.parametrize(("source", "want"), INJECTION, ids=[s for s, _ in INJECTION])
def test_injection_is_judged_on_the_expression(source: str, want: set[str]) -> None:
    found = text_flows("echo ${{ " + source + " }}", UNTRUSTED, {})
    got = set().union(*(s for _, _, s in found)) if found else set()
    assert got == want


def test_the_table_has_enough_injectable_and_safe_variants() -> None:
    assert sum(1 for _, w in INJECTION if w) >= 25
    assert sum(1 for _, w in INJECTION if not w) >= 25


def test_an_env_entry_set_from_an_untrusted_value_carries_it() -> None:
    scope = env_taint(
        {"TITLE": "${{ github.event.issue.title }}", "SHA": "${{ github.sha }}"}, UNTRUSTED, {}
    )
    assert text_flows("echo '${{ env.TITLE }}'", UNTRUSTED, scope)[0][2] == {
        "github.event.issue.title"
    }
    assert text_flows("echo '${{ ENV['title'] }}'", UNTRUSTED, scope)
    assert text_flows("echo '${{ toJSON(env) }}'", UNTRUSTED, scope)
    assert not text_flows("echo '${{ env.SHA }}'", UNTRUSTED, scope)
    # an inner env: entry overrides the outer one
    inner = env_taint({"TITLE": "fixed"}, UNTRUSTED, scope)
    assert not text_flows("echo '${{ env.TITLE }}'", UNTRUSTED, inner)


@pytest.mark.parametrize(
    ("source", "secret"),
    [
        ("secrets.TOKEN", True),
        ("SECRETS['token']", True),
        ("github.token", True),
        ("toJSON(secrets)", True),
        ("secrets.TOKEN == ''", False),
        ("secrets.TOKEN != '' && 'set' || 'unset'", False),
        ("github.sha", False),
    ],
)
def test_secret_flow(source: str, secret: bool) -> None:
    assert bool(text_flows("${{ " + source + " }}", SECRETS, {})) is secret


def test_an_expression_that_does_not_parse_still_counts_when_it_names_a_source() -> None:
    assert text_flows("${{ github.event.issue.title ) }}", UNTRUSTED, {})
    assert text_flows("${{ github.event.unknown ][ }}", UNTRUSTED, {})
    assert not text_flows("${{ github.sha ) }}", UNTRUSTED, {})


def test_parse_tree() -> None:
    assert parse_expression("github['Event'].issue.*.Title") == Prop(
        Star(Prop(Index(Context("github"), Literal("Event")), "issue")), "title"
    )
    assert parse_expression("!a.b == 'x' || f(1, null, true)") == Binary(
        "||",
        Binary("==", Unary("!", Prop(Context("a"), "b")), Literal("x")),
        Call("f", (Literal(1.0), Literal(None), Literal(True))),
    )
    assert parse_expression("a && b || c") == Binary(
        "||", Binary("&&", Context("a"), Context("b")), Context("c")
    )
    assert parse_expression("'it''s'") == Literal("it's")
    assert parse_expression("0xff") == Literal(255.0)
    assert parse_expression("steps.my-step.outputs[*]") == Star(
        Prop(Prop(Context("steps"), "my-step"), "outputs")
    )


@pytest.mark.parametrize(
    "source",
    ["", "a.", "a[1", "f(a,", "a == ", "'open", "a $ b", "a.(b)", "(a", "a b"],
)
def test_bad_expressions_are_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(source)


def test_nesting_and_length_are_bounded() -> None:
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("!" * 1_000 + "a")
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("a" + ".b" * 1_000)
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression(" || ".join(["a"] * 1_000))
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression("a" * 100_000)


def test_embedded_expressions_end_outside_string_literals() -> None:
    found = list(embedded("a ${{ format('}}{0}', x) }} b ${{y}} c ${{ open"))
    assert [e.source for e in found] == ["format('}}{0}', x)", "y", "open"]
    assert found[1].text == "${{ y }}"
