"""The trend section of the HTML report: SVG well-formed, every label escaped,
German labels, and trend.json read back exactly (or refused)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from govscan.reporters.html import HtmlReporter
from govscan.reporters.html_trend import line_chart
from govscan.reporters.interface import ReportOptions
from govscan.results.trend import (
    FixTime,
    OpenFinding,
    TrendData,
    TrendPoint,
    trend_from_json,
    trend_to_json,
)

from .sample_scan import sample_scan

EVIL = '<script>alert("x")</script>&'
SVG_NS = "{http://www.w3.org/2000/svg}"


def trend(evil: str = EVIL) -> TrendData:
    return TrendData(
        series=f"repo:{evil}",
        since="2026-01-01T00:00:00",
        points=(
            TrendPoint("2026-01-02T06:00:00Z", (("high", 4), ("low", 2)), (("iso", 0.5),)),
            TrendPoint("2026-01-03T06:00:00Z", (("high", 3),), (("iso", 0.6), (evil, 0.25))),
            TrendPoint("2026-01-09T06:00:00Z", ((evil, 1),), (("iso", 0.75),)),
        ),
        fix_times=(FixTime("high", 2, 3.5), FixTime(evil, 1, 1.0)),
        oldest_open=(OpenFinding("ctl.a", "aws.s3.bucket", evil, "high", "2026-01-02T06:00:00Z"),),
        open_total=7,
    )


def render(lang: str = "en", data: TrendData | None = None) -> str:
    options = ReportOptions(lang=lang, trend=data or trend())
    return HtmlReporter().render(sample_scan(), options).decode()


def section(html: str) -> str:
    found = re.search(r'<section id="trend">.*?</section>', html, re.S)
    assert found, "the trend section is there"
    return found.group(0)


def test_the_charts_are_well_formed_svg_with_escaped_labels() -> None:
    part = section(render())
    assert EVIL not in part and "<script>alert" not in part
    svgs = re.findall(r"<svg .*?</svg>", part, re.S)
    assert len(svgs) == 3, "scores, failing findings, mean time to fix"
    texts: list[str] = []
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
        texts += [t.text or "" for t in root.iter(f"{SVG_NS}text")]
    # Parsed back, the hostile label is plain text again.
    assert EVIL in texts
    assert "iso" in texts and "high" in texts
    assert "2026-01-02" in texts and "2026-01-09" in texts
    scores = ET.fromstring(svgs[0])
    lines = list(scores.iter(f"{SVG_NS}polyline"))
    assert len(lines) == 1, "iso has three points; the other framework one (a dot)"
    assert len(lines[0].get("points", "").split()) == 3
    assert len(list(scores.iter(f"{SVG_NS}circle"))) == 1


def test_the_section_names_period_series_and_oldest_open_findings() -> None:
    part = section(render())
    assert "repo:&lt;script&gt;" in part
    assert "since 2026-01-01" in part
    assert "7 open in total" in part
    assert re.search(r"<td>2026-01-02</td><td>high</td><td>ctl.a</td>", part)
    assert "<tr><td>high</td><td>2</td><td>3.5</td></tr>" in part


def test_german_labels() -> None:
    html = render("de")
    part = section(html)
    assert "<h2>Verlauf</h2>" in part
    assert "Mittlere Behebungsdauer nach Schweregrad" in part
    assert "3,5 Tage (2 behoben)" in part
    assert "seit 2026-01-01" in part
    assert '<a href="#trend">Verlauf</a>' in html


def test_the_trend_adds_no_script_and_no_style() -> None:
    html = render()
    assert len(re.findall(r"<script>", html)) == 1
    assert len(re.findall(r"<style>", html)) == 1
    assert " style=" not in section(html)
    without = HtmlReporter().render(sample_scan(), ReportOptions()).decode()
    assert 'id="trend"' not in without and "#trend" not in without


def test_no_runs_in_the_period_says_so() -> None:
    empty = TrendData("repo:x", "2026-01-01", (), (), (), 0)
    part = section(render(data=empty))
    assert "No runs in this period." in part and "<svg" not in part
    assert "No finding was fixed in this period." in part


def test_a_single_run_is_drawn_as_a_dot_in_the_middle() -> None:
    svg = line_chart([("iso", "#000", [0.5])], [0.5], 1.0, ("0", "1"), ("d", "d"), "t")
    dot = ET.fromstring(svg).find(f"{SVG_NS}circle")
    assert dot is not None and dot.get("cx") == "294.0" and dot.get("cy") == "95.0"


def test_trend_json_round_trips_exactly() -> None:
    data = trend()
    raw = trend_to_json(data)
    assert trend_from_json(raw) == data
    assert json.loads(raw)["schema"] == "govscan/trend/v1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="x"), "unknown schema"),
        (lambda d: d.update(points={}), "points: expected a list"),
        (lambda d: d["points"][0]["scores"].update(iso=float("nan")), "out of range"),
        (lambda d: d["points"][0]["scores"].update(iso=7), "out of range"),
        (lambda d: d["points"][0]["failing"].update(high=True), "expected a count"),
        (lambda d: d["points"][0].update(started_at=None), "expected a string"),
        (lambda d: d["mean_time_to_fix"][0].update(mean_days=-1), "out of range"),
        (lambda d: d.update(open="7"), "expected a count"),
        (lambda d: d["oldest_open"].append([]), "expected an object"),
    ],
)
def test_a_bad_trend_json_is_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(trend_to_json(trend()))
    change(doc)
    with pytest.raises(ValueError, match=message):
        trend_from_json(json.dumps(doc).encode())


def test_trend_json_that_is_not_json_is_refused() -> None:
    for raw in (b"\xff\xfe", b"[" * 100_000, b"{"):
        with pytest.raises(ValueError):
            trend_from_json(raw)


def test_english_and_german_trend_labels_name_the_same_things() -> None:
    from govscan.reporters.html_trend import trend_labels

    assert set(trend_labels("en")) == set(trend_labels("de"))
    assert trend_labels("../../etc") == trend_labels("en")
