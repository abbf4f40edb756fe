"""The trend section of the HTML report: charts drawn here as inline SVG.

No script library and no external file: the report stays one offline page under
its Content-Security-Policy. Every text that reaches the SVG (framework keys,
severities, dates, labels) is escaped here; the tables around the charts are
escaped by the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from govscan.datafile import load_data_yaml
from govscan.paths import content_dir
from govscan.results.trend import TrendData

WIDTH, HEIGHT = 720, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 540, 10, 180
"""The plot area; the legend sits right of it, the dates below."""

_PALETTE = ("#0969da", "#1a7f37", "#8250df", "#bc4c00", "#cf222e", "#1b7c83", "#9a6700", "#6e7781")
SEVERITY_COLORS = {
    "critical": "#82071e",
    "high": "#cf222e",
    "medium": "#bc4c00",
    "low": "#9a6700",
    "info": "#6e7781",
}


@cache
def trend_labels(lang: str) -> Mapping[str, str]:
    name = lang if lang in ("en", "de") else "en"
    with (content_dir("reports") / "i18n" / "trend" / f"{name}.yaml").open(encoding="utf-8") as fh:
        loaded: Mapping[str, str] = load_data_yaml(fh)
    return loaded


def trend_context(trend: TrendData, lang: str) -> dict[str, Any]:
    """What ``trend.html.j2`` shows: labels, three charts, two tables."""
    from markupsafe import Markup

    t = trend_labels(lang)
    xs = _positions([p.started_at for p in trend.points])
    frameworks = sorted({k for p in trend.points for k, _ in p.scores})
    scores = [
        (fw, _PALETTE[i % len(_PALETTE)], [dict(p.scores).get(fw) for p in trend.points])
        for i, fw in enumerate(frameworks)
    ]
    severities = [s for s in SEVERITY_COLORS if any(dict(p.failing).get(s) for p in trend.points)]
    failing = [
        (s, SEVERITY_COLORS[s], [float(dict(p.failing).get(s, 0)) for p in trend.points])
        for s in severities
    ]
    top = max((v or 0.0 for _, _, vs in failing for v in vs), default=0.0)
    dates = (trend.points[0].started_at[:10], trend.points[-1].started_at[:10]) if xs else None
    period = f"{t['since']} {trend.since[:10]}" if trend.since else t["all_runs"]
    # Markup: SVG built here, every text in it escaped by _esc.
    return {
        "t": t,
        "series": trend.series,
        "period": period,
        "runs": len(trend.points),
        "scores_svg": Markup(  # noqa: S704
            line_chart(scores, xs, 1.0, ("0 %", "100 %"), dates, t["scores"])
        ),
        "failing_svg": Markup(  # noqa: S704
            line_chart(
                [(k, c, list(v)) for k, c, v in failing],
                xs,
                _nice(top),
                ("0", _number(_nice(top), lang)),
                dates,
                t["failing"],
            )
        ),
        "mttf_svg": Markup(_fix_chart(trend, t, lang)),  # noqa: S704
        "fix_times": [
            {
                "severity": f.severity,
                "fixed": f.fixed,
                "mean_days": _number(f.mean_days, lang),
            }
            for f in trend.fix_times
        ],
        "oldest": [
            {
                "control": o.control_id,
                "resource": o.resource_id,
                "type": o.resource_type,
                "severity": o.severity,
                "since": o.since[:10],
            }
            for o in trend.oldest_open
        ],
        "open_total": trend.open_total,
    }


def line_chart(
    lines: Sequence[tuple[str, str, Sequence[float | None]]],
    xs: Sequence[float],
    top: float,
    y_labels: tuple[str, str],
    dates: tuple[str, str] | None,
    title: str,
) -> str:
    """One polyline per (label, colour, values); x positions 0..1, values 0..top."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{_esc(title)}">',
        f"<title>{_esc(title)}</title>",
        f'<rect x="{_LEFT}" y="{_TOP}" width="{_RIGHT - _LEFT}" height="{_BOTTOM - _TOP}" '
        'fill="none" stroke="#d1d9e0"/>',
        f'<text x="{_LEFT - 6}" y="{_BOTTOM}" text-anchor="end">{_esc(y_labels[0])}</text>',
        f'<text x="{_LEFT - 6}" y="{_TOP + 10}" text-anchor="end">{_esc(y_labels[1])}</text>',
    ]
    if dates is not None:
        parts.append(f'<text x="{_LEFT}" y="{_BOTTOM + 16}">{_esc(dates[0])}</text>')
        parts.append(
            f'<text x="{_RIGHT}" y="{_BOTTOM + 16}" text-anchor="end">{_esc(dates[1])}</text>'
        )
    scale = top or 1.0
    for i, (label, color, values) in enumerate(lines):
        coords = [
            (_LEFT + x * (_RIGHT - _LEFT), _BOTTOM - min(v, scale) / scale * (_BOTTOM - _TOP))
            for x, v in zip(xs, values, strict=True)
            if v is not None
        ]
        if len(coords) == 1:
            x, y = coords[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
        elif coords:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        y = _TOP + 8 + 18 * i
        parts.append(
            f'<rect x="{_RIGHT + 16}" y="{y - 8}" width="10" height="10" fill="{color}"/>'
            f'<text x="{_RIGHT + 32}" y="{y + 1}">{_esc(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fix_chart(trend: TrendData, t: Mapping[str, str], lang: str) -> str:
    rows = trend.fix_times
    top = max((f.mean_days for f in rows), default=0.0) or 1.0
    height = 22 * len(rows) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{_esc(t["mttf"])}">',
        f"<title>{_esc(t['mttf'])}</title>",
    ]
    for i, f in enumerate(rows):
        y = 4 + 22 * i
        w = f.mean_days / top * 400
        color = SEVERITY_COLORS.get(f.severity, "#6e7781")
        text = f"{_number(f.mean_days, lang)} {t['days']} ({f.fixed} {t['fixed']})"
        parts.append(f'<text x="0" y="{y + 13}">{_esc(f.severity)}</text>')
        parts.append(f'<rect x="90" y="{y}" width="{w:.1f}" height="16" fill="{color}"/>')
        parts.append(f'<text x="{100 + w:.1f}" y="{y + 13}">{_esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _positions(times: Sequence[str]) -> list[float]:
    """Each run's place on the time axis, 0..1 (runs in their recorded order)."""
    stamps = [_stamp(s) for s in times]
    if not stamps:
        return []
    low, high = min(stamps), max(stamps)
    if high <= low:
        return [0.5 if len(stamps) == 1 else i / (len(stamps) - 1) for i in range(len(stamps))]
    return [(s - low) / (high - low) for s in stamps]


def _stamp(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0


def _nice(top: float) -> float:
    """A round upper bound for a count axis."""
    if top <= 0:
        return 1.0
    step = 10 ** max(0, len(str(int(top))) - 1)
    return float(-(-int(top) // step) * step)


def _number(value: float, lang: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "de" else text


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
