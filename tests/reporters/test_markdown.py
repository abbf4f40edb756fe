from __future__ import annotations

from dataclasses import replace

from govscan.model import Status
from govscan.reporters.interface import ReportOptions
from govscan.reporters.markdown import MAX_ROWS, MarkdownReporter, code, escape

from .sample_scan import RESULTS, sample_scan


def _render(scan=None, lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    return MarkdownReporter().render(scan or sample_scan(), ReportOptions(lang=lang)).decode()


def test_summary_counts_and_sections() -> None:
    text = _render()
    assert text.startswith("## govscan: policy dsgvo\n")
    assert "| fail | 4 |" in text
    assert "| waived | 1 |" in text
    assert "**Assessment incomplete**" in text
    for heading in ("### Failures (4)", "### Not evaluated (1)", "### Collection errors (1)"):
        assert heading in text
    assert "### Waived (1)" in text


def test_failures_are_listed_most_severe_first() -> None:
    text = _render()
    section = text.split("### Failures")[1].split("###")[0]
    severities = [
        line.split("|")[1].strip()
        for line in section.splitlines()
        if line.startswith("| ") and "Severity" not in line
    ]
    assert severities == ["critical", "high", "low", "info"]


def test_scanned_text_renders_as_text() -> None:
    text = _render()
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "@web-team" not in text  # no @mention pings from a PR comment
    assert "\x07" not in text
    for line in text.splitlines():
        if line.startswith("| "):
            # Every table row has exactly its columns: no cell broke out with a pipe.
            header_cells = line.replace("\\|", "").count("|")
            assert header_cells in (3, 4, 5, 6, 7)


def test_escape_and_code_spans() -> None:
    assert escape("a|b*c_d[e](f)\nnext") == "a\\|b\\*c\\_d\\[e\\](f) next"
    assert escape("<b>&") == "&lt;b&gt;&amp;"
    assert code("has `tick`") == "`` has `tick` ``"
    assert code("a `b` c") == "``a `b` c``"
    assert code("`start") == "`` `start ``"


def test_german_labels() -> None:
    text = _render(lang="de")
    assert "## govscan: Richtlinie dsgvo" in text
    assert "| fehlgeschlagen | 4 |" in text
    assert "### Ausgenommen (1)" in text


def test_clean_scan() -> None:
    scan = replace(
        sample_scan(),
        results=tuple(r for r in RESULTS if r.status is Status.PASS),
        errors=(),
    )
    text = _render(scan)
    assert "**No failing checks**" in text
    # No finding sections: only the framework table.
    assert [ln for ln in text.splitlines() if ln.startswith("###")] == ["### Frameworks"]


def test_long_lists_are_capped() -> None:
    fail = next(r for r in RESULTS if r.status is Status.FAIL)
    many = tuple(
        replace(fail, resource=replace(fail.resource, id=f"{fail.resource.id}-{i:04d}"))
        for i in range(MAX_ROWS + 25)
    )
    text = _render(replace(sample_scan(), results=many, errors=()))
    assert "… and 25 more" in text
    assert len(text) < 65536
