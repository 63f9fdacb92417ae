"""audit.xlsx: the workbook procurement works in, streamed so a million users fit in memory.

openpyxl's write-only mode streams each row to disk, so sheet layout (column widths, frozen
header, filter range) is decided before the first row and the Summary, written first, already
knows whether a later sheet hits Excel's row limit. Every cell goes through
:mod:`auditor.render.cells` (``xlsx_cell``/``xlsx_value``), so tenant text is never a formula
and numbers, money and dates keep their types.
Sheets: Summary (with a native chart), Findings, Licenses, Users.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from auditor.model import FINDING_COLUMNS, POOL_COLUMNS, Report, Severity, Snapshot
from auditor.render.cells import is_missing, money_format, xlsx_cell, xlsx_value

#: Rows in an Excel sheet, header included; a sheet stops here and the Summary says so.
EXCEL_MAX_ROWS: Final = 1_048_576

#: Users sheet columns, in this order, taken from the snapshot's users table when present.
USER_COLUMNS: Final = (
    "user_id",
    "email",
    "first_name",
    "last_name",
    "status",
    "site_id",
    "site_name",
    "licenses",
    "seat_count",
    "extension",
    "phone_number",
    "department",
    "created_at",
    "last_updated_at",
    "deactivated_at",
    "scim_provider",
)

_MONEY_COLUMNS: Final = frozenset({"monthly_cost", "monthly_price", "monthly_waste"})
_DATE_COLUMNS: Final = ("created_at", "last_updated_at", "deactivated_at")
#: Column widths come from the header and this many leading values: enough to look right,
#: cheap at a million rows.
_WIDTH_SAMPLE: Final = 200
_MIN_WIDTH: Final = 8
_MAX_WIDTH: Final = 60

_Row = tuple[str, object, str | None]  # label, value, number format


def write_xlsx(report: Report, path: Path) -> None:
    """Write audit.xlsx; the registry stages it so a failed run leaves the old one intact."""
    money = money_format(report.currency)
    tables = [
        ("Findings", report.findings.reindex(columns=list(FINDING_COLUMNS))),
        ("Licenses", _pools(report.pools)),
        ("Users", _users(report.snapshot)),
    ]
    notes = [
        f"The {title} sheet holds the first {_max_data_rows():,} of {len(frame):,} rows "
        "(Excel's limit); the rest are left out of this workbook."
        for title, frame in tables
        if len(frame) > _max_data_rows()
    ]
    wb = Workbook(write_only=True)
    _write_summary(wb, report, money, notes)
    for title, frame in tables:
        _write_table(wb, title, frame, money)
    wb.save(path)


def _max_data_rows() -> int:
    """Data rows a sheet can hold under its header (read at call time so tests can lower it)."""
    return EXCEL_MAX_ROWS - 1


def _pools(pools: pd.DataFrame) -> pd.DataFrame:
    """The pools in POOL_COLUMNS order plus ``price_known``: an empty price is not a zero one."""
    frame = pools.reindex(columns=list(POOL_COLUMNS))
    return frame.assign(price_known=frame["monthly_price"].notna())


def _users(snapshot: Snapshot | None) -> pd.DataFrame:
    """The Users sheet's table: the USER_COLUMNS the snapshot has, with ISO date text as dates."""
    if snapshot is None:
        return pd.DataFrame(columns=list(USER_COLUMNS))
    users = snapshot.users
    frame = users.loc[:, [c for c in USER_COLUMNS if c in users.columns]]
    for column in _DATE_COLUMNS:
        if column in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = _as_dates(frame[column])
    return frame


def _as_dates(values: pd.Series) -> pd.Series:
    """ISO 8601 text as naive UTC timestamps; text that is not a date stays text, not blank."""
    parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    naive = parsed.dt.tz_localize(None).astype(object)
    return naive.where(parsed.notna(), values)


def _write_summary(wb: Workbook, report: Report, money: str, notes: Sequence[str]) -> None:
    """Key figures as label/value rows, then the per-type waste table the chart draws from."""
    ws: WriteOnlyWorksheet = wb.create_sheet("Summary")
    rows = _summary_rows(report, money, notes)
    waste = _waste_by_type(report.pools)
    sample = [(label, value) for label, value, _ in rows] + list(waste)
    _prepare(
        ws,
        [
            _width(["Figure", *(r[0] for r in sample)]),
            _width(["Value", *(r[1] for r in sample)]),
        ],
    )
    ws.append([xlsx_cell(ws, "Figure", bold=True), xlsx_cell(ws, "Value", bold=True)])
    for label, value, fmt in rows:
        ws.append([xlsx_value(ws, label), xlsx_value(ws, value, number_format=fmt)])
    _filter(ws, f"A1:B{len(rows) + 1}")
    if not waste:
        return
    ws.append([])
    top = len(rows) + 3  # header of the chart's table, after one blank row
    ws.append([xlsx_cell(ws, "License type", bold=True), xlsx_cell(ws, "Monthly waste", bold=True)])
    for license_type, amount in waste:
        ws.append([xlsx_value(ws, license_type), xlsx_value(ws, amount, number_format=money)])
    chart = BarChart()
    chart.type = "bar"  # horizontal bars keep long license type names readable
    chart.title = f"Monthly waste by license type ({report.currency})"
    chart.legend = None
    chart.y_axis.number_format = money
    chart.x_axis.delete = False  # openpyxl hides both axes by default in recent Excel
    chart.y_axis.delete = False
    chart.height = max(7.5, 0.8 * len(waste) + 4)
    chart.width = 18
    bottom = top + len(waste)
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    ws.add_chart(chart, "D2")  # type: ignore[misc]  # stubs type add_chart for Worksheet only


