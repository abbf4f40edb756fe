"""A diff as Markdown (pull-request comments), JSON (``govscan/diff/v1``) or one
offline HTML page. Resource ids come from scanned systems: Markdown escapes
them, HTML is rendered by Jinja2 with autoescape."""

from __future__ import annotations

import json
from typing import Any

from govscan.history.diff import CATEGORIES, Diff

SCHEMA_ID = "govscan/diff/v1"
MAX_ROWS = 100
"""Rows per Markdown table; JSON and HTML list every change."""

TITLES = {
    "new": "New findings",
    "regressed": "Regressed (passed before, failing now)",
    "fixed": "Fixed",
    "still_failing": "Still failing",
    "changed_severity": "Changed severity",
}


def diff_document(d: Diff) -> dict[str, Any]:
    def side(s: Any) -> dict[str, Any]:
        return {
            "source": s.label,
            "run_id": s.run_id,
            "started_at": s.started_at,
            "fingerprints": s.fingerprints,
            "findings": len(s.findings),
        }

    return {
        "schema": SCHEMA_ID,
        "old": side(d.old),
        "new": side(d.new),
        "summary": d.counts(),
        "frameworks": {k: dict(v) for k, v in d.frameworks.items()},
        "changes": {c: [ch.to_dict() for ch in d.changes[c]] for c in CATEGORIES},
        "notes": list(d.notes),
    }


def render_json(d: Diff) -> str:
    return json.dumps(diff_document(d), indent=2, ensure_ascii=False) + "\n"


def _state(s: tuple[str, str] | None) -> str:
    return f"{s[0]} ({s[1]})" if s else "absent"


def render_markdown(d: Diff) -> str:
    from govscan.reporters.markdown import code, escape

    counts = d.counts()
    out = [
        f"## govscan diff: {code(d.old.run_id)} → {code(d.new.run_id)}",
        "",
        "| Change | Findings |",
        "|---|---:|",
    ]
    out += [f"| {TITLES[c]} | {counts[c]} |" for c in CATEGORIES]
    out.append("")
    for note in d.notes:
        out += [f"> {escape(note)}", ""]
    if d.frameworks:
        out += ["### By framework", "", "| Framework | " + " | ".join(CATEGORIES) + " |"]
        out.append("|---|" + "---:|" * len(CATEGORIES))
        for fw, per in d.frameworks.items():
            out.append(f"| {escape(fw)} | " + " | ".join(str(per[c]) for c in CATEGORIES) + " |")
        out.append("")
    for c in CATEGORIES:
        rows = d.changes[c]
        if not rows:
            continue
        out += [f"### {TITLES[c]} ({len(rows)})", "", "| Control | Resource | Before | Now |"]
        out.append("|---|---|---|---|")
        for ch in rows[:MAX_ROWS]:
            out.append(
                f"| {code(ch.control_id)} | {code(ch.resource_id)} | "
                f"{_state(ch.old)} | {_state(ch.new)} |"
            )
        if len(rows) > MAX_ROWS:
            out += ["", f"… and {len(rows) - MAX_ROWS} more (see --format json)"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>govscan diff {{ old.run_id }} → {{ new.run_id }}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}code{font-size:.9em}</style>
</head><body>
<h1>govscan diff</h1>
<p>Old: <code>{{ old.label }}</code> (run <code>{{ old.run_id }}</code>, {{ old.started_at }})<br>
New: <code>{{ new.label }}</code> (run <code>{{ new.run_id }}</code>, {{ new.started_at }})</p>
{% for note in notes %}<p class="note">{{ note }}</p>{% endfor %}
<table><tr><th>Change</th><th>Findings</th></tr>
{% for c in categories %}<tr><td>{{ titles[c] }}</td><td>{{ counts[c] }}</td></tr>
{% endfor %}</table>
{% if frameworks %}<h2>By framework</h2><table><tr><th>Framework</th>
{% for c in categories %}<th>{{ titles[c] }}</th>{% endfor %}</tr>
{% for fw, per in frameworks.items() %}<tr><td>{{ fw }}</td>
{% for c in categories %}<td>{{ per[c] }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endif %}
{% for c in categories %}{% if changes[c] %}
<h2 id="{{ c }}">{{ titles[c] }} ({{ changes[c]|length }})</h2>
<table><tr><th>Control</th><th>Resource</th><th>Before</th><th>Now</th></tr>
{% for ch in changes[c] %}<tr><td><code>{{ ch.control_id }}</code></td>
<td><code>{{ ch.resource_id }}</code></td>
<td>{{ state(ch.old) }}</td><td>{{ state(ch.new) }}</td></tr>
{% endfor %}</table>{% endif %}{% endfor %}
</body></html>
"""


def render_html(d: Diff) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    page: str = env.from_string(_PAGE).render(
        old=d.old,
        new=d.new,
        notes=d.notes,
        categories=CATEGORIES,
        titles=TITLES,
        counts=d.counts(),
        frameworks=d.frameworks,
        changes=d.changes,
        state=_state,
    )
    return page


RENDERERS = {"md": render_markdown, "json": render_json, "html": render_html}
