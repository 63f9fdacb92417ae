"""The data sheets: one typed row per record, a styled table with filters over all of them.

Findings, Ledger, Licenses, Sites, Users, Cancellation, Reassign and Tax are all the same shape: a
header people read (see :func:`layout.label`), rows whose cells are typed by
:mod:`auditor.render.cells` (money in the currency format, counts as numbers, dates as dates,
tenant text never a formula), and columns a person fills in where the sheet is a worksheet
(Cancellation's and Ledger's Owner, Decision and Due).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from auditor.render.cells import DATE_FORMAT
from auditor.render.xlsx.layout import (
    WIDTH_SAMPLE,
    add_table,
    header_row,
    header_width,
    label,
    prepare,
    width,
)
from auditor.render.xlsx.sheetdata import BlankColumn, RowWriter, Styles, rows_xml, style_id
from auditor.vocab import MONEY_COLUMNS

#: The choices offered in a worksheet's Decision column.
DECISIONS: Final = ("Cancel", "Reassign", "Keep", "Later")


@dataclass(frozen=True)
class WorkColumn:
    """An empty column for people to fill in: its header, width and cell format."""

    header: str
    width: float
    number_format: str | None = None
    choices: tuple[str, ...] = ()


#: Owner, Decision and Due: what procurement fills in on the Cancellation and Ledger sheets.
WORK_COLUMNS: Final = (
    WorkColumn("Owner", 18.0),
    WorkColumn("Decision", 12.0, choices=DECISIONS),
    WorkColumn("Due", 12.0, number_format=DATE_FORMAT),
)


@dataclass(frozen=True)
class DataSheet:
    """One data sheet: its title, its table's name, the rows, and any columns to fill in."""

    title: str
    table: str
    frame: pd.DataFrame
    work: tuple[WorkColumn, ...] = ()


def write_sheet(wb: Workbook, sheet: DataSheet, money: str, max_rows: int) -> None:
    """Write ``sheet``: frozen header, typed rows up to ``max_rows``, a table over all of it.

    The header goes through openpyxl; the rows, built as XML a column at a time by
    :mod:`auditor.render.xlsx.sheetdata`, follow it into the same stream.
    """
    ws: WriteOnlyWorksheet = wb.create_sheet(sheet.title)
    frame = sheet.frame
    columns = [str(c) for c in frame.columns]
    headers = [*(label(c) for c in columns), *(w.header for w in sheet.work)]
    count = min(len(frame), max_rows)
    head = frame.head(WIDTH_SAMPLE)
    widths = [
        width(["x" * header_width(h), *head[c]], money=c in MONEY_COLUMNS) + 2  # filter button
        for h, c in zip(headers, columns, strict=False)
    ]
    widths += [w.width for w in sheet.work]
    prepare(ws, widths)
    writer = RowWriter(ws)
    header_row(ws, headers, widths)
    blanks = [
        BlankColumn(style_id(ws, w.number_format) if w.number_format else None) for w in sheet.work
    ]
    body = rows_xml(
        frame.head(count),
        first_row=2,
        styles=Styles.of(ws, money),
        money=[c in MONEY_COLUMNS for c in columns],
        blanks=blanks,
    )
    writer.write_rows_xml(body)
    _validate(ws, sheet.work, first=len(columns) + 1, rows=count)
    add_table(ws, sheet.table, headers, count)


def _validate(ws: WriteOnlyWorksheet, work: tuple[WorkColumn, ...], first: int, rows: int) -> None:
    """A drop-down of the allowed choices on each work column that has them."""
    for offset, column in enumerate(work):
        if not column.choices or rows == 0:
            continue
        letter = get_column_letter(first + offset)
        # a constant list, written by us: no tenant text reaches a formula
        rule = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
        )
        rule.add(f"{letter}2:{letter}{rows + 1}")
        ws.data_validations.append(rule)  # type: ignore[attr-defined]
