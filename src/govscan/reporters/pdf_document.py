"""The HTML that the PDF report prints: the page and its print styles, no I/O
beyond the packaged templates.

Kept apart from :mod:`govscan.reporters.pdf` so that building the page needs no
WeasyPrint: the page is what tests and reviewers read, the PDF is its print.
Every value from the scan goes through Jinja2's autoescape and never into a
style or URL attribute, so a resource named like markup prints as text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from govscan.datafile import load_data_yaml
from govscan.model import STATUS_TRIAGE, ScanResult, Severity, Status
from govscan.paths import content_dir
from govscan.reporters.pdf_soa import PdfFramework, soa_tables
from govscan.results.scoring import MANUAL, CatalogFramework, scan_frameworks
from govscan.results.soa_rows import AttestationRecord
from govscan.serialize import run_to_dict

FINDINGS_LIMIT = 500
"""Failing findings printed per severity; the rest are counted (results.json has all)."""

LANGS = ("en", "de")


def template_dir() -> Path:
    return content_dir("reports") / "pdf"


@cache
def labels(lang: str) -> Mapping[str, str]:
    """The HTML report's labels with the PDF's own on top, in ``lang`` (else English)."""
    lang = lang if lang in LANGS else "en"
    root = content_dir("reports") / "i18n"
    merged: dict[str, str] = {}
    for path in (root / f"{lang}.yaml", root / "pdf" / f"{lang}.yaml"):
        with path.open(encoding="utf-8") as fh:
            merged.update(load_data_yaml(fh))
    return merged


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def print_css(lang: str) -> str:
    """The packaged print styles plus the localised page footer."""
    t = labels(lang)
    base = (template_dir() / "print.css").read_text(encoding="utf-8")
    footer = (
        "@page { @bottom-right { content: "
        f'{_css_string(t["page"])} " " counter(page) " " {_css_string(t["of"])} '
        '" " counter(pages); font-size: 8pt; color: #57606a; } }\n'
    )
    return base + footer


def _css_string(text: str) -> str:
    """A CSS string literal; labels are ours, escaped anyway so none can end the rule."""
    return '"' + "".join(c if c.isalnum() or c in " .-" else f"\\{ord(c):x} " for c in text) + '"'


def page_html(
    scan: ScanResult,
    lang: str,
    catalogs: Mapping[str, PdfFramework],
    *,
    results_sha256: str,
    manifest_hash: str = "",
    attestations: Iterable[AttestationRecord] = (),
) -> str:
    """``attestations``: the bundle's records, for the Statement of Applicability's
    owner, review date and evidence files."""
    t = labels(lang)
    summary = scan.summary
    severity_counts: Counter[Severity] = Counter()
    for (status, severity), n in scan.results.counts().items():
        if status is Status.FAIL:
            severity_counts[severity] += n
    frameworks = _frameworks(scan, t, catalogs)
    context = {
        "lang": lang if lang in LANGS else "en",
        "t": t,
        "run": run_to_dict(scan.run),
        "results_sha256": results_sha256,
        "manifest_hash": manifest_hash,
        "status_counts": [(s.value, t[s.value], summary.get(s.value, 0)) for s in STATUS_TRIAGE],
        "severity_counts": [
            (t[s.value], severity_counts.get(s, 0)) for s in sorted(Severity, reverse=True)
        ],
        "frameworks": frameworks,
        "soa": soa_tables(
            scan, t, catalogs, {fw["key"] for fw in frameworks}, attestations, manifest_hash
        ),
        "failing": _failing(scan, t, severity_counts),
    }
    page: str = _environment().get_template("report.html.j2").render(context)
    return page


def _frameworks(
    scan: ScanResult, t: Mapping[str, str], catalogs: Mapping[str, CatalogFramework]
) -> list[dict[str, Any]]:
    # A catalog nothing in this run answers says nothing about it.
    out = []
    by_control = scan.results.counts_by_control()
    judged = {c for c, counts in by_control.items() if set(+counts) - {Status.NOT_APPLICABLE}}
    for fw in scan_frameworks(scan, catalogs, by_control):
        if not fw.covered:
            continue
        score_text = f"{round(100 * fw.ratio)} %" if fw.assessed else "—"
        if fw.attested:
            score_text += f" ({t['coverage_attested']} {fw.attested})"
        out.append(
            {
                "key": fw.key,
                "title": f"{fw.title} ({fw.key})",
                "score_text": score_text,
                "covered": fw.covered,
                "total": len(fw.requirements),
                "requirements": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "status": r.status,
                        "status_label": t.get(r.status, r.status),
                        "answered": r.status != MANUAL,
                        "controls": r.controls,
                        # Controls that judged nothing here would bury the ones that did.
                        "judged": [c for c in r.controls + r.attestations if c in judged],
                        "unjudged": sum(1 for c in r.controls if c not in judged),
                        "justification": r.justification,
                    }
                    for r in fw.requirements
                ],
                "manual": fw.gaps,
            }
        )
    return out


def _failing(
    scan: ScanResult, t: Mapping[str, str], totals: Mapping[Severity, int]
) -> list[dict[str, Any]]:
    """Failing results grouped by severity, most severe first, in triage order."""
    kept: dict[Severity, list[dict[str, str]]] = {}
    for r in scan.results.in_triage_order([Status.FAIL]):
        rows = kept.setdefault(r.severity, [])
        if len(rows) < FINDINGS_LIMIT:
            ref = r.resource
            rows.append(
                {
                    "control": r.control_id,
                    "name": ref.name or ref.id,
                    "id": ref.id,
                    "message": r.message,
                }
            )
    return [
        {
            "label": t[sev.value],
            "total": totals.get(sev, 0),
            "findings": kept[sev],
            "more": max(0, totals.get(sev, 0) - len(kept[sev])),
        }
        for sev in sorted(kept, reverse=True)
    ]
