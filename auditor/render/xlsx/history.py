"""The workbook's month-over-month part: the Changes, Trend and Suppressions sheets.

Each is an ordinary data sheet (:func:`auditor.render.xlsx.sheets.write_sheet` writes it, so
it streams in write-only mode, types every cell through :mod:`auditor.render.cells` and gets a
table with filters like the others); this module only says what goes in them. The tables come
from the Report (``changed``, ``trend`` and ``suppressions``, each worked out once upstream):
nothing is computed here. Without a history the
Changes and Trend sheets are only their headers, so the workbook keeps one shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from auditor.engine.suppress import SUPPRESSED_COLUMNS
from auditor.history.changes import CHANGE_COLUMNS
from auditor.model import ALL_FINDING_COLUMNS, Report
from auditor.render.cells import MAX_CELL_CHARS, shown
from auditor.text import amount, isolate

#: The Trend sheet's columns, in order: ``Report.trend`` as the history keeps it (its
#: ``suppressed`` count renamed, so it does not read as the Findings sheet's yes/no column).
TREND_COLUMNS: Final = (
    "as_of",
    "findings",
    "suppressed_findings",
    "monthly_cost",
    "monthly_waste",
    "realised_monthly_saving",
    "saving_now",
    "saving_at_renewal",
    "monthly_overbilled",
    "realised_monthly_credit",
)

#: Findings columns holding dates, as the engine hands them over (or ISO text).
_FINDING_DATES: Final = ("suppression_expires", "first_seen")

WASTE_COLOUR: Final = "B00020"

_Row = tuple[str, object, str | None]  # a Summary row: label, value, number format


def finding_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The Findings sheet's table: every findings column, its dates as dates, its ids as text.

    ``license_ids`` arrives as a list per finding; a cell holds text, so the ids are joined.
    """
    frame = shown(findings, ALL_FINDING_COLUMNS)
    for column in _FINDING_DATES:
        frame[column] = frame[column].map(_date).astype(object)
    frame["license_ids"] = ids_text(frame["license_ids"])
    return frame


def ids_text(lists: pd.Series) -> pd.Series:
    """Each list of license ids as one "; "-joined text, cut at a whole id to fit a cell.

    An id carrying direction controls is isolated (as the findings' sentences quote them), so
    it cannot reorder the ids after it. A waste finding of a big tenant can cover more ids
    than a cell holds (Excel's 32,767 characters); rather than end mid-id, the text then says
    how many more there are and where they are: the Ledger sheet, by Finding ID. An empty
    list is an empty cell. Whole columns at a time: one explode, one join per finding.
    """
    if lists.empty:
        return lists.astype(object)
    ids = lists.reset_index(drop=True).map(_as_list).explode()  # by position: any index
    present = ids.dropna().astype(str)
    joined = isolate(present).groupby(level=0, sort=False).agg(_SEPARATOR.join)
    text = joined.reindex(range(len(lists))).astype(object)
    long = text.str.len().gt(MAX_CELL_CHARS).fillna(False).astype(bool)
    if long.any():
        text[long] = text[long].map(_cut)
    return pd.Series(text.where(text.notna(), None).to_numpy(), index=lists.index, dtype=object)


_SEPARATOR: Final = "; "


def _as_list(value: object) -> list[object]:
    """A findings cell's license ids as a list: a list, tuple or array as is, text as one id."""
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return list(value)
    if isinstance(value, str) and value:
        return [value]
    return []


def _cut(text: str) -> str:
    """``text`` cut after the last whole id that leaves room to say what was left out."""
    ids = text.split(_SEPARATOR)
    room = MAX_CELL_CHARS - len(_MORE.format(n=len(ids)))
    kept = len(text[:room].split(_SEPARATOR)) - 1  # the last piece may be cut mid-id
    return _SEPARATOR.join(ids[:kept]) + _MORE.format(n=len(ids) - kept)


_MORE: Final = "; and {n:,} more: see the Ledger sheet, filtered by this Finding ID"


def trend_table(report: Report) -> pd.DataFrame:
    """One row per recorded audit, oldest first; empty without a history."""
    if report.trend is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TREND_COLUMNS})
    trend = report.trend.rename(columns={"suppressed": "suppressed_findings"})
    return shown(trend, TREND_COLUMNS)


def history_frames(report: Report) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) of each sheet this module adds, in workbook order."""
    changes = shown(report.changed, CHANGE_COLUMNS)
    muted = shown(report.suppressions, SUPPRESSED_COLUMNS)
    return [("Changes", changes), ("Trend", trend_table(report)), ("Suppressions", muted)]


def add_trend_chart(wb: Workbook, report: Report, money: str, rows: int) -> None:
    """A native bar chart of the monthly waste at each audit, beside the Trend table.

    Drawn only from two audits up (one bar is no trend), from the sheet's own cells, so the
    numbers behind each bar are in the workbook. ``rows`` is how many data rows were written.
    """
    if rows < 2:
        return
    ws: WriteOnlyWorksheet = wb["Trend"]
    waste = TREND_COLUMNS.index("monthly_waste") + 1
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Monthly waste at each audit ({report.currency})"
    chart.legend = None
    chart.y_axis.number_format = money
    chart.y_axis.majorGridlines = None
    chart.x_axis.number_format = "yyyy-mm-dd"
    chart.x_axis.delete = False  # openpyxl hides both axes by default in recent Excel
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=waste, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=rows + 1))
    chart.gapWidth = 60
    chart.height = 8
    chart.width = 18
    bars = chart.series[0].graphicalProperties
    bars.solidFill = WASTE_COLOUR  # the waste red of the Summary's chart and the HTML
    bars.line.solidFill = WASTE_COLOUR
    ws.add_chart(chart, "H2")  # type: ignore[misc]  # stubs type add_chart for Worksheet only


def history_rows(report: Report, money: str) -> list[_Row]:
    """The Summary's rows about the previous audit and the suppressions."""
    suppressed = (
        "Suppressed findings (in no total)",
        report.summary.suppressed_findings,
        None,
    )
    changes = report.changes
    if changes is None:
        kept = "none kept for this audit: the Changes and Trend sheets are empty"
        return [("History", kept, None), suppressed]
    if changes.previous_as_of is None:
        # a first audit has nothing to compare: no "48 new, 0 resolved, 0 saved" rows
        first = "none: this is the first in the history; the next audit says what changed"
        return [("Previous audit", first, None), suppressed]
    previous: _Row = ("Previous audit", changes.previous_as_of, None)
    return [
        previous,
        ("New findings since then (Changes sheet)", len(changes.new), None),
        ("Resolved findings since then (Changes sheet)", len(changes.resolved), None),
        ("Findings still open since then", changes.persisting, None),
        ("Realised monthly saving since then", amount(report.realised_monthly_saving_cents), money),
        suppressed,
    ]


def _date(value: object) -> object:
    """A date for a date, a timestamp or ISO date text; anything else as it is."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value  # not a date: kept as text rather than blanked
    return value