def _summary_rows(report: Report, money: str, notes: Sequence[str]) -> list[_Row]:
    """The Summary's label/value rows; money rows carry the currency number format."""
    s = report.summary
    rows: list[_Row] = [
        ("Tenant", report.tenant, None),
        ("As of", report.as_of, None),
        ("Generated at", report.generated_at, None),
        ("Currency", report.currency, None),
        ("seat-auditor version", report.tool_version, None),
        *(("Row limit", note, None) for note in notes),
        ("Monthly waste", s.monthly_waste, money),
        ("Annual waste", s.annual_waste, money),
        ("Monthly cost of all seats", s.monthly_cost, money),
        ("Seats paid for", s.seats_total, None),
        ("Seats assigned", s.seats_assigned, None),
        ("Seats unassigned", s.seats_unassigned, None),
        ("Seats suspended", s.seats_suspended, None),
        ("Seats with unknown price", s.unpriced_seats, None),
    ]
    if s.unpriced_seats > 0:
        rows.append(("Price unknown", _UNPRICED.format(n=s.unpriced_seats), None))
    rows += [
        ("Contacts (no seat)", s.contacts, None),
        ("Users", s.users, None),
        ("Active users", s.active_users, None),
        ("Deactivated users", s.inactive_users, None),
        *((f"Findings: {v}", s.findings_by_severity.get(v, 0), None) for v in Severity),
        *((f"Findings: {rule}", n, None) for rule, n in s.findings_by_rule.items()),
        *((f"Skipped rule: {k.rule}", k.reason, None) for k in report.skipped),
        *(("Warning", w, None) for w in report.warnings),
        *((f"Input: {i.name}", f"sha256 {i.sha256}", None) for i in report.inputs),
    ]
    return rows


_UNPRICED: Final = (
    "{n:,} seats have no price in the price book: cost and waste leave them out. They are not free."
)


def _waste_by_type(pools: pd.DataFrame) -> list[tuple[str, float]]:
    """(license type, monthly waste) for the chart: only types with a known, non-zero waste."""
    if not {"license_type", "monthly_waste"} <= set(pools.columns):
        return []
    pairs = zip(pools["license_type"], pools["monthly_waste"], strict=True)
    return [(str(t), float(w)) for t, w in pairs if not is_missing(w) and float(w) > 0]


def _write_table(wb: Workbook, title: str, frame: pd.DataFrame, money: str) -> None:
    """One data sheet: bold frozen header, typed rows up to Excel's limit, a filter over all."""
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    columns = [str(c) for c in frame.columns]
    count = min(len(frame), _max_data_rows())
    head = frame.head(_WIDTH_SAMPLE)
    _prepare(ws, [_width([c, *head[c]], money=c in _MONEY_COLUMNS) for c in columns])
    ws.append([xlsx_cell(ws, c, bold=True) for c in columns])
    formats = [money if c in _MONEY_COLUMNS else None for c in columns]
    for values in frame.head(count).itertuples(index=False, name=None):
        ws.append(
            [xlsx_value(ws, v, number_format=f) for v, f in zip(values, formats, strict=True)]
        )
    if columns:
        _filter(ws, f"A1:{get_column_letter(len(columns))}{count + 1}")


def _prepare(ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Widths and the frozen header: write-only sheets take layout only before the first row."""
    # types-openpyxl omits the attributes WriteOnlyWorksheet copies from Worksheet.
    dimensions = ws.column_dimensions  # type: ignore[attr-defined]
    for index, width in enumerate(widths, start=1):
        dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _filter(ws: WriteOnlyWorksheet, ref: str) -> None:
    """Turn the auto filter on over ``ref`` (written with the sheet's tail, so any time works)."""
    ws.auto_filter.ref = ref  # type: ignore[attr-defined]  # missing from types-openpyxl


def _width(values: Iterable[object], *, money: bool = False) -> float:
    """A column width from its header and sample values: the longest line, within bounds."""
    longest = max((_shown_length(v, money) for v in values), default=0)
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))


def _shown_length(value: object, money: bool) -> int:
    """About how many characters Excel shows for a value once its number format applies."""
    if is_missing(value):
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float) and money:
        return len(f"{value:,.2f}") + 6  # the currency code and its quotes' space
    return max((len(line) for line in str(value).splitlines()), default=0)
