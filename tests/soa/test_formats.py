"""Each format of `govscan soa`, read back; cells from the bundle never become formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govscan.cli import cli

from .conftest import EVIDENCE_SHA, HOSTILE_OWNER

openpyxl = pytest.importorskip("openpyxl")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["soa", *args])


def write(bundle: Path, out: Path, fmt: str, *extra: str) -> Path:
    res = run(
        "--framework",
        "iso27001-2022",
        "--bundle",
        str(bundle),
        "--format",
        fmt,
        "--output-dir",
        str(out),
        *extra,
    )
    assert res.exit_code == 0, res.output
    return out / f"soa-iso27001-2022.{fmt}"


def test_xlsx_has_a_frozen_filtered_header_and_one_row_per_annex_a_control(
    bundle: Path, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(write(bundle, tmp_path / "out", "xlsx"))
    ws = wb["SoA"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:K94"
    assert ws["A1"].value == "Requirement" and ws["E1"].value == "Implementation status"
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert len(ids) == 93 and len(set(ids)) == 93 and all(i.startswith("A.") for i in ids)
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    row = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}["A.5.24"]
    assert ws.cell(row=row, column=5).value == "implemented"
    assert EVIDENCE_SHA in ws.cell(row=row, column=9).value
    assert ws.cell(row=row, column=10).value == "CISO"
    meta = dict(wb["Run"].iter_rows(min_row=2, values_only=True))
    assert meta["Run id"] == "run-soa-1"
    assert len(meta["manifest.json SHA-256"]) == 64


def test_xlsx_writes_a_formula_from_the_bundle_as_text(bundle: Path, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(bundle, tmp_path / "out", "xlsx"))["SoA"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells)
    owners = [c.value for c in cells if c.column == 10 and c.row > 1]
    assert HOSTILE_OWNER in owners
    justification = [c.value for c in cells if c.column == 4 and c.row > 1 and c.value]
    assert justification == ["-no special interest groups; @small brewery"]


def test_csv_neutralises_formula_cells(bundle: Path, tmp_path: Path) -> None:
    text = write(bundle, tmp_path / "out", "csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Requirement" and len(rows) == 94
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["A.5.10"][9] == "'" + HOSTILE_OWNER
    assert by_id["A.5.6"][2:5] == [
        "no",
        "'-no special interest groups; @small brewery",
        "not applicable",
    ]
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)


def test_markdown_and_html_escape_bundle_text(bundle: Path, tmp_path: Path) -> None:
    md = write(bundle, tmp_path / "out", "md").read_text()
    lines = [ln for ln in md.splitlines() if ln.startswith("| A.")]
    assert len(lines) == 93
    assert all(ln.count(" | ") == 10 for ln in lines)
    page = write(bundle, tmp_path / "out2", "html").read_text()
    assert page.count('<tr class="') == 93
    assert "<script" not in page and "default-src 'none'" in page
    assert "=HYPERLINK(&quot;http://127.0.0.1/x&quot;,&quot;click&quot;)" in page


def test_german_headings(bundle: Path, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(bundle, tmp_path / "out", "xlsx", "--lang", "de"))["SoA"]
    assert ws["A1"].value == "Anforderung" and ws["C2"].value == "ja"
    statuses = {ws.cell(row=r, column=5).value for r in range(2, ws.max_row + 1)}
    assert {"umgesetzt", "teilweise umgesetzt", "nicht anwendbar"} <= statuses
    md = write(bundle, tmp_path / "md", "md", "--lang", "de").read_text()
    assert md.startswith("# Erklärung zur Anwendbarkeit")


def test_all_formats_at_once(bundle: Path, tmp_path: Path) -> None:
    res = run(
        "--framework",
        "bsi-c5-2020",
        "--bundle",
        str(bundle),
        "--format",
        "xlsx,csv,md,html",
        "--output-dir",
        str(tmp_path / "o"),
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        f"soa-bsi-c5-2020.{e}" for e in ("csv", "html", "md", "xlsx")
    ]
