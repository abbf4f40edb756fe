"""The rows of a Statement of Applicability, built from a finished scan.

The one row builder: ``govscan soa`` writes these rows as XLSX, CSV, Markdown
and HTML, and the PDF report prints the same rows, so no view can disagree on
a requirement.  The rows are the framework's requirements in the catalog's
order (for ISO/IEC 27001:2022 its Annex A controls only: the clauses are
mandatory, never subject to applicability); their status comes from
:func:`govscan.results.soa.implementation_status`.  Pure: no I/O, the
attestation records are handed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from govscan.model import STATUS_TRIAGE, ScanResult, Status, is_attestation
from govscan.results.coverage import declared_not_applicable
from govscan.results.soa import Implementation, implementation_status

ANNEX_A_ONLY = frozenset({"iso27001-2022"})
"""Frameworks whose SoA lists only the requirements that are ``A.``-prefixed controls."""


class SoaRequirement(Protocol):
    """What the SoA reads of a catalog requirement."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str: ...


class SoaFramework(Protocol):
    """What the SoA reads of a framework catalog."""

    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def requirements(self) -> Sequence[SoaRequirement]: ...


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    path: str
    sha256: str
    """As attested; empty when it is not a SHA-256."""


@dataclass(frozen=True, slots=True)
class AttestationRecord:
    """What the SoA shows of one attestation, as the bundle's attestations.json has it."""

    id: str
    control_id: str
    owner: str
    reviewed: str
    valid_until: str
    status: str
    requirements: Mapping[str, tuple[str, ...]]
    files: tuple[EvidenceRef, ...]
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SoaRow:
    id: str
    title: str
    applicable: bool
    justification: str
    status: Implementation
    counts: tuple[tuple[Status, int], ...]
    """Results of the automated controls per status, in triage order, zeros left out."""
    controls: tuple[str, ...]
    """Automated controls that produced a result for it, sorted."""
    attestations: tuple[str, ...]
    """Attestation control ids (``attestation.<id>``) answering it, sorted."""
    evidence_files: tuple[EvidenceRef, ...]
    owner: str
    last_review: str


@dataclass(frozen=True, slots=True)
class SoaRun:
    run_id: str
    date: str
    policy: str
    govscan_version: str
    manifest_sha256: str
    """Of the bundle's manifest.json (which covers every file); empty without one."""


@dataclass(frozen=True, slots=True)
class Soa:
    framework: str
    framework_title: str
    run: SoaRun
    rows: tuple[SoaRow, ...]

    def count(self, status: Implementation) -> int:
        return sum(1 for r in self.rows if r.status is status)


def build_soa(
    scan: ScanResult,
    framework: SoaFramework,
    attestations: Mapping[str, AttestationRecord],
    manifest_sha256: str,
) -> Soa:
    """``attestations``: control id (``attestation.<id>``) -> its record."""
    key = framework.key
    counts: dict[str, Counter[Status]] = {}
    mapped: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for r in scan.results:
        counts.setdefault(r.control_id, Counter())[r.status] += 1
        mapped.setdefault(r.control_id, r.frameworks)
    automated: dict[str, dict[str, Counter[Status]]] = {}
    attested: dict[str, dict[str, Counter[Status]]] = {}
    for control_id, per_status in counts.items():
        target = attested if is_attestation(control_id) else automated
        for rid in mapped[control_id].get(key, ()):
            target.setdefault(rid, {})[control_id] = per_status
    declared = declared_not_applicable(getattr(scan.run, "not_applicable", None), key)
    rows = []
    for req in framework.requirements:
        if key in ANNEX_A_ONLY and not req.id.startswith("A."):
            continue
        auto = automated.get(req.id, {})
        att = attested.get(req.id, {})
        total: Counter[Status] = Counter()
        for c in auto.values():
            total.update(c)
        att_total: Counter[Status] = Counter()
        for c in att.values():
            att_total.update(c)
        na = req.id in declared
        records = [attestations[a] for a in sorted(att) if a in attestations]
        rows.append(
            SoaRow(
                id=req.id,
                title=req.title_en or req.title,
                applicable=not na,
                justification=declared.get(req.id, ""),
                status=implementation_status(total.elements(), att_total.elements(), na),
                counts=tuple((s, total[s]) for s in STATUS_TRIAGE if total[s]),
                controls=tuple(sorted(auto)),
                attestations=tuple(sorted(att)),
                evidence_files=tuple(f for r in records for f in r.files),
                owner="; ".join(dict.fromkeys(r.owner for r in records if r.owner)),
                last_review=max((r.reviewed for r in records), default=""),
            )
        )
    run = scan.run
    return Soa(
        key,
        framework.title,
        SoaRun(
            run.id,
            run.started_at.isoformat(),
            run.policy,
            run.govscan_version,
            manifest_sha256,
        ),
        tuple(rows),
    )
