"""A data sheet's rows as SpreadsheetML, built a column at a time and streamed into openpyxl.

Why this exists: openpyxl spends about 10 µs of Python on every cell it writes, so the Users
sheet of a 100,000-user tenant (1.6 million cells) took 18 s, two thirds of the whole audit.
Here each column becomes its cells' XML in a handful of vectorised string operations, and the
rows go straight into the worksheet part openpyxl is writing: after the header row openpyxl
wrote, before the tail (table part, validations, print set-up) it writes when the workbook
is saved. Everything else about the sheet stays openpyxl's.

The cells are the ones :func:`auditor.render.cells.xlsx_cell` makes, typed by the same
:func:`auditor.render.cells.typed_value`: inline strings (a quote-prefix style when the text
starts with a formula prefix, so it can never be evaluated), numbers, booleans, and dates as
Excel serials in ISO formats. :func:`cell_xml` is the reference, one value at a time;
:func:`column_xml` handles whole columns of the common dtypes at once and sends any value that
needs care to :func:`cell_xml`. Tests hold the two to identical output and read the workbook
back against what openpyxl itself writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import IO, Any, Final

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from auditor.render.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_PREFIXES,
    ILLEGAL_PATTERN,
    MAX_CELL_CHARS,
    typed_value,
)

#: Rows built and written at a time: big enough for vectorising to pay, small enough that a
#: million-row sheet never holds its whole XML in memory.
CHUNK_ROWS: Final = 10_000

#: Excel's day zero in the 1900 date system (openpyxl's WINDOWS_EPOCH).
_EPOCH: Final = dt.datetime(1899, 12, 30)
_EPOCH64: Final = np.datetime64("1899-12-30T00:00:00", "us")
_DAY_US: Final = 86_400_000_000

#: Text with XML whitespace at either end must say so, or Excel trims it on opening.
_EDGE_SPACE: Final = r"^[ \t\n\r]|[ \t\n\r]$"
_EDGE_SPACE_RE: Final = re.compile(_EDGE_SPACE)

#: What XML text must escape; CR too, which an XML parser would otherwise read as LF.
_ESCAPES: Final = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))


@dataclass(frozen=True)
class Styles:
    """The workbook's style ids for the cells that carry one."""

    quoted: int  # text starting with a formula prefix: Excel's quote prefix
    date: int
    datetime: int
    money: int

    @classmethod
    def of(cls, ws: WriteOnlyWorksheet, money_format: str) -> Styles:
        """Register the styles in ``ws``'s workbook, as openpyxl would for such cells."""
        return cls(
            quoted=style_id(ws, quote=True),
            date=style_id(ws, DATE_FORMAT),
            datetime=style_id(ws, DATETIME_FORMAT),
            money=style_id(ws, money_format),
        )


def style_id(
    ws: WriteOnlyWorksheet, number_format: str | None = None, *, quote: bool = False
) -> int:
    """The id of a cell style with ``number_format`` and/or the quote prefix, registered once."""
    cell = WriteOnlyCell(ws)
    if number_format is not None:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    return cell.style_id


def cell_xml(value: object, ref: str, styles: Styles, *, money: bool = False) -> str:
    """One value's ``<c>`` element at ``ref`` (``""`` for an empty cell): the reference path."""
    typed = typed_value(value)
    if typed is None or typed == "":
        return ""
    if isinstance(typed, str):
        style = f' s="{styles.quoted}"' if typed.startswith(FORMULA_PREFIXES) else ""
        space = ' xml:space="preserve"' if _EDGE_SPACE_RE.search(typed) else ""
        return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{escape(typed)}</t></is></c>'
    style = f' s="{styles.money}"' if money else ""
    if isinstance(typed, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(typed)}</v></c>'
    if isinstance(typed, int | float):
        return f'<c r="{ref}"{style}><v>{typed!r}</v></c>'
    serial, timed = excel_serial(typed)
    number = styles.money if money else styles.datetime if timed else styles.date
    return f'<c r="{ref}" s="{number}"><v>{serial}</v></c>'


