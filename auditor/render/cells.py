"""Tenant text is data, never code: the one place report cells are typed and made safe.

Names, departments and site names come from the tenant, and a spreadsheet treats a cell that
starts with ``=``, ``+``, ``-``, ``@``, tab or CR as a formula (CSV injection). openpyxl goes
further and *stores* any string that starts with ``=`` as a formula, and any string equal to an
error code as an error. So CSV text goes through :func:`neutralise`, and every xlsx cell is
made by :func:`xlsx_cell` (or its bulk form :func:`xlsx_value`), which type the value
themselves instead of letting openpyxl guess; the data sheets' rows, built as XML a column at
a time (:mod:`auditor.render.xlsx.sheetdata`), are typed by the same :func:`typed_value`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.workbook.child import _WorkbookChild

from auditor.text import amounts
from auditor.vocab import MONEY_COLUMNS

#: First characters that make a spreadsheet evaluate a cell (OWASP CSV injection list).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

#: Dates are shown ISO-style everywhere so the three audiences read the same thing.
DATE_FORMAT: Final = "yyyy-mm-dd"
DATETIME_FORMAT: Final = "yyyy-mm-dd hh:mm:ss"

#: Excel refuses longer cell text; cutting is better than a workbook Excel must "repair".
MAX_CELL_CHARS: Final = 32_767

#: Named, so a spreadsheet without the workbook's default font still shows bold sans text.
_BOLD: Final = Font(name="Calibri", size=11, bold=True)


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would evaluate with ``'`` (the OWASP rule for CSV cells).

    Text that does not start with a formula prefix is returned unchanged, so honest data
    round-trips exactly.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def shown(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame``'s ``columns``, in order, as a report shows them: each amount read from the
    Report's ``<name>_cents`` column (:func:`auditor.vocab.stored`), a column the frame lacks
    as empty. The one place a table's cents become amounts."""
    names = list(columns)
    out = frame.reindex(columns=names)
    for name in names:
        cents = f"{name}_cents"
        if name in MONEY_COLUMNS and cents in frame.columns:
            out[name] = amounts(frame[cents]).to_numpy()
    return out


def money_format(currency: str) -> str:
    """An Excel number format showing the ISO currency code and two decimals.

    Only the letters of the code are kept: the currency comes from prices.csv, and a quote
    in it must not be able to break out of the format string.
    """
    code = "".join(ch for ch in currency.upper() if "A" <= ch <= "Z")[:3]
    return f'"{code}" #,##0.00' if code else "#,##0.00"


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA: values a report shows as an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


def xlsx_cell(
    ws: _WorkbookChild,
    value: object,
    *,
    number_format: str | None = None,
    bold: bool = False,
) -> Cell:
    """Make one write-only cell whose type is decided here, never guessed from its text.

    str: a string cell even when it reads ``=HYPERLINK(...)`` or ``#N/A``, flagged with Excel's
    quote prefix when it starts with a formula prefix so editing it cannot turn it into one.
    bool/int/float: numbers (non-finite floats are empty). date/datetime: real dates in ISO
    format (time zones converted to UTC, which Excel cannot store). None/NaN/NaT: empty.
    Lists (a user's licenses) are joined with ``"; "``.
    """
    cell = WriteOnlyCell(ws)
    if bold:
        cell.font = _BOLD
    typed = typed_value(value)
    if isinstance(typed, str):
        cell.value = typed
        cell.data_type = "s"  # set after the value: openpyxl would have made "=..." a formula
        if typed.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(typed, dt.date):
        cell.value = typed
        cell.number_format = number_format or _date_format(typed)
    else:
        cell.value = typed
        if number_format is not None:
            cell.number_format = number_format
    return cell


#: What :func:`xlsx_value` may hand to openpyxl as it is.
Plain = str | bool | int | float | dt.date | None


def xlsx_value(
    ws: _WorkbookChild, value: object, *, number_format: str | None = None
) -> Cell | Plain:
    """:func:`xlsx_cell`, minus the Cell object wherever openpyxl's own typing gives the same cell.

    A write-only sheet binds each plain value on one reused cell, while every Cell object
    costs a new object and a failed bind first; at a million rows that is minutes. So values
    whose openpyxl type is certain pass as they are: empty, numbers without a format, dates
    (openpyxl gives them ``yyyy-mm-dd``), and text that cannot read as a formula or an error
    code. Everything else, and anything formatted, still goes through :func:`xlsx_cell`.
    """
    typed = typed_value(value)
    if typed is None:
        return None
    if isinstance(typed, str):
        if typed.startswith(FORMULA_PREFIXES) or typed in ERROR_CODES:
            return xlsx_cell(ws, typed)
        return typed
    if number_format is not None:
        return xlsx_cell(ws, typed, number_format=number_format)
    if isinstance(typed, dt.datetime):
        # openpyxl would show a time; a midnight timestamp is a plain date in this report
        return typed.date() if typed.time() == dt.time(0, 0) else xlsx_cell(ws, typed)
    return typed


#: openpyxl's pattern of the control characters XML cannot carry, for pandas' str methods.
ILLEGAL_PATTERN: Final = ILLEGAL_CHARACTERS_RE.pattern


def typed_value(value: object) -> str | bool | int | float | dt.date | None:
    """Map a pandas/numpy/Python value to the one Python type its cell is written as."""
    if type(value) is str:  # the common case first: most cells are tenant text
        return _clean_text(value)
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return _clean_text("; ".join(str(v) for v in value if not is_missing(v)))
    if is_missing(value):
        return None
    if isinstance(value, str):
        return _clean_text(str(value))  # str() drops StrEnum and other subclasses
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)  # Excel keeps milliseconds at best
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    """Drop the control characters XML cannot carry and cut to Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS]


def _date_format(value: dt.date) -> str:
    """Plain dates for dates and midnight timestamps; a time only when there is one."""
    if isinstance(value, dt.datetime) and value.time() != dt.time(0, 0):
        return DATETIME_FORMAT
    return DATE_FORMAT
