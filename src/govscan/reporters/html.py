"""The HTML report: one self-contained file for auditors and engineers.

Inline CSS, JS and SVG only (no CDN, works offline), Jinja2 with autoescape,
and a Content-Security-Policy whose hashes cover exactly the inline style and
script, so nothing else can run.  Findings travel as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and the table is built with ``textContent``: a resource named
``<img src=x onerror=alert(1)>`` shows as text.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import IO, Any, ClassVar

from govscan.datafile import load_data_yaml
from govscan.model import STATUS_TRIAGE, Result, ScanResult, Severity, Status, is_attestation
from govscan.paths import content_dir
from govscan.reporters.html_trend import trend_context
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.results.coverage import (
    COVERAGE_ORDER,
    FrameworkCoverage,
    declared_not_applicable,
    framework_coverage,
)
from govscan.results.scoring import CatalogFramework, combined, score, score_frameworks
from govscan.serialize import run_to_dict

DETAIL_LIMIT = 50
"""Affected resources listed per control in the detail section (all are in the table)."""

_STATUS_ORDER = tuple(s.value for s in STATUS_TRIAGE)
_REQ_STATUSES = ("fail", "error", "pass", "not_assessed", "not_applicable", "manual")
_REQ_ORDER = {s: i for i, s in enumerate(_REQ_STATUSES)}


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _json_for_script(doc: Any) -> str:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def _assets() -> tuple[str, str]:
    root = content_dir("reports") / "html"
    return (root / "report.css").read_text(encoding="utf-8"), (root / "report.js").read_text(
        encoding="utf-8"
    )


@cache
def _labels(lang: str) -> Mapping[str, str]:
    path = content_dir("reports") / "i18n" / f"{lang}.yaml"
    # ``lang`` may come from govscan.yaml: it must not lead out of the labels folder.
    if not lang.isalnum() or not path.is_file():
        path = content_dir("reports") / "i18n" / "en.yaml"
    with path.open(encoding="utf-8") as fh:
        loaded: Mapping[str, str] = load_data_yaml(fh)
    return loaded


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(content_dir("reports") / "html")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _bar_chart(rows: Sequence[tuple[str, float, str]], width: int = 420) -> str:
    """Horizontal bars as inline SVG: (label, fraction 0..1, text)."""
    height = 22 * len(rows) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 260}" height="{height}" '
        'role="img">'
    ]
    for i, (label, frac, text) in enumerate(rows):
        y = 4 + 22 * i
        w = max(0.0, min(1.0, frac)) * width
        parts.append(f'<text x="0" y="{y + 14}">{_esc(label)}</text>')
        parts.append(f'<rect x="170" y="{y}" width="{width}" height="16" fill="#eaeef2"/>')
        parts.append(f'<rect x="170" y="{y}" width="{w:.1f}" height="16" fill="#1a7f37"/>')
        parts.append(f'<text x="{180 + width}" y="{y + 14}">{_esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _status_chart(summary: Mapping[str, int], labels: Mapping[str, str]) -> str:
    total = sum(summary.values()) or 1
    colors = {
        "pass": "#1a7f37",
        "fail": "#cf222e",
        "error": "#9a6700",
        "not_applicable": "#6e7781",
        "waived": "#8250df",
    }
    x = 0.0
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="620" height="28" role="img">']
    for status in _STATUS_ORDER:
        w = 600 * summary.get(status, 0) / total
        if w:
            parts.append(
                f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="20" '
                f'fill="{colors[status]}"><title>{_esc(labels.get(status, status))}: '
                f"{summary.get(status, 0)}</title></rect>"
            )
        x += w
    parts.append("</svg>")
    return "".join(parts)


def _trusted(text: str) -> Any:
    """Mark text as safe HTML. Only for the packaged CSS/JS, SVG built here with every
    label escaped, and JSON whose <, > and & are escaped: never for scan data as is."""
    from markupsafe import Markup

    return Markup(text)  # noqa: S704 - see the docstring


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_DATA_MARK = "\x00govscan-data\x00"
"""Stands in for the findings JSON while the page around it is rendered."""


class _Digest:
    """What the detail sections need from all results, gathered in one pass."""

    def __init__(self, scan: ScanResult) -> None:
        self.statuses = scan.results.counts_by_control()
        # Affected results per control and status, first DETAIL_LIMIT of each in
        # canonical order: enough to list the first DETAIL_LIMIT by status.
        self.affected: dict[str, dict[Status, list[Result]]] = defaultdict(dict)
        self.error_results: list[Result] = []
        # What each attestation answers: attestations reach a report as results only.
        self.attested: dict[str, Mapping[str, tuple[str, ...]]] = {}
        facets: dict[str, set[str]] = defaultdict(set)
        for r in scan.results:
            ref = r.resource
            for name, value in (
                ("status", r.status.value),
                ("severity", r.severity.value),
                ("provider", ref.provider),
                ("account", ref.account),
                ("region", ref.region),
            ):
                if value:
                    facets[name].add(value)
            facets["framework"].update(r.frameworks)
            if is_attestation(r.control_id):
                self.attested.setdefault(r.control_id, r.frameworks)
            if r.status in _AFFECTED:
                kept = self.affected[r.control_id].setdefault(r.status, [])
                if len(kept) < DETAIL_LIMIT:
                    kept.append(r)
                if r.status is Status.ERROR and len(self.error_results) < ERROR_LIMIT:
                    self.error_results.append(r)
        self.facets = {k: sorted(v) for k, v in facets.items()}
        for f in ("status", "severity", "provider", "account", "region", "framework"):
            self.facets.setdefault(f, [])

    def status_of(self, control_ids: Iterable[str]) -> str:
        return score(combined(self.statuses, control_ids)).status

    def counts(self, control_ids: Iterable[str], labels: Mapping[str, str]) -> str:
        return _count_text(combined(self.statuses, control_ids), labels)


def _count_text(counts: Mapping[Status, int], labels: Mapping[str, str]) -> str:
    return ", ".join(f"{counts[s]} {labels[s.value]}" for s in STATUS_TRIAGE if counts.get(s))


def _coverage_text(cov: FrameworkCoverage, labels: Mapping[str, str]) -> str:
    """``automated N, attested N, not applicable N, gap N of M`` in the report's language."""
    parts = ", ".join(f"{labels['coverage_' + s.value]} {cov.count(s)}" for s in COVERAGE_ORDER)
    return f"{parts} {labels['of']} {len(cov.requirements)}"


