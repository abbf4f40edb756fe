"""A Markdown summary for pull-request comments and CI job summaries.

Text from scanned systems is escaped so that it renders as text: no raw HTML,
no Markdown emphasis or links, no table breaks and no ``@mention`` pings.
Tables are capped so the summary stays well below the 65,536 characters a
GitHub comment may hold; the full list is in the other reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import ClassVar

from govscan.model import Result, ScanResult, Status
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.markdown_frameworks import framework_lines
from govscan.results.baseline import known_counts, view_of

MAX_ROWS = 50
"""Rows per table before the rest is summarised in one line."""

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "govscan: policy",
        "verdict_fail": "**{n} failing check(s)**",
        "verdict_ok": "**No failing checks**",
        "verdict_incomplete": "**Assessment incomplete**: data could not be collected",
        "status": "Status",
        "count": "Count",
        "run": "Run",
        "started": "started",
        "duration": "duration",
        "targets": "Targets",
        "failures": "Failures",
        "errors": "Not evaluated",
        "collection": "Collection errors",
        "waived": "Waived",
        "severity": "Severity",
        "control": "Control",
        "resource": "Resource",
        "message": "Message",
        "owner": "Owner",
        "reason": "Reason",
        "expires": "Expires",
        "collector": "Collector",
        "scope": "Scope",
        "more": "… and {n} more (see results.csv or report.html)",
        "never": "never",
        "pass": "pass",
        "fail": "fail",
        "error": "error",
        "not_applicable": "not applicable",
        "waived_status": "waived",
        "new": "new",
        "known": "known, in the baseline",
        "baseline": "Baseline {source}: {known} known finding(s) accepted, {new} new",
    },
    "de": {
        "title": "govscan: Richtlinie",
        "verdict_fail": "**{n} fehlgeschlagene Prüfung(en)**",
        "verdict_ok": "**Keine fehlgeschlagenen Prüfungen**",
        "verdict_incomplete": "**Prüfung unvollständig**: Daten konnten nicht erhoben werden",
        "status": "Status",
        "count": "Anzahl",
        "run": "Lauf",
        "started": "gestartet",
        "duration": "Dauer",
        "targets": "Ziele",
        "failures": "Fehlgeschlagen",
        "errors": "Nicht bewertet",
        "collection": "Erhebungsfehler",
        "waived": "Ausgenommen",
        "severity": "Schweregrad",
        "control": "Kontrolle",
        "resource": "Ressource",
        "message": "Meldung",
        "owner": "Verantwortlich",
        "reason": "Begründung",
        "expires": "Gültig bis",
        "collector": "Collector",
        "scope": "Bereich",
        "more": "… und {n} weitere (siehe results.csv oder report.html)",
        "never": "unbefristet",
        "pass": "bestanden",
        "fail": "fehlgeschlagen",
        "error": "Fehler",
        "not_applicable": "nicht anwendbar",
        "waived_status": "ausgenommen",
        "new": "neu",
        "known": "bekannt, in der Baseline",
        "baseline": "Baseline {source}: {known} bekannte(r) Befund(e) akzeptiert, {new} neu",
    },
}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]~#|!{}])")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _flat(text: str) -> str:
    return " ".join(_CONTROL.sub("\ufffd", text).split())


def escape(text: str) -> str:
    """Inline-safe text for a Markdown table cell."""
    text = _flat(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "&#64;")


def code(text: str) -> str:
    """A code span that cannot be broken out of (backticks become a longer fence)."""
    text = _flat(text).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _resource(r: Result) -> str:
    ref = r.resource
    if ref.location is not None:
        return code(f"{ref.location.path}:{ref.location.line}") + (
            f" {escape(ref.name)}" if ref.name else ""
        )
    return code(ref.id) + (f" ({escape(ref.name)})" if ref.name and ref.name != ref.id else "")


def _table(
    header: Sequence[str],
    rows: Iterable[Result],
    total: int,
    cells: Callable[[Result], Sequence[str]],
    more: str,
) -> list[str]:
    """The first MAX_ROWS of ``rows`` (``total`` of them in all) as a table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cells(r)) + " |" for r in islice(rows, MAX_ROWS)]
    if total > MAX_ROWS:
        out += ["", more.format(n=total - MAX_ROWS)]
    return out


