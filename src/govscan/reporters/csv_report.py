"""CSV: one row per result, for spreadsheets and ad-hoc filtering.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-`` or
``@`` as formulas, and resource names and messages come from the scanned
systems, so such cells are prefixed with ``'`` (the OWASP recommendation).
"""

from __future__ import annotations

import csv
import io
from typing import IO, ClassVar

from govscan.model import Result, ScanResult
from govscan.reporters.interface import Reporter, ReportOptions

COLUMNS = (
    "control_id",
    "title",
    "severity",
    "status",
    "resource_type",
    "resource_id",
    "resource_name",
    "provider",
    "account",
    "region",
    "location",
    "frameworks",
    "message",
    "waiver_owner",
    "waiver_reason",
    "waiver_expires",
    "evidence",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _row(r: Result) -> list[str]:
    ref = r.resource
    loc = f"{ref.location.path}:{ref.location.line}" if ref.location else ""
    frameworks = "; ".join(f"{fw}: {', '.join(ids)}" for fw, ids in sorted(r.frameworks.items()))
    w = r.waiver
    cells = [
        r.control_id,
        r.title,
        r.severity.value,
        r.status.value,
        ref.type,
        ref.id,
        ref.name,
        ref.provider,
        ref.account,
        ref.region,
        loc,
        frameworks,
        r.message,
        w.owner if w else "",
        w.reason if w else "",
        w.expires.isoformat() if w and w.expires else "",
        r.evidence,
    ]
    return [guard(c) for c in cells]


class CsvReporter(Reporter):
    format: ClassVar[str] = "csv"
    filename: ClassVar[str] = "results.csv"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        text = io.TextIOWrapper(fp, encoding="utf-8", newline="", write_through=False)
        try:
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            writer.writerows(map(_row, scan.results))
            text.flush()
        finally:
            text.detach()  # the caller owns fp
