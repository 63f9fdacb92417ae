"""The cell helpers: tenant text never becomes a formula, and every value gets its real type."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from auditor.render.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_PREFIXES,
    MAX_CELL_CHARS,
    is_missing,
    money_format,
    neutralise,
    xlsx_cell,
    xlsx_value,
)

#: Text biased towards the characters that matter here: formula prefixes and quotes.
risky_text = st.text(st.sampled_from([*FORMULA_PREFIXES, "'", "a", "1", " ", "\n"])) | st.text()


@pytest.fixture(scope="module")
def ws() -> WriteOnlyWorksheet:
    sheet: WriteOnlyWorksheet = Workbook(write_only=True).create_sheet("t")
    return sheet


@given(risky_text)
def test_neutralise_never_leaves_a_formula_prefix(text: str) -> None:
    assert not neutralise(text).startswith(FORMULA_PREFIXES)


@given(risky_text)
def test_neutralise_changes_only_risky_text(text: str) -> None:
    if text.startswith(FORMULA_PREFIXES):
        assert neutralise(text) == "'" + text
    else:
        assert neutralise(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana", "Ana"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_examples(text: str, expected: str) -> None:
    assert neutralise(text) == expected


@given(risky_text)
def test_text_is_always_a_string_cell(text: str) -> None:
    ws: WriteOnlyWorksheet = Workbook(write_only=True).create_sheet("t")
    cell = xlsx_cell(ws, text)
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    assert cell.data_type == "s"
    assert cell.value == clean
    assert cell.quotePrefix is clean.startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "#N/A", "#DIV/0!", "=", "+1+1", "@SUM(A1)"]
)
def test_formula_and_error_lookalikes_stay_strings(ws: WriteOnlyWorksheet, text: str) -> None:
    cell = xlsx_cell(ws, text)
    assert (cell.value, cell.data_type) == (text, "s")


def test_control_characters_are_dropped_and_long_text_cut(ws: WriteOnlyWorksheet) -> None:
    assert xlsx_cell(ws, "a\x00b\x1fc").value == "abc"
    assert xlsx_cell(ws, "tab\tand\nnewline").value == "tab\tand\nnewline"
    long = xlsx_cell(ws, "x" * (MAX_CELL_CHARS + 10)).value
    assert isinstance(long, str)
    assert len(long) == MAX_CELL_CHARS


class Colour(StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected", "data_type"),
    [
        (3, 3, "n"),
        (np.int64(7), 7, "n"),
        (2.5, 2.5, "n"),
        (np.float64(1.25), 1.25, "n"),
        (True, True, "b"),
        (np.bool_(False), False, "b"),
        (Colour.RED, "red", "s"),
        (["X2", "X4"], "X2; X4", "s"),
        (("X2", None), "X2", "s"),
    ],
)
def test_values_keep_their_type(
    ws: WriteOnlyWorksheet, value: object, expected: object, data_type: str
) -> None:
    cell = xlsx_cell(ws, value)
    assert cell.value == expected
    assert type(cell.value) is type(expected)
    assert cell.data_type == data_type


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), np.float64("nan"), float("inf"), pd.NA, pd.NaT, np.datetime64("NaT")],
)
def test_missing_values_are_empty(ws: WriteOnlyWorksheet, value: object) -> None:
    assert xlsx_cell(ws, value).value is None


def test_dates_get_an_iso_date_format(ws: WriteOnlyWorksheet) -> None:
    day = xlsx_cell(ws, dt.date(2026, 11, 1))
    assert (day.value, day.number_format) == (dt.date(2026, 11, 1), DATE_FORMAT)
    midnight = xlsx_cell(ws, pd.Timestamp("2026-08-20"))
    assert (midnight.value, midnight.number_format) == (dt.datetime(2026, 8, 20), DATE_FORMAT)
    timed = xlsx_cell(ws, np.datetime64("2026-08-20T10:15:00"))
    assert (timed.value, timed.number_format) == (dt.datetime(2026, 8, 20, 10, 15), DATETIME_FORMAT)


def test_zoned_datetimes_become_naive_utc(ws: WriteOnlyWorksheet) -> None:
    zone = dt.timezone(dt.timedelta(hours=2))
    cell = xlsx_cell(ws, dt.datetime(2026, 11, 2, 14, 0, tzinfo=zone))
    assert cell.value == dt.datetime(2026, 11, 2, 12, 0)


def test_number_format_and_bold(ws: WriteOnlyWorksheet) -> None:
    cell = xlsx_cell(ws, 82.0, number_format=money_format("USD"))
    assert cell.number_format == '"USD" #,##0.00'
    assert xlsx_cell(ws, "Figure", bold=True).font.b


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        ("USD", '"USD" #,##0.00'),
        ("eur", '"EUR" #,##0.00'),
        ('U"S;D', '"USD" #,##0.00'),
        ("", "#,##0.00"),
    ],
)
def test_money_format_keeps_only_the_code(currency: str, expected: str) -> None:
    assert money_format(currency) == expected


@pytest.mark.parametrize(
    ("value", "missing"),
    [(None, True), (pd.NA, True), (pd.NaT, True), (float("nan"), True), (0, False), ("", False)],
)
def test_is_missing(value: object, missing: bool) -> None:
    assert is_missing(value) is missing


def as_bound(ws: WriteOnlyWorksheet, out: object) -> Cell:
    """What a write-only sheet makes of one appended item: a Cell as is, else a bound value."""
    if isinstance(out, Cell):
        return out
    cell = WriteOnlyCell(ws)
    cell.value = out  # type: ignore[assignment]
    return cell


def midnight(value: dt.date) -> dt.datetime:
    """A date as the datetime Excel stores for it (dates are day serials at midnight)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def same_cell(plain: Cell, reference: Cell) -> None:
    """Two cells that are written to the file identically."""
    assert plain.data_type == reference.data_type
    assert plain.number_format == reference.number_format
    assert plain.quotePrefix == reference.quotePrefix
    if isinstance(reference.value, dt.date):
        assert isinstance(plain.value, dt.date)
        assert midnight(plain.value) == midnight(reference.value)
    else:
        assert plain.value == reference.value


@given(risky_text)
def test_plain_text_is_written_as_xlsx_cell_would(text: str) -> None:
    ws: WriteOnlyWorksheet = Workbook(write_only=True).create_sheet("t")
    bound = as_bound(ws, xlsx_value(ws, text))
    assert bound.data_type == "s"
    same_cell(bound, xlsx_cell(ws, text))


@pytest.mark.parametrize(
    ("value", "number_format"),
    [
        (3, None),
        (2.5, None),
        (82.0, '"USD" #,##0.00'),
        (True, None),
        ("#N/A", None),
        ("=1+1", None),
        ("-2", None),
        ("plain", None),
        (dt.date(2026, 11, 1), None),
        (pd.Timestamp("2026-08-20"), None),
        (pd.Timestamp("2026-08-20 10:15"), None),
        (dt.datetime(2026, 8, 20, tzinfo=dt.UTC), None),
    ],
)
def test_xlsx_value_writes_what_xlsx_cell_writes(
    ws: WriteOnlyWorksheet, value: object, number_format: str | None
) -> None:
    plain = as_bound(ws, xlsx_value(ws, value, number_format=number_format))
    same_cell(plain, xlsx_cell(ws, value, number_format=number_format))


@pytest.mark.parametrize("value", [None, float("nan"), pd.NaT, pd.NA])
def test_xlsx_value_leaves_missing_values_out(ws: WriteOnlyWorksheet, value: object) -> None:
    assert xlsx_value(ws, value, number_format='"USD" #,##0.00') is None
