"""Rows built as XML a column at a time must be the cells openpyxl itself would write.

Two holds: the vectorised column paths give, byte for byte, what the one-value reference
(:func:`cell_xml`) gives; and a sheet written through :class:`RowWriter` reads back (with
openpyxl) as the same values, types and styles as the same values written cell by cell with
:func:`xlsx_value`, the path the Summary takes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.datetime import to_excel

from auditor.render.cells import xlsx_cell, xlsx_value
from auditor.render.xlsx import sheetdata
from auditor.render.xlsx.sheetdata import (
    BlankColumn,
    RowWriter,
    Styles,
    cell_xml,
    column_xml,
    excel_serial,
    rows_xml,
)

MONEY = '"USD" #,##0.00'

TEXT = st.text(
    alphabet=st.sampled_from([*"ab =+-@#&<>'\"\t\r\n\x01\x0b/N!0 ", "\u202e", "é", "\u00a0", "😀"]),
    max_size=10,
)
MOMENTS = st.datetimes(min_value=dt.datetime(1899, 1, 1), max_value=dt.datetime(2200, 12, 31))


def _styles() -> Styles:
    return Styles.of(Workbook(write_only=True).create_sheet("t"), MONEY)


def _same(series: pd.Series, *, money: bool = False) -> None:
    """The column path's cells equal the reference's, value by value."""
    styles = _styles()
    rows = pd.Series(np.arange(2, len(series) + 2), index=series.index).astype("str")
    fast = column_xml(series, "C", rows, styles, money=money).tolist()
    slow = [
        cell_xml(v, f"C{r}", styles, money=money)
        for v, r in zip(series.tolist(), rows.tolist(), strict=True)
    ]
    assert fast == slow


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(TEXT, st.none()), max_size=20))
def test_text_columns_match_the_reference(values: list[str | None]) -> None:
    _same(pd.Series(values, dtype=object))
    _same(pd.Series(values, dtype="str"))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), max_size=20
    ),
    money=st.booleans(),
)
def test_float_columns_match_the_reference(values: list[float | None], money: bool) -> None:
    _same(pd.Series(values, dtype="float64"), money=money)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=20), money=st.booleans())
def test_integer_columns_match_the_reference(values: list[int], money: bool) -> None:
    _same(pd.Series(values, dtype="int64"), money=money)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(-(10**9), 10**9)), max_size=20))
def test_nullable_integer_columns_match_the_reference(values: list[int | None]) -> None:
    _same(pd.Series(values, dtype="Int64"))


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), MOMENTS), max_size=20), tz=st.booleans())
def test_datetime_columns_match_the_reference(values: list[dt.datetime | None], tz: bool) -> None:
    series = pd.Series(pd.to_datetime(values)).astype("datetime64[us]")
    if tz:
        series = series.dt.tz_localize("UTC").dt.tz_convert("America/Chicago")
    _same(series)
    _same(series, money=True)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.dates(min_value=dt.date(1899, 6, 1))), max_size=20))
def test_midnight_datetimes_in_seconds_match_the_reference(values: list[dt.date | None]) -> None:
    series = pd.Series(pd.to_datetime(values)).astype("datetime64[s]")
    _same(series)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([True, False, True]),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([dt.date(2026, 1, 2), None, "text", 3, 2.5, True], dtype=object),
        pd.Series([["X2", "Rec"], [], None], dtype=object),
        pd.Series(["#N/A", "#REF!", "ok", None, ""], dtype=object),
        pd.Series(["x" * 40_000, "short"]),
        pd.Series([], dtype="str"),
        pd.Series([None, None], dtype=object),
        pd.Series([float("nan"), None], dtype=object),
    ],
    ids=["bool", "nullable-bool", "mixed", "lists", "errors", "long", "empty", "none", "nan"],
)
def test_other_columns_match_the_reference(series: pd.Series) -> None:
    _same(series)


@pytest.mark.parametrize(
    "day",
    [dt.date(1899, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
     dt.date(1900, 3, 1), dt.date(2026, 11, 27)],
)  # fmt: skip
def test_excel_serials_are_openpyxls(day: dt.date) -> None:
    """openpyxl's to_excel is the oracle, its shift of days before 1900-03-01 included."""
    serial, timed = excel_serial(day)
    assert not timed
    assert int(serial) == to_excel(day)
    noon = dt.datetime.combine(day, dt.time(12, 0, 0, 500))
    serial, timed = excel_serial(noon)
    assert timed
    assert float(serial) == pytest.approx(to_excel(noon), abs=1e-9)


def test_a_known_serial() -> None:
    assert excel_serial(dt.date(2026, 11, 27)) == ("46353", False)