_AFFECTED = (Status.ERROR, Status.FAIL, Status.WAIVED)
"""Statuses listed per control, in the order of their values (the detail sort)."""

ERROR_LIMIT = 200
"""Results that could not be judged, listed in the errors section."""


class HtmlReporter(Reporter):
    format: ClassVar[str] = "html"
    filename: ClassVar[str] = "report.html"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        """The page around the findings, then the findings streamed in triage order."""
        from govscan.catalog.frameworks import load_frameworks

        labels = _labels(options.lang)
        css, js = _assets()
        digest = _Digest(scan)
        frameworks, scores = self._frameworks(scan, digest, labels, load_frameworks())
        dsgvo = next((f for f in frameworks if f["key"] == "dsgvo"), None)
        dsgvo_rows = [
            req
            for g in (dsgvo["groups"] if dsgvo else [])
            for req in g["requirements"]
            if req["status"] in ("pass", "fail", "error")
            and req["id"].split("(")[0]
            in ("Art. 28", "Art. 30", "Art. 32", "Art. 44", "Art. 45", "Art. 46")
        ]
        severity_counts: Counter[Severity] = Counter()
        for (status, severity), n in scan.results.counts().items():
            if status is Status.FAIL:
                severity_counts[severity] += n
        context = {
            "lang": options.lang if options.lang in ("en", "de") else "en",
            "t": labels,
            "css": _trusted(css),
            "js": _trusted(js),
            "style_hash": _csp_hash(css),
            "script_hash": _csp_hash(js),
            "run": run_to_dict(scan.run),
            "summary": scan.summary,
            "status_chart": _trusted(_status_chart(scan.summary, labels)),
            "severity_counts": [
                (s.value, severity_counts.get(s, 0)) for s in sorted(Severity, reverse=True)
            ],
            "score_chart": _trusted(_bar_chart(scores)),
            "frameworks": frameworks,
            "dsgvo": dsgvo_rows,
            "control_details": self._control_details(scan, digest, labels),
            "errors": sorted(
                scan.errors,
                key=lambda e: (e.collector, e.account, e.region, e.operation, e.message),
            ),
            "error_results": digest.error_results,
            "manifest_hash": options.manifest_hash,
            "data_json": _trusted(_DATA_MARK),
            "trend": trend_context(options.trend, options.lang) if options.trend else None,
        }
        page: str = _environment().get_template("report.html.j2").render(context)
        head, tail = page.split(_DATA_MARK)
        fp.write(head.encode("utf-8"))
        self._write_data(scan, digest, labels, fp)
        fp.write(tail.encode("utf-8"))

    @staticmethod
    def _write_data(
        scan: ScanResult, digest: _Digest, labels: Mapping[str, str], fp: IO[bytes]
    ) -> None:
        """The findings as script-safe JSON: ``{"facets": ..., "labels": ..., "rows": [...]}``
        with sorted keys, rows in triage order, written in pieces."""
        fp.write(
            (
                '{"facets":'
                + _json_for_script(digest.facets)
                + ',"labels":'
                + _json_for_script(dict(labels))
                + ',"rows":['
            ).encode("utf-8")
        )
        buf: list[str] = []
        for i, r in enumerate(scan.results.in_triage_order()):
            ref = r.resource
            row = {
                "status": r.status.value,
                "severity": r.severity.value,
                "control": r.control_id,
                "id": ref.id,
                "name": ref.name or ref.id,
                "provider": ref.provider,
                "account": ref.account,
                "region": ref.region,
                "message": r.message,
                "frameworks": sorted(r.frameworks),
            }
            buf.append(("," if i else "") + _json_for_script(row))
            if len(buf) >= 1000:
                fp.write("".join(buf).encode("utf-8"))
                buf.clear()
        buf.append("]}")
        fp.write("".join(buf).encode("utf-8"))

    @staticmethod
    def _frameworks(
        scan: ScanResult,
        digest: _Digest,
        labels: Mapping[str, str],
        catalogs: Mapping[str, CatalogFramework],
    ) -> tuple[list[dict[str, Any]], list[tuple[str, float, str]]]:
        out = []
        scores = []
        mappings = [(c.id, c.frameworks) for c in scan.controls] + list(digest.attested.items())
        declared = getattr(scan.run, "not_applicable", None)
        for fw in score_frameworks(
            scan.controls,
            digest.statuses,
            catalogs,
            attested=digest.attested,
            not_applicable=declared,
        ):
            cov = framework_coverage(
                fw.key, catalogs[fw.key], mappings, declared_not_applicable(declared, fw.key)
            )
            state = {r.id: r.state.value for r in cov.requirements}
            groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for req in fw.requirements:
                groups[req.group or fw.title].append(
                    {
                        "id": req.id,
                        "title": req.title,
                        "status": req.status,
                        "status_label": labels[req.status],
                        "controls": list(req.controls),
                        "counts": _count_text(req.counts, labels),
                        "coverage": state[req.id],
                        "coverage_label": labels["coverage_" + state[req.id]],
                    }
                )
            score_text = f"{round(100 * fw.ratio)} %" if fw.assessed else "—"
            # Attested requirements count in the score and are named apart from it.
            attested = f", {labels['coverage_attested']} {fw.attested}" if fw.attested else ""
            scores.append((fw.key, fw.ratio, f"{score_text} ({fw.passed}/{fw.assessed}{attested})"))
            out.append(
                {
                    "key": fw.key,
                    "title": f"{fw.title} ({fw.key})",
                    "score_text": score_text,
                    "covered": fw.covered,
                    "total": len(fw.requirements),
                    "coverage": _coverage_text(cov, labels),
                    "groups": [
                        {
                            "name": name,
                            "requirements": reqs,
                            "summary": ", ".join(
                                f"{n} {labels.get(s, labels['manual'] if s == 'manual' else s)}"
                                for s, n in sorted(
                                    Counter(r["status"] for r in reqs).items(),
                                    key=lambda kv: _REQ_ORDER[kv[0]],
                                )
                            ),
                        }
                        for name, reqs in groups.items()
                    ],
                }
            )
        return out, scores

    @staticmethod
    def _control_details(
        scan: ScanResult, digest: _Digest, labels: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        out = []
        for c in sorted(scan.controls, key=lambda c: (-c.severity.rank, c.id)):
            kept = digest.affected.get(c.id, {})
            affected = [r for s in _AFFECTED for r in kept.get(s, ())][:DETAIL_LIMIT]
            statuses = digest.statuses.get(c.id, Counter())
            total_affected = sum(statuses[s] for s in _AFFECTED)
            status = digest.status_of([c.id])
            out.append(
                {
                    "id": c.id,
                    "title": c.title,
                    "severity": c.severity.value,
                    "status": status,
                    "status_label": labels.get(status, labels["not_assessed"]),
                    "description": c.description,
                    "remediation": c.remediation,
                    "frameworks": sorted((k, list(v)) for k, v in c.frameworks.items()),
                    "counts": digest.counts([c.id], labels),
                    "affected": [
                        {
                            "name": r.resource.name or r.resource.id,
                            "id": r.resource.id,
                            "status": labels.get(r.status.value, r.status.value),
                            "message": r.message,
                        }
                        for r in affected
                    ],
                    "more": max(0, total_affected - DETAIL_LIMIT),
                }
            )
        return out
