"""How every sheet of audit.xlsx is laid out: headers people read, widths, frozen rows, tables.

Write-only sheets take their layout (widths, frozen panes, print set-up) before the first row
and their table parts and filters with the tail, so a sheet writer calls :func:`prepare`
first, streams its rows, then :func:`add_table`. An Excel table gives each data sheet its
banded style and its filter buttons in one; a sheet-level filter over the same cells would
make Excel "repair" the file, so data sheets get only the table's.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Final

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from auditor.render.cells import is_missing, xlsx_cell

_WRAP: Final = Alignment(wrap_text=True, vertical="top")

#: The banded style every data sheet's table uses (medium blue, as Excel's default).
TABLE_STYLE: Final = "TableStyleMedium2"

#: Column widths come from the header and this many leading values: enough to look right,
#: cheap at a million rows.
WIDTH_SAMPLE: Final = 200
MIN_WIDTH: Final = 8
MAX_WIDTH: Final = 60

#: Header text for columns whose plain spelling would need decoding; the rest are the column
#: name with spaces ("monthly_cost" -> "Monthly cost", "user_id" -> "User ID").
LABELS: Final = {
    "id": "Finding ID",
    "title": "Finding",
    "recommendation": "What to do",
    "entity_type": "About a",
    "entity_id": "ID",
    "cost_known": "Cost known",
    "kind": "Kind",
    "holders": "Held by users",
    "price_known": "Price known",
    "site": "Site",
    "seats": "Seats paid for",
    "seats_unassigned": "Unassigned",
    "stale_seats": "Held by deactivated users",
    "unpriced_seats": "Seats with unknown price",
    "held_by_stale_users": "Held by deactivated users",
    "spares_kept": "Kept as spares (suppressed)",
    "reassign_same_state": "Of which at a site in the seat's state",
    "notice_effective": "Notice takes effect",
    "unassigned_license_ids": "Unassigned license IDs",
    "seat_count": "Seats held",
    "scim_provider": "SCIM provider",
    "user": "User",
    "assigned_to": "Assigned to (user ID)",
    # the Ledger sheet (and the plan's columns on Cancellation and Reassign)
    "seat_id": "License / seat ID",
    "holder": "Held by (user ID)",
    "holder_status": "Holder's status",
    "action": "Plan action",
    "to_user": "Reassign to (user ID)",
    "finding_id": "Finding ID",  # the Findings sheet's ID column: filter one by the other
    "reassign_to_contacts": "Reassign to Contacts",
    "from_user": "Reclaim from (user ID)",
    "same_state": "Already taxed in their state",
}


def label(column: str) -> str:
    """The header a person reads for a column name."""
    if column in LABELS:
        return LABELS[column]
    words = column.split("_")
    text = " ".join("ID" if w == "id" else "IDs" if w == "ids" else w for w in words)
    return text[:1].upper() + text[1:]


def prepare(ws: WriteOnlyWorksheet, widths: Sequence[float], *, landscape: bool = True) -> None:
    """Widths, the frozen header, and a print set-up that fits the columns on the page width."""
    # types-openpyxl omits the attributes WriteOnlyWorksheet copies from Worksheet.
    dimensions = ws.column_dimensions  # type: ignore[attr-defined]
    for index, width in enumerate(widths, start=1):
        dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    setup = ws.page_setup  # type: ignore[attr-defined]
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # type: ignore[attr-defined]
    ws.print_title_rows = "1:1"  # the header on every printed page


def add_table(ws: WriteOnlyWorksheet, name: str, headers: Sequence[str], rows: int) -> None:
    """A styled Excel table with filter buttons over the header and ``rows`` data rows.

    Write-only sheets cannot read their header back, so the table's column names are given
    here (they must equal the header cells, or Excel repairs the file). An Excel table needs a
    body row, and a blank one reads as a record with nothing in it; so a sheet with no rows
    gets no table, only a filter on its header row (the same buttons, nothing to filter yet).
    """
    if rows == 0:
        add_filter(ws, f"A1:{get_column_letter(len(headers))}1")
        return
    ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    with warnings.catch_warnings():
        # openpyxl warns on every write-only table; the columns were added just above
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)  # type: ignore[misc]  # stubs type it for Worksheet only


def add_filter(ws: WriteOnlyWorksheet, ref: str) -> None:
    """A sheet-level filter over ``ref``, for a sheet that holds no table."""
    ws.auto_filter.ref = ref  # type: ignore[attr-defined]  # missing from types-openpyxl


#: A header wraps onto up to this many lines rather than widen its column past its values.
HEADER_LINES: Final = 3


def header_row(ws: WriteOnlyWorksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    """The bold header, wrapped within each column's width, its row tall enough for it."""
    cells = [xlsx_cell(ws, h, bold=True) for h in headers]
    lines = 1
    for cell, text, column_width in zip(cells, headers, widths, strict=True):
        cell.alignment = _WRAP
        lines = max(lines, math.ceil(len(text) / max(1.0, column_width - 3)))
    dimensions = ws.row_dimensions  # type: ignore[attr-defined]
    dimensions[1].height = 15.0 * min(lines, HEADER_LINES) + 3
    ws.append(cells)


def header_width(text: str) -> int:
    """The width a header asks of its column: a third of it, as it may wrap onto three lines."""
    return max(len(w) for w in text.split()) if len(text) <= 12 else math.ceil(len(text) / 3) + 2


def width(values: Iterable[object], *, money: bool = False) -> float:
    """A column width from its header and sample values: the longest line, within bounds."""
    longest = max((_shown_length(v, money) for v in values), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _shown_length(value: object, money: bool) -> int:
    """About how many characters Excel shows for a value once its number format applies."""
    if is_missing(value):
        return 0
    if isinstance(value, dt.datetime):
        return 19 if value.time() != dt.time(0, 0) else 10
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float) and money:
        return len(f"{value:,.2f}") + 6  # the currency code and its quotes' space
    return max((len(line) for line in str(value).splitlines()), default=0)
