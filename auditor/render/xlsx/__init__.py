"""audit.xlsx: the workbook procurement works in, streamed so a million users fit in memory.

Sheets, in order: Summary (key figures, how the money adds up, the plan's saving, what
changed since the previous audit, a native chart of waste per license type), Findings, Ledger
(every billed license once, with its disposition and the plan's action: procurement's
working list, with Owner, Decision and Due to fill in, and what every money figure sums),
Licenses (pools with price, cost and waste), Sites (the chargeback view), Users,
Cancellation (procurement's worksheet, with Owner, Decision and Due to fill in), Reassign
(the Contacts the plan gives a surplus seat), Tax
(each mismatched license's service address beside its site's), Changes (findings new and
resolved since the previous audit), Trend (one row per recorded audit, with a native chart of
the waste) and Suppressions (the accepted findings, with reason and owner).

openpyxl's write-only mode streams each row to disk, so sheet layout is decided before the
first row and the Summary, written first, already knows whether a later sheet needs more
rows than Excel allows one sheet (it then continues on ``Ledger (2)`` and so on). The data
sheets' rows are built as XML a column at a time
(:mod:`auditor.render.xlsx.sheetdata`), which is what keeps a million-user workbook to about
half a minute. Every cell is typed by :mod:`auditor.render.cells`, so tenant text is never a
formula and numbers, money and dates keep their types. The tables come from the report as the
engine built them: nothing is computed here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from openpyxl import Workbook

from auditor.engine.bill import CREDIT_COLUMNS, money_table
from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.ledger import LEDGER_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.engine.tax import TAX_COLUMNS
from auditor.engine.terms import LEDGER_TERM_COLUMNS, TERM_MONEY_COLUMNS
from auditor.model import POOL_COLUMNS, Report
from auditor.render.cells import money_format, shown
from auditor.render.xlsx.contract import renewals_table
from auditor.render.xlsx.history import add_trend_chart, finding_table, history_frames
from auditor.render.xlsx.sheets import WORK_COLUMNS, DataSheet, write_sheet
from auditor.render.xlsx.summary import write_summary
from auditor.text import amounts

#: Rows in an Excel sheet, header included; a sheet stops here and the Summary says so.
EXCEL_MAX_ROWS: Final = 1_048_576

#: Users sheet columns, in this order, taken from the snapshot's users table when present.
USERS_SHEET_COLUMNS: Final = (
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

_DATE_COLUMNS: Final = ("created_at", "last_updated_at", "deactivated_at")

__all__ = [
    "EXCEL_MAX_ROWS",
    "USERS_SHEET_COLUMNS",
    "continued",
    "data_sheets",
    "ledger_table",
    "write_xlsx",
]


def write_xlsx(report: Report, path: Path) -> None:
    """Write audit.xlsx; the registry stages it so a failed run leaves the old one intact."""
    money = money_format(report.currency)
    sheets = data_sheets(report)
    limit = _max_data_rows()
    notes = [
        f"The {s.title} sheet's {len(s.frame):,} rows fill {_parts(s, limit)} sheets "
        f"({s.title}, then {s.title} (2) and on) of {limit:,} rows each, Excel's limit."
        for s in sheets
        if len(s.frame) > limit
    ]
    wb = Workbook(write_only=True)
    write_summary(wb, report, money, notes)
    for sheet in sheets:
        for part in continued(sheet, limit):
            write_sheet(wb, part, money, limit)
    trend = next(s for s in sheets if s.title == "Trend")
    add_trend_chart(wb, report, money, min(len(trend.frame), limit))
    wb.save(path)


def continued(sheet: DataSheet, limit: int) -> list[DataSheet]:
    """``sheet`` cut into sheets of at most ``limit`` rows: ``Ledger``, ``Ledger (2)``, ...

    A million-user tenant's ledger has more rows than Excel allows on one sheet; every row
    stays in the workbook, so the money on the Summary still adds up from its sheets.
    """
    if len(sheet.frame) <= limit:
        return [sheet]
    return [
        replace(
            sheet,
            title=sheet.title if n == 0 else f"{sheet.title} ({n + 1})",
            table=sheet.table if n == 0 else f"{sheet.table}{n + 1}",
            frame=sheet.frame.iloc[start : start + limit],
        )
        for n, start in enumerate(range(0, len(sheet.frame), limit))
    ]


def _parts(sheet: DataSheet, limit: int) -> int:
    return -(-len(sheet.frame) // limit)


def data_sheets(report: Report) -> list[DataSheet]:
    """Every sheet after the Summary, in order, each over exactly its columns."""
    return [
        DataSheet("Findings", "Findings", finding_table(report.findings)),
        # procurement works through the ledger seat by seat: the same columns to fill in
        DataSheet("Ledger", "Ledger", ledger_table(report.ledger), work=WORK_COLUMNS),
        DataSheet("Licenses", "Licenses", _pools(report.pools)),
        DataSheet("Sites", "Sites", _columns(report.sites, SITE_COLUMNS)),
        DataSheet("Users", "Users", _users(report.users)),
        DataSheet(
            "Cancellation",
            "Cancellation",
            _columns(report.cancellation, CANCELLATION_COLUMNS),
            work=WORK_COLUMNS,
        ),
        DataSheet("Renewals", "Renewals", renewals_table(report)),
        DataSheet("Reassign", "Reassign", _columns(report.pairings, PAIRING_COLUMNS)),
        DataSheet("Tax", "Tax", _columns(report.tax, TAX_COLUMNS)),
        *(DataSheet(title, title, frame) for title, frame in history_frames(report)),
        *bill_sheets(report),
    ]


def bill_sheets(report: Report) -> list[DataSheet]:
    """Statement (the bill reconciled with the licenses, per type) and Credits (each open
    over-billing finding as a line procurement can send 8x8); none without a statement,
    so an audit that compared no bill shows no empty, clean-looking sheet."""
    if report.statement is None:
        return []
    return [
        DataSheet("Statement", "Statement", money_table(report.bill)),
        DataSheet("Credits", "Credits", _columns(report.credits, CREDIT_COLUMNS)),
    ]


def _max_data_rows() -> int:
    """Data rows a sheet can hold under its header (read at call time so tests can lower it)."""
    return EXCEL_MAX_ROWS - 1


def _columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` over exactly ``columns``; a table the report left empty gives no rows."""
    return shown(frame, columns)


