"""CSV, Markdown and HTML forms of a Statement of Applicability."""

from __future__ import annotations

import csv
import html
import io

from govscan.soa.build import Soa
from govscan.soa.table import HEADINGS, TITLE, inert, metadata, rows


def to_csv(soa: Soa, lang: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADINGS[lang])
    for cells in rows(soa, lang):
        w.writerow([inert(c) for c in cells])
    # A BOM so spreadsheets open the umlauts as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _md(text: str) -> str:
    flat = " ".join(text.split())
    return html.escape(flat, quote=False).replace("|", "\\|").replace("`", "\\`")


def to_markdown(soa: Soa, lang: str) -> bytes:
    out = [f"# {TITLE[lang]}: {_md(soa.framework_title)}", ""]
    out += [f"- {label}: {_md(value)}" for label, value in metadata(soa, lang)]
    out += ["", "| " + " | ".join(HEADINGS[lang]) + " |"]
    out.append("|" + " --- |" * len(HEADINGS[lang]))
    out += ["| " + " | ".join(_md(c) for c in cells) + " |" for cells in rows(soa, lang)]
    return ("\n".join(out) + "\n").encode("utf-8")


_STYLE = (
    "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
    "th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;font-size:.9em}"
    "th{background:#eee;position:sticky;top:0}"
)


def to_html(soa: Soa, lang: str) -> bytes:
    e = html.escape
    title = f"{TITLE[lang]}: {soa.framework_title}"
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        # Nothing is fetched or run: the page is only data.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1><dl>",
    ]
    parts += [f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in metadata(soa, lang)]
    parts.append("</dl><table><thead><tr>")
    parts += [f"<th>{e(h)}</th>" for h in HEADINGS[lang]]
    parts.append("</tr></thead><tbody>")
    for r, cells in zip(soa.rows, rows(soa, lang), strict=True):
        parts.append(f'<tr class="{r.status.value}">')
        parts += [f"<td>{e(c)}</td>" for c in cells]
        parts.append("</tr>")
    parts.append("</tbody></table></body></html>\n")
    return "".join(parts).encode("utf-8")
