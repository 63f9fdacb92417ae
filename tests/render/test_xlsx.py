"""audit.xlsx read back as procurement would open it: typed, filtered, formula-free."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from auditor.model import FINDING_COLUMNS, POOL_COLUMNS, Report
from auditor.render import xlsx
from auditor.render.xlsx import USER_COLUMNS, write_xlsx
from tests.render.conftest import HOSTILE, SKIPPED, WARNING, finding, make_report

SHEETS = ["Summary", "Findings", "Licenses", "Users"]
MONEY = '"USD" #,##0.00'


def written(report: Report, tmp_path: Path) -> Workbook:
    """Write ``report`` and open the file again in normal (not read-only) mode."""
    path = tmp_path / "audit.xlsx"
    write_xlsx(report, path)
    return openpyxl.load_workbook(path)


def cells(wb: Workbook) -> Iterator[Cell]:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert isinstance(cell, Cell)
                yield cell


def header(ws: Worksheet) -> list[object]:
    return [c.value for c in ws[1]]


def column(ws: Worksheet, name: str) -> list[Cell]:
    """The data cells under header ``name``."""
    index = header(ws).index(name) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=index, max_col=index)]  # type: ignore[misc]


def summary_value(ws: Worksheet, label: str) -> Cell:
    for label_cell, value_cell in ws.iter_rows(min_row=2, max_col=2):
        if label_cell.value == label:
            assert isinstance(value_cell, Cell)
            return value_cell
    raise AssertionError(f"no Summary row {label!r}")


@pytest.fixture
def tiny_wb(tiny_report: Report, tmp_path: Path) -> Workbook:
    return written(tiny_report, tmp_path)


def test_sheets_in_order(tiny_wb: Workbook) -> None:
    assert tiny_wb.sheetnames == SHEETS


def test_header_rows(tiny_wb: Workbook) -> None:
    assert header(tiny_wb["Summary"]) == ["Figure", "Value"]
    assert header(tiny_wb["Findings"]) == list(FINDING_COLUMNS)
    assert header(tiny_wb["Licenses"]) == [*POOL_COLUMNS, "price_known"]
    assert header(tiny_wb["Users"]) == list(USER_COLUMNS)


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_has_a_bold_frozen_filtered_header(tiny_wb: Workbook, sheet: str) -> None:
    ws = tiny_wb[sheet]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref
    assert ws.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in ws[1] if c.value is not None)
    widths = [d.width for d in ws.column_dimensions.values()]
    assert widths
    assert all(8 <= w <= 60 for w in widths)


def test_filter_covers_the_data(tiny_wb: Workbook) -> None:
    assert tiny_wb["Findings"].auto_filter.ref == "A1:L8"
    assert tiny_wb["Licenses"].auto_filter.ref == "A1:K4"
    assert tiny_wb["Users"].auto_filter.ref == "A1:P6"


def test_widths_follow_the_content(tiny_wb: Workbook) -> None:
    users = tiny_wb["Users"]
    assert users.column_dimensions["B"].width > users.column_dimensions["A"].width


def test_money_is_numeric_in_currency_format(tiny_wb: Workbook) -> None:
    costs = column(tiny_wb["Findings"], "monthly_cost")
    assert [c.value for c in costs] == [24, 34, 24, 24, 24, 0, 0]
    assert all(c.data_type == "n" and c.number_format == MONEY for c in costs)
    for name in ("monthly_price", "monthly_cost", "monthly_waste"):
        assert all(
            c.data_type == "n" and c.number_format == MONEY
            for c in column(tiny_wb["Licenses"], name)
        )
    summary = tiny_wb["Summary"]
    for label, amount in [("Monthly waste", 82), ("Annual waste", 984),
                          ("Monthly cost of all seats", 145)]:  # fmt: skip
        cell = summary_value(summary, label)
        assert (cell.value, cell.data_type, cell.number_format) == (amount, "n", MONEY)


def test_counts_are_integers(tiny_wb: Workbook) -> None:
    totals = column(tiny_wb["Licenses"], "total")
    assert [c.value for c in totals] == [1, 3, 2]
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in totals)
    cell = summary_value(tiny_wb["Summary"], "Seats paid for")
    assert (cell.value, cell.data_type) == (6, "n")
    seats = column(tiny_wb["Users"], "seat_count")
    assert all(isinstance(c.value, int) for c in seats)


def test_dates_are_dates(tiny_wb: Workbook) -> None:
    created = column(tiny_wb["Users"], "created_at")
    assert created[0].value == dt.datetime(2025, 1, 10)
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in created)
    deactivated = column(tiny_wb["Users"], "deactivated_at")
    assert [c.value for c in deactivated] == [None, dt.datetime(2026, 8, 20), None, None, None]
    as_of = summary_value(tiny_wb["Summary"], "As of")
    assert as_of.is_date
    assert as_of.value == dt.datetime(2026, 11, 1)
    generated = summary_value(tiny_wb["Summary"], "Generated at")
    assert generated.value == dt.datetime(2026, 11, 2, 12, 0)  # UTC, as Excel has no zones


def test_iso_date_text_in_the_users_table_becomes_dates(tmp_path: Path) -> None:
    report = make_report()
    assert report.snapshot is not None
    users = report.snapshot.users.copy()
    users["created_at"] = ["2025-01-10", "2024-11-03T09:30:00Z", "", "not a date", None]
    wb = written(make_report(users=users), tmp_path)
    values = [c.value for c in column(wb["Users"], "created_at")]
    assert values == [
        dt.datetime(2025, 1, 10),
        dt.datetime(2024, 11, 3, 9, 30),
        None,
        "not a date",
        None,
    ]


def test_missing_values_are_empty_cells(tiny_wb: Workbook) -> None:
    sites = [c.value for c in column(tiny_wb["Findings"], "site")]
    assert sites == ["San Francisco", None, "Austin", None, None, "Austin", "Austin"]


def test_unknown_price_is_an_empty_cell_and_flagged(
    unpriced_report: Report, tmp_path: Path
) -> None:
    wb = written(unpriced_report, tmp_path)
    licenses = wb["Licenses"]
    x8 = [c.value for c in column(licenses, "license_type")].index("X8")
    assert column(licenses, "monthly_price")[x8].value is None
    assert column(licenses, "monthly_cost")[x8].value == 0
    assert column(licenses, "price_known")[x8].value is False
    assert column(licenses, "price_known")[0].value is True
    known = [c.value for c in column(wb["Findings"], "cost_known")]
    assert known.count(False) == 1
    assert summary_value(wb["Summary"], "Seats with unknown price").value == 2
    assert "not free" in str(summary_value(wb["Summary"], "Price unknown").value)


def test_skipped_rules_and_warnings_are_on_the_summary(tiny_wb: Workbook) -> None:
    summary = tiny_wb["Summary"]
    assert summary_value(summary, f"Skipped rule: {SKIPPED.rule}").value == SKIPPED.reason
    assert summary_value(summary, "Warning").value == WARNING
    assert summary_value(summary, "Tenant").value == "tiny"
    assert summary_value(summary, "Findings: contact-without-license").value == 2


def test_hostile_text_stays_text(hostile_report: Report, tmp_path: Path) -> None:
    wb = written(hostile_report, tmp_path)
    found: dict[str, list[Cell]] = {text: [] for text in HOSTILE}
    for cell in cells(wb):
        assert cell.data_type != "f", cell.coordinate
        if cell.value in found:
            found[str(cell.value)].append(cell)
    for text, hits in found.items():
        assert hits, text
        for cell in hits:
            assert cell.data_type == "s"
            assert cell.quotePrefix is text.startswith(("=", "+", "-", "@", "\t"))
    assert summary_value(wb["Summary"], "Tenant").value == HOSTILE[5]
    assert column(wb["Users"], "first_name")[0].value == HOSTILE[0]


def test_no_formula_anywhere_in_the_file(hostile_report: Report, tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(hostile_report, path)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8"), name


def test_summary_has_a_native_chart_of_waste_by_license_type(
    tiny_report: Report, tmp_path: Path
) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(tiny_report, path)
    with zipfile.ZipFile(path) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
        rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    assert "barChart" in chart
    assert "'Summary'!$B$" in chart
    assert "'Summary'!$A$" in chart
    assert "drawing" in rels  # sheet1 is the Summary, and it holds the drawing
    wb = openpyxl.load_workbook(path)
    table = [
        (a.value, b.value)
        for a, b in wb["Summary"].iter_rows(min_col=1, max_col=2)
        if a.value in ("X2", "X4", "Call Recording Storage")
    ]
    assert table == [("X2", 48), ("X4", 34)]  # only types that waste money


def test_without_a_snapshot_users_is_only_a_header(tmp_path: Path) -> None:
    wb = written(make_report(snapshot=None), tmp_path)
    users = wb["Users"]
    assert header(users) == list(USER_COLUMNS)
    assert users.max_row == 1


def test_rows_past_the_excel_limit_are_noted_not_dropped_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 5)
    rows = [finding("contact-without-license", f"u{i}") for i in range(9)]
    wb = written(make_report(findings=rows), tmp_path)
    findings = wb["Findings"]
    assert findings.max_row == 5
    assert findings.auto_filter.ref == "A1:L5"
    note = str(summary_value(wb["Summary"], "Row limit").value)
    assert "Findings" in note
    assert "first 4 of 9" in note
