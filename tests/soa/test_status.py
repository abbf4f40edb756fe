"""The one status rule, and the statuses of a constructed bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscan.catalog.frameworks import load_framework
from govscan.evidence.attestations import read_attestations
from govscan.evidence.bundle import load_scan
from govscan.model import Status
from govscan.results.soa import Implementation, implementation_status
from govscan.soa.build import Soa, build_soa, manifest_digest

from .conftest import EVIDENCE_SHA

P, F, W, E, N = Status.PASS, Status.FAIL, Status.WAIVED, Status.ERROR, Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("automated", "attested", "na", "expected"),
    [
        ([P, W], [P], False, Implementation.IMPLEMENTED),
        ([P], [F], False, Implementation.PARTIAL),
        ([P, F], [], False, Implementation.PARTIAL),
        ([P, E], [], False, Implementation.PARTIAL),
        ([F, F], [], False, Implementation.NOT_IMPLEMENTED),
        ([], [F], False, Implementation.NOT_IMPLEMENTED),
        ([F, E], [], False, Implementation.NOT_IMPLEMENTED),
        ([E], [], False, Implementation.NOT_ASSESSED),
        ([N], [], False, Implementation.NOT_ASSESSED),
        ([], [], False, Implementation.NOT_ASSESSED),
        ([P], [P], True, Implementation.NOT_APPLICABLE),
    ],
)
def test_status_rule(
    automated: list[Status], attested: list[Status], na: bool, expected: Implementation
) -> None:
    assert implementation_status(automated, attested, na) is expected


def _soa(bundle: Path, key: str = "iso27001-2022") -> Soa:
    return build_soa(
        load_scan(bundle), load_framework(key), read_attestations(bundle), manifest_digest(bundle)
    )


def test_statuses_of_a_constructed_bundle(bundle: Path) -> None:
    rows = {r.id: r for r in _soa(bundle).rows}
    assert rows["A.5.1"].status is Implementation.IMPLEMENTED
    assert rows["A.5.2"].status is Implementation.PARTIAL
    assert rows["A.5.3"].status is Implementation.NOT_IMPLEMENTED
    assert rows["A.5.24"].status is Implementation.IMPLEMENTED
    assert rows["A.5.10"].status is Implementation.PARTIAL  # control passes, attestation expired
    assert rows["A.5.6"].status is Implementation.NOT_APPLICABLE
    assert not rows["A.5.6"].applicable
    assert rows["A.5.6"].justification.startswith("-no special interest groups")
    assert rows["A.5.7"].status is Implementation.NOT_ASSESSED
    assert rows["A.5.8"].status is Implementation.NOT_ASSESSED
    assert rows["A.5.9"].status is Implementation.PARTIAL
    assert rows["A.5.4"].status is Implementation.NOT_ASSESSED


def test_evidence_owner_and_review_come_from_the_attestation(bundle: Path) -> None:
    row = {r.id: r for r in _soa(bundle).rows}["A.5.24"]
    assert row.attestations == ("attestation.ir-plan",)
    assert [(f.path, f.sha256) for f in row.evidence_files] == [("ir/plan.pdf", EVIDENCE_SHA)]
    assert (row.owner, row.last_review) == ("CISO", "2026-03-01")
    mixed = {r.id: r for r in _soa(bundle).rows}["A.5.2"]
    assert mixed.controls == ("t.mixed",)
    assert dict(mixed.counts) == {Status.PASS: 1, Status.FAIL: 1}


def test_iso_lists_exactly_the_annex_a_controls(bundle: Path) -> None:
    soa = _soa(bundle)
    annex_a = [r.id for r in load_framework("iso27001-2022").requirements if r.id.startswith("A.")]
    assert [r.id for r in soa.rows] == annex_a
    assert len(annex_a) == 93
    assert soa.run.manifest_sha256 == manifest_digest(bundle) != ""


def test_bsi_c5_lists_every_criterion(bundle: Path) -> None:
    soa = _soa(bundle, "bsi-c5-2020")
    assert len(soa.rows) == len(load_framework("bsi-c5-2020").requirements)
    ops = {r.id: r for r in soa.rows}["OPS-01"]
    assert ops.status is Implementation.PARTIAL