def escape(text: str) -> str:
    """``text`` as XML character data."""
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text


def excel_serial(value: dt.date) -> tuple[str, bool]:
    """A date's Excel serial as text, and whether it has a time of day (openpyxl's arithmetic).

    Days count from 1899-12-30 and, as in Excel, days before 1900-03-01 one fewer (Excel's
    phantom 1900-02-29); the time is a fraction of a day, to the microsecond.
    """
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    delta = moment - _EPOCH
    days = delta.days - 1 if 0 < delta.days <= 60 else delta.days
    micros = delta.seconds * 1_000_000 + delta.microseconds
    return (repr(days + micros / _DAY_US), True) if micros else (str(days), False)


def column_xml(
    values: pd.Series, letter: str, rows: pd.Series, styles: Styles, *, money: bool = False
) -> pd.Series:
    """Each value's ``<c>`` element (``""`` where empty), equal to :func:`cell_xml` on each.

    ``rows`` holds the row numbers as text, on ``values``' index. Booleans, integers, floats,
    datetimes and text are built as whole columns; anything else (object columns mixing
    types) goes value by value.
    """
    refs = '<c r="' + letter + rows
    style = f' s="{styles.money}"' if money else ""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        present = values.notna()
        digits = values.fillna(False).astype("int64").astype("str")
        return _where(refs + f'" t="b"{style}><v>' + digits + "</v></c>", present)
    if pd.api.types.is_integer_dtype(dtype):
        present = values.notna()
        return _where(refs + f'"{style}><v>' + values.astype("str") + "</v></c>", present)
    if pd.api.types.is_float_dtype(dtype):
        numbers = values.astype("float64")
        finite = pd.Series(np.isfinite(numbers.to_numpy()), index=values.index)
        return _where(refs + f'"{style}><v>' + numbers.astype("str") + "</v></c>", finite)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _dates(values, refs, styles, money=money)
    if pd.api.types.is_string_dtype(dtype) and pd.api.types.infer_dtype(values) in _TEXTUAL:
        return _text(values.astype("str"), refs, letter, rows, styles)
    cells = [
        cell_xml(v, f"{letter}{r}", styles, money=money)
        for v, r in zip(values.tolist(), rows.tolist(), strict=True)
    ]
    return pd.Series(cells, index=values.index, dtype="str")


#: Object columns pandas infers as these hold only text and missing values.
_TEXTUAL: Final = frozenset({"string", "empty"})


def _text(
    text: pd.Series, refs: pd.Series, letter: str, rows: pd.Series, styles: Styles
) -> pd.Series:
    """Text cells; the few with spaces to preserve go through :func:`cell_xml`."""
    clean = text.str.replace(ILLEGAL_PATTERN, "", regex=True).str.slice(0, MAX_CELL_CHARS)
    body = clean
    for char, entity in _ESCAPES:
        body = body.str.replace(char, entity, regex=False)
    quoted = clean.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
    opening = pd.Series('" t="inlineStr"><is><t>', index=text.index, dtype="str")
    opening = opening.mask(quoted, f'" t="inlineStr" s="{styles.quoted}"><is><t>')
    cells = _where(refs + opening + body + "</t></is></c>", clean.notna() & clean.ne(""))
    spaced = clean.str.contains(_EDGE_SPACE, regex=True).fillna(False).astype(bool)
    if spaced.any():
        cells[spaced] = [
            cell_xml(v, f"{letter}{r}", styles)
            for v, r in zip(clean[spaced].tolist(), rows[spaced].tolist(), strict=True)
        ]
    return cells


