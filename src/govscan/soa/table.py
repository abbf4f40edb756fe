"""The SoA as a table of plain text cells, in English or German: what every
format writes, so the formats cannot disagree on a cell."""

from __future__ import annotations

from collections.abc import Sequence

from govscan.results.soa import Implementation
from govscan.soa.build import Soa, SoaRow

HEADINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "Requirement",
        "Title",
        "Applicable",
        "Justification",
        "Implementation status",
        "Results",
        "Controls",
        "Attestations",
        "Evidence files (SHA-256)",
        "Owner",
        "Last review",
    ),
    "de": (
        "Anforderung",
        "Titel",
        "Anwendbar",
        "Begründung",
        "Umsetzungsstatus",
        "Ergebnisse",
        "Kontrollen",
        "Attestierungen",
        "Nachweisdateien (SHA-256)",
        "Verantwortlich",
        "Letzte Überprüfung",
    ),
}

STATUS_LABELS: dict[str, dict[Implementation, str]] = {
    "en": {
        Implementation.IMPLEMENTED: "implemented",
        Implementation.PARTIAL: "partially implemented",
        Implementation.NOT_IMPLEMENTED: "not implemented",
        Implementation.NOT_ASSESSED: "not assessed",
        Implementation.NOT_APPLICABLE: "not applicable",
    },
    "de": {
        Implementation.IMPLEMENTED: "umgesetzt",
        Implementation.PARTIAL: "teilweise umgesetzt",
        Implementation.NOT_IMPLEMENTED: "nicht umgesetzt",
        Implementation.NOT_ASSESSED: "nicht bewertet",
        Implementation.NOT_APPLICABLE: "nicht anwendbar",
    },
}

_YES_NO = {"en": ("yes", "no"), "de": ("ja", "nein")}

META: dict[str, tuple[str, ...]] = {
    "en": (
        "Framework",
        "Run id",
        "Date",
        "Policy",
        "govscan version",
        "manifest.json SHA-256",
        "Implementation status",
    ),
    "de": (
        "Rahmenwerk",
        "Lauf-ID",
        "Datum",
        "Richtlinie",
        "govscan-Version",
        "SHA-256 von manifest.json",
        "Umsetzungsstatus",
    ),
}

TITLE = {"en": "Statement of Applicability", "de": "Erklärung zur Anwendbarkeit"}


def row_cells(row: SoaRow, lang: str) -> tuple[str, ...]:
    yes, no = _YES_NO[lang]
    return (
        row.id,
        row.title,
        yes if row.applicable else no,
        row.justification,
        STATUS_LABELS[lang][row.status],
        ", ".join(f"{s.value} {n}" for s, n in row.counts),
        ", ".join(row.controls),
        ", ".join(row.attestations),
        "; ".join(f"{f.path} ({f.sha256 or '?'})" for f in row.evidence_files),
        row.owner,
        row.last_review,
    )


def rows(soa: Soa, lang: str) -> list[tuple[str, ...]]:
    return [row_cells(r, lang) for r in soa.rows]


def metadata(soa: Soa, lang: str) -> list[tuple[str, str]]:
    """Label and value pairs describing the run, the last one a status summary."""
    labels = META[lang]
    summary = (
        ", ".join(f"{STATUS_LABELS[lang][s]} {soa.count(s)}" for s in Implementation)
        + f" ({len(soa.rows)})"
    )
    run = soa.run
    values: Sequence[str] = (
        f"{soa.framework_title} ({soa.framework})",
        run.run_id,
        run.date,
        run.policy,
        run.govscan_version,
        run.manifest_sha256 or "—",
        summary,
    )
    return list(zip(labels, values, strict=True))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates: a leading apostrophe
    before what would start a formula.  Names and messages in a bundle come from
    hostile input."""
    return "'" + text if text.startswith(_FORMULA_START) else text
