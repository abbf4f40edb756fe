"""Requirement status with attestations and not-applicable declarations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from govscan.model import Control, Severity, Status
from govscan.results.coverage import Coverage
from govscan.results.scoring import (
    MANUAL,
    NOT_APPLICABLE,
    attestation_mappings,
    score_frameworks,
)

P, F, N = Status.PASS, Status.FAIL, Status.NOT_APPLICABLE


@dataclass(frozen=True)
class _Req:
    id: str
    title: str
    group: str = ""


@dataclass(frozen=True)
class _Fw:
    title: str
    requirements: tuple[_Req, ...]


CATALOG = _Fw("Test", tuple(_Req(f"R{i}", f"r{i}") for i in range(1, 7)))


def _control(cid: str, **frameworks: tuple[str, ...]) -> Control:
    return Control(cid, cid, Severity.HIGH, "aws.s3.bucket", {}, frameworks)


def _scores() -> dict[str, tuple[str, Coverage, tuple[str, ...], str]]:
    controls = [_control("auto", fw=("R1", "R2", "R5"))]
    by_control = {
        "auto": Counter({P: 2}),
        "attestation.ok": Counter({P: 1}),
        "attestation.expired": Counter({F: 1}),
    }
    attested = {
        "attestation.ok": {"fw": ("R2", "R3")},
        "attestation.expired": {"fw": ("R4",), "other": ("R1",)},
    }
    declared = {"fw": {"R5": "no premises of our own", "R6": "no outsourced development"}}
    (fw,) = score_frameworks(
        controls, by_control, {"fw": CATALOG}, attested=attested, not_applicable=declared
    )
    return {r.id: (r.status, r.coverage, r.attestations, r.justification) for r in fw.requirements}


def test_each_requirement_gets_one_status_from_everything_that_answers_it() -> None:
    assert _scores() == {
        "R1": ("pass", Coverage.AUTOMATED, (), ""),
        # Control and attestation together; the control makes it automated.
        "R2": ("pass", Coverage.AUTOMATED, ("attestation.ok",), ""),
        # Only an attestation: attested, judged by the attestation, never manual.
        "R3": ("pass", Coverage.ATTESTED, ("attestation.ok",), ""),
        "R4": ("fail", Coverage.ATTESTED, ("attestation.expired",), ""),
        # Declared out of scope wins over a passing control: never shown as passed.
        "R5": (NOT_APPLICABLE, Coverage.NOT_APPLICABLE, (), "no premises of our own"),
        "R6": (NOT_APPLICABLE, Coverage.NOT_APPLICABLE, (), "no outsourced development"),
    }


def test_attested_requirements_count_in_the_score_and_separately() -> None:
    controls = [_control("auto", fw=("R1",))]
    by_control = {"auto": Counter({F: 1}), "attestation.a": Counter({P: 1})}
    (fw,) = score_frameworks(
        controls,
        by_control,
        {"fw": CATALOG},
        attested={"attestation.a": {"fw": ("R2", "R3")}},
        not_applicable={"fw": {"R4": "why"}},
    )
    assert (fw.passed, fw.assessed, fw.attested) == (2, 3, 2)
    assert fw.ratio == pytest.approx(2 / 3)
    assert (fw.not_applicable, fw.gaps, fw.covered) == (1, 2, 4)
    assert fw.tally() == Counter({"pass": 2, "fail": 1, NOT_APPLICABLE: 1, MANUAL: 2})


def test_an_attestation_without_results_is_not_assessed_not_passed() -> None:
    (fw,) = score_frameworks([], {}, {"fw": CATALOG}, attested={"attestation.x": {"fw": ("R1",)}})
    assert (fw.requirements[0].status, fw.requirements[0].coverage) == (
        "not_assessed",
        Coverage.ATTESTED,
    )
    assert fw.attested == 0


def test_without_attestations_or_declarations_nothing_changes() -> None:
    (fw,) = score_frameworks([_control("a", fw=("R1",))], {"a": Counter({P: 1})}, {"fw": CATALOG})
    assert [r.status for r in fw.requirements] == ["pass"] + [MANUAL] * 5


def test_attestation_mappings_keep_attestations_only() -> None:
    got = attestation_mappings([("aws.s3.x", {"fw": ("R1",)}), ("attestation.a", {"fw": ("R2",)})])
    assert got == {"attestation.a": {"fw": ("R2",)}}
