"""Framework scoring: one verdict function, read by the HTML score and by OSCAL findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from govscan.catalog.frameworks import load_frameworks
from govscan.model import Control, Severity, Status
from govscan.results.scoring import (
    MANUAL,
    NOT_ASSESSED,
    combined,
    score,
    score_frameworks,
)

P, F, E, W, N = Status.PASS, Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("counts", "status", "satisfied", "reason"),
    [
        ({}, NOT_ASSESSED, False, "other"),
        ({N: 3}, NOT_ASSESSED, False, "other"),
        ({P: 2}, "pass", True, "pass"),
        ({P: 2, N: 1}, "pass", True, "pass"),
        # A waiver is an accepted risk for the score, never a met requirement.
        ({P: 2, W: 1}, "pass", False, "other"),
        ({W: 1}, "pass", False, "other"),
        ({P: 5, E: 1}, "error", False, "other"),
        ({E: 1, F: 1, P: 9}, "fail", False, "fail"),
        ({F: 1, W: 1}, "fail", False, "fail"),
        # Zero counts are no results.
        ({F: 0, E: 0, P: 1}, "pass", True, "pass"),
    ],
)
def test_score(counts: dict[Status, int], status: str, satisfied: bool, reason: str) -> None:
    got = score(counts)
    assert (got.status, got.satisfied, got.reason) == (status, satisfied, reason)


def test_combined_adds_the_counts_of_the_named_controls_only() -> None:
    by_control = {"a": Counter({P: 2, F: 1}), "b": Counter({P: 1, E: 0}), "c": Counter({F: 7})}
    assert combined(by_control, ["a", "b", "missing"]) == Counter({P: 3, F: 1})
    assert E not in combined(by_control, ["b"])


@dataclass(frozen=True)
class _Req:
    id: str
    title: str
    group: str = ""


@dataclass(frozen=True)
class _Fw:
    title: str
    requirements: tuple[_Req, ...]


def _control(cid: str, **frameworks: tuple[str, ...]) -> Control:
    return Control(cid, cid, Severity.HIGH, "aws.s3.bucket", {}, frameworks)


def test_score_frameworks_judges_each_requirement_by_its_controls() -> None:
    catalog = _Fw(
        "Test",
        (
            _Req("R1", "one", "G"),
            _Req("R2", "two"),
            _Req("R3", "three"),
            _Req("R4", "four"),
            _Req("R5", "five"),
        ),
    )
    controls = [
        _control("b", fw=("R1", "R3")),
        _control("a", fw=("R1",)),
        _control("w", fw=("R4",)),
        _control("n", fw=("R5",)),
        _control("other", elsewhere=("R2",)),
    ]
    by_control = {
        "a": Counter({P: 2}),
        "b": Counter({F: 1, P: 1}),
        "w": Counter({W: 1}),
        "n": Counter({N: 4}),
    }
    (fw,) = score_frameworks(controls, by_control, {"fw": catalog})
    assert fw.key == "fw"
    assert [(r.id, r.status, r.controls) for r in fw.requirements] == [
        ("R1", "fail", ("a", "b")),
        ("R2", MANUAL, ()),
        ("R3", "fail", ("b",)),
        ("R4", "pass", ("w",)),
        ("R5", NOT_ASSESSED, ("n",)),
    ]
    assert fw.requirements[0].counts == Counter({P: 3, F: 1})
    assert fw.requirements[0].group == "G"
    assert (fw.passed, fw.assessed, fw.covered) == (1, 3, 4)
    assert fw.ratio == pytest.approx(1 / 3)


def test_a_framework_nothing_assessed_scores_zero() -> None:
    (fw,) = score_frameworks([], {}, {"fw": _Fw("Empty", (_Req("R1", "one"),))})
    assert (fw.assessed, fw.ratio, fw.covered) == (0, 0.0, 0)
    assert fw.tally() == Counter({MANUAL: 1})


def test_the_shipped_catalogs_are_scored_in_their_own_order() -> None:
    catalogs = load_frameworks()
    scores = score_frameworks([], {}, catalogs)
    assert [s.key for s in scores] == list(catalogs)
    for s in scores:
        assert [r.id for r in s.requirements] == [r.id for r in catalogs[s.key].requirements]
