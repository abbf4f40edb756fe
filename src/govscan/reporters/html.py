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
from typing import Any, ClassVar

import yaml

from govscan.model import Result, ScanResult, Severity, Status
from govscan.paths import content_dir
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.serialize import run_to_dict

DETAIL_LIMIT = 50
"""Affected resources listed per control in the detail section (all are in the table)."""

_STATUS_ORDER = ("fail", "error", "waived", "pass", "not_applicable")
_REQ_ORDER = {"fail": 0, "error": 1, "pass": 2, "not_assessed": 3, "manual": 4}


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
    if not path.is_file():
        path = content_dir("reports") / "i18n" / "en.yaml"
    with path.open(encoding="utf-8") as fh:
        loaded: Mapping[str, str] = yaml.safe_load(fh)
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


def _requirement_status(results: Iterable[Result]) -> str:
    statuses = {r.status for r in results}
    if not statuses:
        return "not_assessed"
    if Status.FAIL in statuses:
        return "fail"
    if Status.ERROR in statuses:
        return "error"
    if statuses <= {Status.NOT_APPLICABLE}:
        return "not_assessed"
    return "pass"


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


class HtmlReporter(Reporter):
    format: ClassVar[str] = "html"
    filename: ClassVar[str] = "report.html"

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        from govscan.catalog.frameworks import load_frameworks

        labels = _labels(options.lang)
        css, js = _assets()
        by_control: dict[str, list[Result]] = defaultdict(list)
        for r in scan.results:
            by_control[r.control_id].append(r)

        frameworks, scores = self._frameworks(scan, by_control, labels, load_frameworks())
        dsgvo = next((f for f in frameworks if f["key"] == "dsgvo"), None)
        dsgvo_rows = [
            req
            for g in (dsgvo["groups"] if dsgvo else [])
            for req in g["requirements"]
            if req["status"] in ("pass", "fail", "error")
            and req["id"].split("(")[0]
            in ("Art. 28", "Art. 30", "Art. 32", "Art. 44", "Art. 45", "Art. 46")
        ]
        severity_counts = Counter(r.severity for r in scan.results if r.status is Status.FAIL)
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
            "control_details": self._control_details(scan, by_control, labels),
            "errors": sorted(
                scan.errors,
                key=lambda e: (e.collector, e.account, e.region, e.operation, e.message),
            ),
            "error_results": sorted(
                (r for r in scan.results if r.status is Status.ERROR),
                key=lambda r: (r.control_id, r.resource.id),
            )[:200],
            "manifest_hash": options.manifest_hash,
            "data_json": _trusted(_json_for_script(self._data(scan, labels))),
        }
        html: str = _environment().get_template("report.html.j2").render(context)
        return html.encode("utf-8")

    @staticmethod
    def _frameworks(
        scan: ScanResult,
        by_control: Mapping[str, list[Result]],
        labels: Mapping[str, str],
        catalogs: Mapping[str, Any],
    ) -> tuple[list[dict[str, Any]], list[tuple[str, float, str]]]:
        controls_for: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c in scan.controls:
            for key, ids in c.frameworks.items():
                for rid in ids:
                    controls_for[(key, rid)].append(c.id)
        out = []
        scores = []
        for key, fw in catalogs.items():
            groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
            counts: Counter[str] = Counter()
            for req in fw.requirements:
                cids = sorted(controls_for.get((key, req.id), []))
                if cids:
                    status = _requirement_status(r for c in cids for r in by_control.get(c, ()))
                else:
                    status = "manual"
                counts[status] += 1
                label = (
                    labels["manual"]
                    if status == "manual"
                    else (labels["not_assessed"] if status == "not_assessed" else labels[status])
                )
                groups[req.group or fw.title].append(
                    {
                        "id": req.id,
                        "title": req.title,
                        "status": status,
                        "status_label": label,
                        "controls": cids,
                        "counts": _counts(by_control, cids, labels),
                    }
                )
            assessed = counts["pass"] + counts["fail"] + counts["error"]
            score = counts["pass"] / assessed if assessed else 0.0
            score_text = f"{round(100 * score)} %" if assessed else "—"
            scores.append((key, score, f"{score_text} ({counts['pass']}/{assessed})"))
            out.append(
                {
                    "key": key,
                    "title": f"{fw.title} ({key})",
                    "score_text": score_text,
                    "covered": sum(v for k, v in counts.items() if k != "manual"),
                    "total": len(fw.requirements),
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
        scan: ScanResult, by_control: Mapping[str, list[Result]], labels: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        out = []
        for c in sorted(scan.controls, key=lambda c: (-c.severity.rank, c.id)):
            results = by_control.get(c.id, [])
            affected = sorted(
                (r for r in results if r.status in (Status.FAIL, Status.ERROR, Status.WAIVED)),
                key=lambda r: (r.status.value, r.resource.id, r.message),
            )
            status = _requirement_status(results)
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
                    "counts": _counts(by_control, [c.id], labels),
                    "affected": [
                        {
                            "name": r.resource.name or r.resource.id,
                            "id": r.resource.id,
                            "status": labels.get(r.status.value, r.status.value),
                            "message": r.message,
                        }
                        for r in affected[:DETAIL_LIMIT]
                    ],
                    "more": max(0, len(affected) - DETAIL_LIMIT),
                }
            )
        return out

    @staticmethod
    def _data(scan: ScanResult, labels: Mapping[str, str]) -> dict[str, Any]:
        rows = []
        facets: dict[str, set[str]] = defaultdict(set)
        for r in scan.results:
            fws = sorted(r.frameworks)
            row: dict[str, Any] = {
                "status": r.status.value,
                "severity": r.severity.value,
                "control": r.control_id,
                "id": r.resource.id,
                "name": r.resource.name or r.resource.id,
                "provider": r.resource.provider,
                "account": r.resource.account,
                "region": r.resource.region,
                "message": r.message,
                "frameworks": fws,
            }
            rows.append(row)
            for f in ("status", "severity", "provider", "account", "region"):
                if row[f]:
                    facets[f].add(row[f])
            facets["framework"].update(fws)
        order = {s: i for i, s in enumerate(_STATUS_ORDER)}
        rows.sort(
            key=lambda x: (order[x["status"]], -Severity(x["severity"]).rank, x["control"], x["id"])
        )
        facet_lists = {k: sorted(v) for k, v in facets.items()}
        for f in ("status", "severity", "provider", "account", "region", "framework"):
            facet_lists.setdefault(f, [])
        return {"rows": rows, "facets": facet_lists, "labels": dict(labels)}


def _counts(
    by_control: Mapping[str, list[Result]], cids: Iterable[str], labels: Mapping[str, str]
) -> str:
    c: Counter[str] = Counter(r.status.value for cid in cids for r in by_control.get(cid, ()))
    return ", ".join(f"{c[s]} {labels[s]}" for s in _STATUS_ORDER if c[s])