class MarkdownReporter(Reporter):
    format: ClassVar[str] = "md"
    filename: ClassVar[str] = "summary.md"

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        t = _LABELS.get(options.lang, _LABELS["en"])
        run = scan.run
        summary = scan.summary
        n_fail, n_error = summary[Status.FAIL.value], summary[Status.ERROR.value]
        n_waived = summary[Status.WAIVED.value]

        view = view_of(scan)
        known = known_counts(scan, view)

        def rows(status: Status, is_known: bool | None = None) -> Iterator[Result]:
            # Most severe first; only the rows shown are ever read.
            chosen = scan.results.in_triage_order([status])
            if view is None or is_known is None:
                return chosen
            return (r for r in chosen if view.known(r) is is_known)

        def parts(status: Status, title: str, n: int) -> list[tuple[str, bool | None, int]]:
            """One table, or with a baseline the new and the known findings apart."""
            if view is None:
                return [(f"{title} ({n})", None, n)] if n else []
            k = known[status]
            split = [(f"{title}, {t['new']} ({n - k})", False, n - k)]
            return [p for p in (*split, (f"{title}, {t['known']} ({k})", True, k)) if p[2]]

        out = [f"## {t['title']} {escape(run.policy)}", ""]
        if scan.errors or n_error - known[Status.ERROR]:
            out += [t["verdict_incomplete"], ""]
        if view is not None:
            n_known = known[Status.FAIL] + known[Status.ERROR]
            source, new = escape(view.use.source), n_fail + n_error - n_known
            out += [t["baseline"].format(source=source, known=n_known, new=new), ""]
            for note in view.use.notes:
                out += [f"> {escape(note)}", ""]
        if n_fail - known[Status.FAIL]:
            out.append(t["verdict_fail"].format(n=n_fail - known[Status.FAIL]))
        elif not (scan.errors or n_error - known[Status.ERROR]):
            out.append(t["verdict_ok"])
        out.append("")
        status_label = {
            Status.PASS: t["pass"],
            Status.FAIL: t["fail"],
            Status.ERROR: t["error"],
            Status.NOT_APPLICABLE: t["not_applicable"],
            Status.WAIVED: t["waived_status"],
        }
        out += [f"| {t['status']} | {t['count']} |", "|---|---:|"]
        out += [f"| {status_label[s]} | {summary[s.value]} |" for s in Status]
        out.append("")
        duration = (run.finished_at - run.started_at).total_seconds()
        started = run.started_at.isoformat().replace("+00:00", "Z")
        out.append(
            f"{t['run']} {code(run.id)}, {t['started']} {started}, "
            f"{t['duration']} {duration:.1f} s, govscan {escape(run.govscan_version)}"
        )
        if run.targets:
            targets = ", ".join(
                f"{escape(x.collector)} {code(x.identity)}"
                for x in sorted(run.targets, key=lambda x: (x.collector, x.identity))
            )
            out.append(f"{t['targets']}: {targets}")
        out.append("")
        out += framework_lines(scan, options.lang)

        for title, is_known, n in parts(Status.FAIL, t["failures"], n_fail):
            out += [f"### {title}", ""]
            out += _table(
                [t["severity"], t["control"], t["resource"], t["message"]],
                rows(Status.FAIL, is_known),
                n,
                lambda r: [
                    r.severity.value,
                    code(r.control_id),
                    _resource(r),
                    escape(r.message or r.title),
                ],
                t["more"],
            )
            out.append("")
        for title, is_known, n in parts(Status.ERROR, t["errors"], n_error):
            out += [f"### {title}", ""]
            out += _table(
                [t["control"], t["resource"], t["message"]],
                rows(Status.ERROR, is_known),
                n,
                lambda r: [code(r.control_id), _resource(r), escape(r.message or r.title)],
                t["more"],
            )
            out.append("")
        if scan.errors:
            errors = sorted(
                scan.errors, key=lambda e: (e.collector, e.account, e.region, e.operation)
            )
            out += [f"### {t['collection']} ({len(errors)})", ""]
            out += [f"| {t['collector']} | {t['scope']} | {t['message']} |", "|---|---|---|"]
            for e in errors[:MAX_ROWS]:
                scope = " ".join(x for x in (e.account, e.region, e.operation) if x)
                out.append(
                    f"| {escape(e.collector)} | {code(scope) if scope else ''} | "
                    f"{escape(e.message)} |"
                )
            if len(errors) > MAX_ROWS:
                out += ["", t["more"].format(n=len(errors) - MAX_ROWS)]
            out.append("")
        if n_waived:
            out += [f"### {t['waived']} ({n_waived})", ""]

            def waived(r: Result) -> list[str]:
                w = r.waiver
                expires = w.expires.isoformat() if w and w.expires else t["never"]
                return [
                    code(r.control_id),
                    _resource(r),
                    escape(w.owner) if w else "",
                    escape(w.reason) if w else "",
                    expires,
                ]

            out += _table(
                [t["control"], t["resource"], t["owner"], t["reason"], t["expires"]],
                rows(Status.WAIVED),
                n_waived,
                waived,
                t["more"],
            )
            out.append("")
        return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")
