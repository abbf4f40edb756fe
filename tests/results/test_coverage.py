"""Coverage states: the one rule every framework view counts requirements by."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from govscan.catalog.frameworks import load_frameworks
from govscan.results.coverage import (
    Coverage,
    coverage_state,
    declared_not_applicable,
    framework_coverage,
)


@dataclass(frozen=True)
class Req:
    id: str
    title: str


@dataclass(frozen=True)
class Catalog:
    requirements: tuple[Req, ...]


CATALOG = Catalog(tuple(Req(f"R{i}", f"requirement {i}") for i in range(1, 6)))


@pytest.mark.parametrize(
    ("automated", "attested", "na", "state"),
    [
        ((), (), False, Coverage.GAP),
        (("c",), (), False, Coverage.AUTOMATED),
        ((), ("attestation.a",), False, Coverage.ATTESTED),
        # A control judges it: the attestation adds evidence, the state stays automated.
        (("c",), ("attestation.a",), False, Coverage.AUTOMATED),
        # Out of scope wins even over a mapped control: never shown as met.
        (("c",), ("attestation.a",), True, Coverage.NOT_APPLICABLE),
        ((), (), True, Coverage.NOT_APPLICABLE),
    ],
)
def test_state_precedence(
    automated: tuple[str, ...], attested: tuple[str, ...], na: bool, state: Coverage
) -> None:
    assert coverage_state(automated, attested, na) is state


def test_framework_coverage_sorts_mappings_into_states() -> None:
    mappings = [
        ("aws.s3.x", {"fw": ("R1", "R2")}),
        ("attestation.policy", {"fw": ("R2", "R3")}),
        ("attestation.other-fw", {"other": ("R4",)}),
        ("gcp.y", {"fw": ("R5",)}),
    ]
    cov = framework_coverage("fw", CATALOG, mappings, {"R5": "no cloud in scope", "R9": "x"})
    states = {r.id: r.state for r in cov.requirements}
    assert states == {
        "R1": Coverage.AUTOMATED,
        "R2": Coverage.AUTOMATED,
        "R3": Coverage.ATTESTED,
        "R4": Coverage.GAP,
        "R5": Coverage.NOT_APPLICABLE,
    }
    r2 = cov.requirements[1]
    assert r2.automated == ("aws.s3.x",) and r2.attested == ("attestation.policy",)
    assert cov.requirements[4].justification == "no cloud in scope"
    assert cov.requirements[0].justification == ""
    assert cov.summary() == "automated 2, attested 1, not applicable 1, gap 1 of 5"


def test_summary_of_a_real_catalog_adds_up() -> None:
    fw = load_frameworks()["nist-csf-2.0"]
    cov = framework_coverage("nist-csf-2.0", fw, [("c", {"nist-csf-2.0": ("PR.DS-01",)})])
    assert cov.summary() == "automated 1, attested 0, not applicable 0, gap 105 of 106"
    assert sum(cov.count(s) for s in Coverage) == len(fw.requirements)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (None, {}),
        ({}, {}),
        (
            {"iso27001-2022": {"A.7.1": "no premises of our own"}},
            {"A.7.1": "no premises of our own"},
        ),
        ({"dsgvo": {"Art. 44": "x"}}, {}),
        ({"iso27001-2022": ["A.7.1"]}, {}),
        ("A.7.1", {}),
    ],
)
def test_declared_not_applicable(declared: object, expected: dict[str, str]) -> None:
    assert declared_not_applicable(declared, "iso27001-2022") == expected
