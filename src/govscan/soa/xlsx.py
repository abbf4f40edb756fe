"""The SoA as an XLSX workbook (auditors work in spreadsheets).

openpyxl is imported here only, when an XLSX is asked for.  Every cell is
written as a string value: a value that looks like a formula stays text.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from govscan.errors import UsageError
from govscan.soa.build import Soa
from govscan.soa.table import HEADINGS, TITLE, metadata, rows

_WIDTHS = (12, 48, 11, 40, 22, 24, 40, 36, 50, 24, 14)
"""Characters per column, in the order of the headings."""

_SHEET_RUN = {"en": "Run", "de": "Lauf"}


MISSING = "--format xlsx needs openpyxl: pip install openpyxl (or choose csv, md, html)"


def require_openpyxl() -> None:
    """Refuses an XLSX before the bundle is read when openpyxl is not installed."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise UsageError(MISSING) from None


def _text_cell(ws: Any, row: int, col: int, value: str) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    # openpyxl turns a string starting with "=" into a formula: force text.
    cell.data_type = "s"


def to_xlsx(soa: Soa, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    for default in wb.worksheets:
        wb.remove(default)
    ws = wb.create_sheet("SoA")
    headings = HEADINGS[lang]
    for col, heading in enumerate(headings, start=1):
        _text_cell(ws, 1, col, heading)
        ws.cell(row=1, column=col).font = Font(bold=True)
    body = rows(soa, lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, cells in enumerate(body, start=2):
        for col, value in enumerate(cells, start=1):
            _text_cell(ws, r, col, value)
            ws.cell(row=r, column=col).alignment = wrap
    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(body) + 1}"

    meta = wb.create_sheet(_SHEET_RUN[lang])
    _text_cell(meta, 1, 1, TITLE[lang])
    meta.cell(row=1, column=1).font = Font(bold=True)
    for r, (label, value) in enumerate(metadata(soa, lang), start=2):
        _text_cell(meta, r, 1, label)
        _text_cell(meta, r, 2, value)
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 80

    # Dated by the run, not by when it was rendered: the SoA describes that run.
    when = _run_time(soa)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "govscan"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run_time(soa: Soa) -> datetime:
    try:
        return datetime.fromisoformat(soa.run.date).replace(tzinfo=None)
    except ValueError:
        return datetime(1980, 1, 1)
