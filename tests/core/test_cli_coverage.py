"""``govscan frameworks show``: a coverage state per requirement and the summary line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.model import Policy, Selection

SUMMARY = re.compile(r"automated (\d+), attested (\d+), not applicable (\d+), gap (\d+) of (\d+)")


def show(*args: str) -> tuple[str, tuple[int, ...]]:
    result = CliRunner().invoke(cli, ["frameworks", "show", *args])
    assert result.exit_code == 0, result.output
    m = SUMMARY.search(result.stderr)
    assert m, result.stderr
    return result.stdout, tuple(int(g) for g in m.groups())


def test_every_requirement_has_a_state_and_the_summary_adds_up() -> None:
    out, (auto, att, na, gap, total) = show("iso27001-2022")
    assert total == 123 and auto + att + na + gap == total
    assert auto >= 45 and att == 0 and na == 0
    assert re.search(r"^A\.8\.24 +automated +Use of cryptography$", out, re.M)
    assert re.search(r"^A\.7\.1 +gap +Physical security perimeters$", out, re.M)
    assert "manual evidence needed" in out


def test_uncovered_lists_only_gaps() -> None:
    out, (_, _, _, gap, _) = show("nist-csf-2.0", "--uncovered")
    heads = [line for line in out.splitlines() if not line.startswith("    ")]
    assert len(heads) == gap
    assert all(re.match(r"^\S+ +gap ", line) for line in heads)


def test_policy_declarations_and_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = Policy(name="scoped", include=(Selection(frameworks=("iso27001-2022:A.8.24",)),))
    # The policy's not_applicable declarations, in the shape policies carry them.
    object.__setattr__(
        policy,
        "not_applicable",
        {"iso27001-2022": {"A.7.1": "no premises of our own", "A.8.24": "out of scope"}},
    )

    def load(name: str, **_: Any) -> Policy:
        assert name == "scoped"
        return policy

    monkeypatch.setattr("govscan.catalog.policies.load_policy", load)
    out, (auto, att, na, gap, total) = show("iso27001-2022", "--policy", "scoped")
    assert na == 2
    assert re.search(r"^A\.7\.1 +not applicable +Physical", out, re.M)
    assert "    not applicable: no premises of our own" in out
    # Only the selected controls count: those mapped to A.8.24, declared out of scope.
    full_auto = show("iso27001-2022")[1][0]
    assert 0 < auto < full_auto
    assert auto + att + na + gap == total
