"""The PDF report's Statement of Applicability: the rows ``govscan soa`` writes,
built by the same :func:`govscan.results.soa_rows.build_soa`, as cells for the
page.

Only ISO/IEC 27001:2022 (its Annex A) and BSI C5:2020 have a Statement of
Applicability in an audit; other frameworks keep their requirement status in
the per-framework sections.  Pure: the attestation records come with the
report options, read from the bundle by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from govscan.model import ScanResult, Status
from govscan.results.scoring import CatalogFramework, CatalogRequirement
from govscan.results.soa import Implementation
from govscan.results.soa_rows import (
    AttestationRecord,
    SoaFramework,
    SoaRequirement,
    SoaRow,
    build_soa,
)

SOA_FRAMEWORKS = ("iso27001-2022", "bsi-c5-2020")
"""The frameworks whose Statement of Applicability the PDF carries, in this order."""


class PdfRequirement(CatalogRequirement, SoaRequirement, Protocol):
    """What the PDF reads of a catalog requirement: for scoring and for the SoA."""


class PdfFramework(CatalogFramework, SoaFramework, Protocol):
    """What the PDF reads of a framework catalog: for scoring and for the SoA."""

    @property
    def requirements(self) -> Sequence[PdfRequirement]: ...


def status_label(t: Mapping[str, str], status: Implementation) -> str:
    return t[f"soa_{status.value}"]


def soa_tables(
    scan: ScanResult,
    t: Mapping[str, str],
    catalogs: Mapping[str, SoaFramework],
    covered: Collection[str],
    attestations: Iterable[AttestationRecord],
    manifest_sha256: str = "",
) -> list[dict[str, Any]]:
    """One table per framework of :data:`SOA_FRAMEWORKS` the run covers
    (``covered``: the keys of the frameworks the report shows)."""
    records = {a.control_id: a for a in attestations}
    # Controls that only found no resource of their type would bury the ones that
    # judged something: they are counted, as in the per-framework sections.
    judged = {
        c
        for c, counts in scan.results.counts_by_control().items()
        if set(+counts) - {Status.NOT_APPLICABLE}
    }
    tables = []
    for key in SOA_FRAMEWORKS:
        if key not in covered or key not in catalogs:
            continue
        soa = build_soa(scan, catalogs[key], records, manifest_sha256)
        summary = " · ".join(f"{status_label(t, s)} {soa.count(s)}" for s in Implementation)
        tables.append(
            {
                "title": f"{soa.framework_title} ({key})",
                "summary": f"{summary} ({len(soa.rows)})",
                "rows": [_row(r, t, judged) for r in soa.rows],
            }
        )
    return tables


def _row(row: SoaRow, t: Mapping[str, str], judged: Collection[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "applicable": t["soa_yes"] if row.applicable else t["soa_no"],
        "justification": row.justification,
        "status": row.status.value,
        "status_label": status_label(t, row.status),
        "counts": ", ".join(f"{t.get(s.value, s.value)} {n}" for s, n in row.counts),
        "controls": [c for c in row.controls if c in judged],
        "unjudged": sum(1 for c in row.controls if c not in judged),
        "attestations": row.attestations,
        "files": [f"{f.path} ({f.sha256 or '?'})" for f in row.evidence_files],
        "owner": row.owner,
        "last_review": row.last_review,
    }