def _sheet(path: Path, frame: pd.DataFrame, money: list[bool], fast: bool) -> None:
    """``frame`` under a header, through RowWriter (``fast``) or cell by cell with xlsx_value.

    xlsx_value is how the data sheets' cells were made before RowWriter, and how the Summary's
    still are: openpyxl typing each cell, told what the type is.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    writer = RowWriter(ws) if fast else None
    ws.append([xlsx_cell(ws, str(c), bold=True) for c in frame.columns])
    if writer is not None:
        styles = Styles.of(ws, MONEY)
        blanks = [BlankColumn(), BlankColumn(styles.date)]
        writer.write_rows_xml(rows_xml(frame, 2, styles, money, blanks=blanks))
    else:
        for row in frame.itertuples(index=False):
            cells = [
                xlsx_value(ws, v, number_format=MONEY if m else None)
                for v, m in zip(row, money, strict=True)
            ]
            ws.append([*cells, None, xlsx_cell(ws, None, number_format="yyyy-mm-dd")])
    wb.save(path)


def _cells(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)["t"]
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b)
        for row in ws.iter_rows()
        for c in row
        if isinstance(c, Cell) and (c.value is not None or c.has_style)
    ]


def _close(ours: object, theirs: object) -> bool:
    """Equal, or floats within openpyxl's 16 significant digits (ours keep all 17)."""
    if isinstance(ours, float) and isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=1e-15)
    if isinstance(ours, dt.datetime) and isinstance(theirs, dt.datetime):
        return abs(ours - theirs) <= dt.timedelta(milliseconds=1)
    return ours == theirs


def _hostile_frame() -> pd.DataFrame:
    texts = ["=1+1", " lead", "trail ", "a<b&c>d]]>", "\r\nCR", "\x01ctl", "#N/A", "ok", None, ""]
    n = len(texts)
    return pd.DataFrame(
        {
            "text": pd.Series(texts, dtype="str"),
            "object": pd.Series([dt.date(2026, 1, 2), "x", 3, 2.5, True, None, [1, 2], "-", "", 0]),
            "count": pd.Series(range(n), dtype="int64"),
            "maybe": pd.Series([1, None] * (n // 2), dtype="Int64"),
            "cost": pd.Series(
                [0.1 + 0.2, 1e20, -0.0, float("nan"), float("inf"), 24.0] + [5.5] * 4
            ),
            "flag": pd.Series([True, False] * (n // 2)),
            "day": pd.Series(
                pd.to_datetime(["2026-11-27", None, "1900-02-01"] * 3 + ["2020-01-01"])
            ),
            "when": pd.Series(pd.to_datetime(["2026-11-27 13:45:10.250", None] * (n // 2))),
        }
    )


def test_a_sheet_reads_back_as_openpyxl_writes_it(tmp_path: Path) -> None:
    frame = _hostile_frame()
    money = [False, False, False, False, True, False, False, False]
    _sheet(tmp_path / "fast.xlsx", frame, money, fast=True)
    _sheet(tmp_path / "slow.xlsx", frame, money, fast=False)
    ours, theirs = _cells(tmp_path / "fast.xlsx"), _cells(tmp_path / "slow.xlsx")
    assert [c[0] for c in ours] == [c[0] for c in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        assert _close(mine[1], reference[1]), (mine, reference)
        assert mine[2:] == reference[2:], (mine, reference)


def test_text_survives_exactly(tmp_path: Path) -> None:
    frame = _hostile_frame()
    _sheet(tmp_path / "fast.xlsx", frame, [False] * 8, fast=True)
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["t"]
    got = [ws.cell(row=r, column=1).value for r in range(2, len(frame) + 2)]
    want = ["=1+1", " lead", "trail ", "a<b&c>d]]>", "\r\nCR", "ctl", "#N/A", "ok", None, None]
    assert got == want
    assert ws["A2"].data_type == "s"
    assert ws["A2"].quotePrefix
    assert ws["E2"].value == 0.1 + 0.2  # all 17 digits kept


def test_rows_stream_in_chunks_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetdata, "CHUNK_ROWS", 3)
    frame = pd.DataFrame({"n": range(10), "s": [f"row {i}" for i in range(10)]})
    frame.index = pd.Index(range(100, 110))  # the frame's own index must not matter
    _sheet(tmp_path / "fast.xlsx", frame, [False, False], fast=True)
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["t"]
    rows = [tuple(c.value for c in row[:2]) for row in ws.iter_rows()]
    assert rows == [("n", "s"), *((i, f"row {i}") for i in range(10))]
    assert ws["D11"].number_format == "yyyy-mm-dd"  # the styled blank column, on the last row


@pytest.mark.parametrize("make", [lambda: pd.DataFrame({"a": []}), lambda: pd.DataFrame()])
def test_no_rows_leaves_just_the_header(tmp_path: Path, make: Callable[[], pd.DataFrame]) -> None:
    frame = make()
    _sheet(tmp_path / "fast.xlsx", frame, [False] * len(frame.columns), fast=True)
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["t"]
    assert ws.max_row == 1


def test_rows_before_the_header_are_refused() -> None:
    ws = Workbook(write_only=True).create_sheet("t")
    writer = RowWriter(ws)
    with pytest.raises(RuntimeError, match="header row"):
        writer.write_rows_xml(iter(["<row r='1'/>"]))


def test_a_frame_with_a_repeated_index_keeps_its_rows(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": [1, 2, 3], "s": [" a", "b", "=c"]}, index=[7, 7, 7])
    _sheet(tmp_path / "fast.xlsx", frame, [False, False], fast=True)
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["t"]
    assert [tuple(c.value for c in row[:2]) for row in ws.iter_rows(min_row=2)] == [
        (1, " a"), (2, "b"), (3, "=c")
    ]  # fmt: skip