def _dates(values: pd.Series, refs: pd.Series, styles: Styles, *, money: bool) -> pd.Series:
    """Date cells: Excel serials computed in bulk with :func:`excel_serial`'s arithmetic."""
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    moments = values.to_numpy(dtype="datetime64[us]")
    present = ~np.isnat(moments)
    delta = np.where(present, moments, _EPOCH64) - _EPOCH64
    days = delta // np.timedelta64(1, "D")
    micros = (delta - days * np.timedelta64(1, "D")).astype("int64")
    days = np.where((days > 0) & (days <= 60), days - 1, days)
    timed = micros != 0
    whole = pd.Series(days, index=values.index).astype("str")
    serial = whole.mask(timed, pd.Series(days + micros / _DAY_US, index=values.index).astype("str"))
    if money:
        number = pd.Series(f'" s="{styles.money}"><v>', index=values.index, dtype="str")
    else:
        number = pd.Series(f'" s="{styles.date}"><v>', index=values.index, dtype="str")
        number = number.mask(timed, f'" s="{styles.datetime}"><v>')
    return _where(refs + number + serial + "</v></c>", pd.Series(present, index=values.index))


def _where(cells: pd.Series, present: pd.Series) -> pd.Series:
    """``cells`` where ``present``, else the empty cell ``""``."""
    return cells.where(present.fillna(False).astype(bool), "")


@dataclass(frozen=True)
class BlankColumn:
    """A column of empty cells for people to fill in, with the style its values will take."""

    style: int | None = None


def rows_xml(
    frame: pd.DataFrame,
    first_row: int,
    styles: Styles,
    money: Sequence[bool],
    blanks: Sequence[BlankColumn] = (),
) -> Iterator[str]:
    """``frame``'s rows from sheet row ``first_row`` on, as ``<row>`` elements, a chunk at a time.

    ``money[i]`` says whether column ``i`` takes the money format; ``blanks`` are empty
    columns after the frame's (a styled one still gets its cell, so a date typed in it
    shows as a date).
    """
    width = len(frame.columns)
    letters = [get_column_letter(i) for i in range(1, width + len(blanks) + 1)]
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS].reset_index(drop=True)  # no alignment
        numbers = np.arange(first_row + start, first_row + start + len(chunk))
        rows = pd.Series(numbers).astype("str")
        columns = [
            column_xml(chunk.iloc[:, i], letters[i], rows, styles, money=money[i])
            for i in range(width)
        ]
        for offset, blank in enumerate(blanks):
            if blank.style is not None:
                columns.append(f'<c r="{letters[width + offset]}' + rows + f'" s="{blank.style}"/>')
        starts = '<row r="' + rows + '">'
        lists = [starts.tolist(), *(c.tolist() for c in columns), repeat("</row>")]
        yield "".join(chain.from_iterable(zip(*lists, strict=False)))


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer, holding its own file so rows built here join its stream.

    Made right after the sheet's layout is set and before its header row, it stands in for
    the writer a write-only sheet makes on its first row. Rows appended to the sheet go through
    openpyxl as usual; :meth:`write_rows_xml` adds rows built elsewhere, in order, in between.
    """

    _handle: IO[bytes]
    _stream: Any  # lxml's incremental writer

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        super().__init__(ws)
        self.write_top()
        ws._writer = self  # type: ignore[attr-defined]  # as WriteOnlyWorksheet._get_writer does

    def get_stream(self) -> Generator[Any, Any, None]:
        """openpyxl's stream, over a file opened here so that raw rows can be written to it."""
        path = self.out
        assert isinstance(path, str)  # a temporary file: WorksheetWriter made it, given no out
        with open(path, "wb") as handle, xmlfile(handle) as xf:
            self._handle, self._stream = handle, xf
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        element = yield
                        if element is True:
                            yield xf
                        elif element is not None:
                            xf.write(element)
                except GeneratorExit:
                    pass

    def write_rows_xml(self, rows: Iterator[str]) -> None:
        """Append ``<row>`` elements after the rows written so far (the header, at least)."""
        if getattr(self.ws, "_rows", None) is None:
            # before any appended row the stream is outside <sheetData>: the file would be bad
            raise RuntimeError("append the header row before writing rows as XML")
        for xml in rows:
            self._stream.flush()  # what lxml holds goes first
            self._handle.write(xml.encode("utf-8"))