def _pools(pools: pd.DataFrame) -> pd.DataFrame:
    """The pools in POOL_COLUMNS order plus ``price_known``: an empty price is not a zero one."""
    frame = shown(pools, POOL_COLUMNS)
    return frame.assign(price_known=frame["monthly_price"].notna())


def ledger_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The Ledger sheet's table: LEDGER_COLUMNS, then ``price_known``, as the Licenses sheet.

    The engine keeps prices in integer cents (nullable); the sheet shows money, so
    ``monthly_price`` is cents / 100 and an unknown price is an empty cell, never a zero one,
    with ``price_known`` False beside it so a filter finds those seats. Whole columns at a
    time: the ledger of a million-user tenant has a row per license.
    """
    frame = shown(ledger, LEDGER_COLUMNS)
    if "price_cents" in ledger.columns:
        frame["monthly_price"] = _money(ledger["price_cents"])
    price = frame["monthly_price"].astype("float64")
    frame = frame.assign(monthly_price=price, price_known=price.notna())
    # what a spare allowance and the contract add to each row (see auditor.terms)
    for name in LEDGER_TERM_COLUMNS:
        if name in TERM_MONEY_COLUMNS and f"{name}_cents" in ledger.columns:
            frame[name] = _money(ledger[f"{name}_cents"])
        elif name in ledger.columns:
            frame[name] = ledger[name].to_numpy()
        else:
            frame[name] = None
    return frame


def _money(cents: pd.Series) -> np.ndarray:
    """Nullable integer cents as money floats (NaN where unknown): 2450 -> 24.5, exactly."""
    return amounts(cents).to_numpy(dtype="float64", na_value=np.nan)


def _users(users: pd.DataFrame) -> pd.DataFrame:
    """The Users sheet: the USERS_SHEET_COLUMNS the report has, ISO date text as dates."""
    if users.columns.empty:  # a report built without its users: the sheet is a header
        return pd.DataFrame(columns=list(USERS_SHEET_COLUMNS))
    frame = users.loc[:, [c for c in USERS_SHEET_COLUMNS if c in users.columns]]
    for column in _DATE_COLUMNS:
        if column in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = _as_dates(frame[column])
    return frame


def _as_dates(values: pd.Series) -> pd.Series:
    """ISO 8601 text as naive UTC timestamps; text that is not a date stays text, not blank."""
    parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    naive = parsed.dt.tz_localize(None).astype(object)
    return naive.where(parsed.notna(), values)
