from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from govscan.reporters.csv_report import COLUMNS, CsvReporter, guard
from govscan.reporters.interface import ReportOptions

from .sample_scan import FORMULA, RESULTS, XSS, sample_scan


def _rows() -> list[dict[str, str]]:
    text = CsvReporter().render(sample_scan(), ReportOptions()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_result_with_every_column() -> None:
    rows = _rows()
    assert len(rows) == len(RESULTS)
    assert list(rows[0]) == list(COLUMNS)
    statuses = sorted(r["status"] for r in rows)
    assert statuses == sorted(r.status.value for r in RESULTS)


def test_formula_cells_are_neutralised() -> None:
    rows = _rows()
    names = {r["resource_name"] for r in rows}
    assert "'" + FORMULA in names
    assert FORMULA not in names
    assert "'-volume vol-0abc is not encrypted" in {r["message"] for r in rows}
    assert "'@web-team" in {r["waiver_owner"] for r in rows}
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_guard(cell: str) -> None:
    assert guard(cell) == "'" + cell


def test_ordinary_cells_are_untouched() -> None:
    assert guard("arn:aws:s3:::bucket") == "arn:aws:s3:::bucket"
    assert guard("") == ""


def test_quotes_commas_and_newlines_survive_a_round_trip() -> None:
    row = next(r for r in _rows() if r["resource_id"] == "arn:aws:s3:::xss-bucket")
    assert row["resource_name"] == XSS
    assert row["message"].endswith("allows public ACLs\n-second line")
    assert row["frameworks"] == "dsgvo: Art. 32(1)(b); nist-800-53-r5: AC-3, SC-7"


def test_waiver_and_location_columns() -> None:
    rows = _rows()
    waived = next(r for r in rows if r["status"] == "waived")
    assert (waived["waiver_reason"], waived["waiver_expires"]) == (
        "Static website, no personal data",
        "2025-12-31",
    )
    code = next(r for r in rows if r["resource_id"] == "infra: aws_s3_bucket.logs")
    assert code["location"] == "infra/storage.tf:12"


def test_header_only_for_an_empty_scan() -> None:
    empty = replace(sample_scan(), results=())
    text = CsvReporter().render(empty, ReportOptions()).decode()
    assert text == ",".join(COLUMNS) + "\r\n"
