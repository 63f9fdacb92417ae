"""xlsx_column must type every cell exactly as xlsx_value would, only faster."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell import Cell

from auditor.render.cells import xlsx_column, xlsx_value


def _shape(value: object) -> object:
    """What a cell amounts to: a Cell by its value, type, format and quote prefix."""
    if isinstance(value, Cell):
        return ("cell", value.value, value.data_type, value.number_format, value.quotePrefix)
    return ("plain", value, type(value).__name__)


def _same(series: pd.Series, number_format: str | None = None) -> None:
    ws = Workbook(write_only=True).create_sheet("t")
    fast = [_shape(v) for v in xlsx_column(ws, series, number_format=number_format)]
    slow = [_shape(xlsx_value(ws, v, number_format=number_format)) for v in series.tolist()]
    assert fast == slow


TEXT = st.text(alphabet=st.sampled_from([*"ab =+-@\t\r\x01\x0b#N/A!0", "\u202e", "é"]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(TEXT, max_size=20))
def test_text_columns(values: list[str]) -> None:
    _same(pd.Series(values, dtype=object))
    _same(pd.Series(values, dtype="str"))


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1, 2, 3], dtype="int64"),
        pd.Series([True, False]),
        pd.Series([1.5, float("nan"), float("inf")]),
        pd.Series(pd.to_datetime(["2026-01-02", None, "2025-12-31"])).astype("datetime64[s]"),
        pd.Series(pd.to_datetime(["2026-01-02T10:30:00", "2026-01-03T00:00:00"])),
        pd.Series([dt.date(2026, 1, 2), None, "text"], dtype=object),
        pd.Series(["#N/A", "#REF!", "ok", None], dtype=object),
        pd.Series(["x" * 40_000, "short"]),
        pd.Series([], dtype="str"),
    ],
    ids=["int", "bool", "float", "dates", "times", "mixed", "errors", "long", "empty"],
)
def test_typed_columns(series: pd.Series) -> None:
    _same(series)


def test_money_columns_keep_their_format() -> None:
    _same(pd.Series([24.0, None, 1200.5]), number_format='"USD" #,##0.00')
