"""audit.xlsx read back as procurement would open it: typed, filtered, styled, formula-free."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from auditor.engine.ledger import LEDGER_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.engine.terms import LEDGER_TERM_COLUMNS
from auditor.model import Report
from auditor.render import xlsx
from auditor.render.cells import FORMULA_PREFIXES
from auditor.render.xlsx import USERS_SHEET_COLUMNS, ledger_table, write_xlsx
from auditor.render.xlsx import summary as summary_rows
from auditor.render.xlsx.layout import TABLE_STYLE, label
from tests.helpers.xlsx import (
    BRIDGE_ROWS,
    COLUMNS,
    DATE,
    HISTORY_SHEETS,
    MONEY,
    SHEETS,
    WORK,
    assert_bridge_adds_up,
    assert_typed,
    bridge_cents,
    column,
    header,
    ledger_sums,
    summary_value,
    written,
)
from tests.render.conftest import (
    HOSTILE,
    NOTICE,
    PAIR,
    SKIPPED,
    TINY_BRIDGE,
    TINY_CANCELLATION,
    WARNING,
    finding,
    frame,
    make_report,
    rederived,
)


@pytest.fixture(scope="module")
def tiny_wb(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    """The tiny report's workbook, written and read back once for the module's readers."""
    return written(make_report(), tmp_path_factory.mktemp("tiny-wb"))


def test_sheets_in_order(tiny_wb: Workbook) -> None:
    assert tiny_wb.sheetnames == SHEETS


@pytest.mark.parametrize("sheet", list(COLUMNS))
def test_header_rows_read_as_words(tiny_wb: Workbook, sheet: str) -> None:
    extra = WORK if sheet in ("Cancellation", "Ledger") else []
    assert header(tiny_wb[sheet]) == [label(c) for c in COLUMNS[sheet]] + extra


def test_headers_need_no_decoding(tiny_wb: Workbook) -> None:
    assert header(tiny_wb["Summary"]) == ["Figure", "Value"]
    findings = header(tiny_wb["Findings"])
    assert {"Finding", "Monthly cost", "What to do", "License type", "Finding ID"} <= set(findings)
    assert {"Reassign to Contacts", "License IDs to cancel"} <= set(header(tiny_wb["Cancellation"]))
    assert {"Plan action", "Reclaim from (user ID)"} <= set(header(tiny_wb["Reassign"]))
    assert {"License / seat ID", "Disposition", "Plan action", "Reassign to (user ID)",
            "Finding ID", "Monthly price"} <= set(header(tiny_wb["Ledger"]))  # fmt: skip
    assert {"Monthly waste", "License IDs"} <= set(findings)
    assert "User ID" in header(tiny_wb["Users"])
    assert not any("_" in str(h) for ws in tiny_wb.worksheets for h in header(ws))


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_has_a_bold_frozen_header_and_sane_widths(
    tiny_wb: Workbook, sheet: str
) -> None:
    ws = tiny_wb[sheet]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1] if c.value is not None)
    widths = [d.width for d in ws.column_dimensions.values()]
    assert widths
    assert all(8 <= w <= 62 for w in widths)
    assert ws.page_setup.orientation == "landscape"
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None
    assert fit.fitToPage


@pytest.mark.parametrize("sheet", list(COLUMNS))
def test_every_data_sheet_is_a_styled_table_with_filters(tiny_wb: Workbook, sheet: str) -> None:
    ws = tiny_wb[sheet]
    last = openpyxl.utils.get_column_letter(ws.max_column)
    if ws.max_row == 1:  # nothing to list: filters on the header, no table with a blank row
        assert list(ws.tables) == []
        assert ws.auto_filter.ref == f"A1:{last}1"
        assert all(c.alignment.wrap_text for c in ws[1])
        return
    assert list(ws.tables) == [sheet]
    table = ws.tables[sheet]
    assert table.ref == f"A1:{last}{ws.max_row}"
    assert table.autoFilter is not None
    assert table.autoFilter.ref == table.ref
    assert table.tableStyleInfo.name == TABLE_STYLE
    assert table.tableStyleInfo.showRowStripes
    assert table.column_names == header(ws)  # or Excel "repairs" the file
    assert not ws.auto_filter.ref  # a sheet filter over a table is a broken file
    # long headers wrap instead of widening their column past its values
    assert all(c.alignment.wrap_text for c in ws[1])
    assert ws.row_dimensions[1].height >= 18


def test_summary_figures_are_filtered(tiny_wb: Workbook) -> None:
    ws = tiny_wb["Summary"]
    # one filter over every row, the chart's figures included: none left below it
    assert ws.auto_filter.ref == f"A1:B{ws.max_row}"
    assert all(ws.cell(row, 1).value for row in range(1, ws.max_row + 1))  # no blank row


def test_tables_cover_the_data(tiny_wb: Workbook) -> None:
    assert tiny_wb["Findings"].tables["Findings"].ref == "A1:T8"
    assert tiny_wb["Ledger"].tables["Ledger"].ref == "A1:X7"  # a row per billed license
    assert tiny_wb["Licenses"].tables["Licenses"].ref == "A1:K4"
    assert tiny_wb["Sites"].tables["Sites"].ref == "A1:L4"
    assert tiny_wb["Users"].tables["Users"].ref == "A1:P6"
    assert tiny_wb["Cancellation"].tables["Cancellation"].ref == "A1:P3"
    assert tiny_wb["Renewals"].tables["Renewals"].ref == "A1:L3"
    assert tiny_wb["Tax"].tables["Tax"].ref == "A1:R3"
    # no pair, no history and nothing suppressed: a filtered header each, and no blank row
    for sheet, last in (("Reassign", "L"), ("Changes", "J"), ("Trend", "J"), ("Suppressions", "I")):
        ws = tiny_wb[sheet]
        assert (ws.max_row, list(ws.tables), ws.auto_filter.ref) == (1, [], f"A1:{last}1")


#: Findings columns a report without history or suppressions leaves empty, and the ledger
#: columns only a seat to cancel under a contract fills (the tiny ledger has none).
LATER = frozenset({"first_seen", "days_open", "suppression_expires", *LEDGER_TERM_COLUMNS})


@pytest.fixture(scope="module")
def paired_wb(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    """A report with a pairing, written and read back once for every sheet's check."""
    report = make_report(pairings=frame(PAIRING_COLUMNS, [PAIR]))
    return written(report, tmp_path_factory.mktemp("paired-wb"))


@pytest.mark.parametrize("sheet", [s for s in COLUMNS if s not in HISTORY_SHEETS])
def test_cells_are_typed(paired_wb: Workbook, sheet: str) -> None:
    assert_typed(paired_wb[sheet], COLUMNS[sheet], optional=LATER)


def test_money_values(tiny_wb: Workbook) -> None:
    assert [c.value for c in column(tiny_wb["Findings"], "monthly_cost")] == [
        24, 34, 24, 24, 24, 0, 0
    ]  # fmt: skip
    summary = tiny_wb["Summary"]
    for text, amount in [(summary_rows.OPEN_WASTE, 82), (summary_rows.ANNUAL_WASTE, 984),
                         (summary_rows.COST, 145), (summary_rows.SAVING, 58),
                         (summary_rows.ANNUAL_SAVING, 696)]:  # fmt: skip
        cell = summary_value(summary, text)
        assert (cell.value, cell.data_type, cell.number_format) == (amount, "n", MONEY)


def test_counts_are_integers(tiny_wb: Workbook) -> None:
    assert [c.value for c in column(tiny_wb["Licenses"], "total")] == [1, 3, 2]
    cell = summary_value(tiny_wb["Summary"], "Seats paid for")
    assert (cell.value, cell.data_type) == (6, "n")
    assert summary_value(tiny_wb["Summary"], summary_rows.SEATS_TO_CANCEL).value == 2


def test_dates_are_dates(tiny_wb: Workbook) -> None:
    created = column(tiny_wb["Users"], "created_at")
    assert created[0].value == dt.datetime(2025, 1, 10)
    deactivated = column(tiny_wb["Users"], "deactivated_at")
    assert [c.value for c in deactivated] == [None, dt.datetime(2026, 8, 20), None, None, None]
    as_of = summary_value(tiny_wb["Summary"], "As of")
    assert as_of.is_date
    assert as_of.value == dt.datetime(2026, 11, 1)
    generated = summary_value(tiny_wb["Summary"], "Generated at")
    assert generated.value == dt.datetime(2026, 11, 2, 12, 0)  # UTC, as Excel has no zones
    notice = summary_value(tiny_wb["Summary"], "A notice filed on the audit date would take effect")
    assert (notice.value, notice.is_date) == (dt.datetime(2026, 12, 1), True)


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


def test_cancellation_is_a_worksheet_to_fill_in(tiny_wb: Workbook) -> None:
    ws = tiny_wb["Cancellation"]
    assert [c.value for c in column(ws, "license_type")] == ["X2", "X4"]
    assert [c.value for c in column(ws, "seats_to_cancel")] == [1, 1]
    assert [c.value for c in column(ws, "license_ids_to_cancel")] == ["L3", "L6"]
    assert [c.value for c in column(ws, "notice_effective")] == [dt.datetime(2026, 12, 1)] * 2
    for work in WORK:
        assert [c.value for c in column(ws, work)] == [None, None]
    assert all(c.number_format == DATE for c in column(ws, "Due"))
    (rule,) = ws.data_validations.dataValidation
    assert rule.type == "list"
    assert rule.formula1 == '"Cancel,Reassign,Keep,Later"'
    assert str(rule.sqref) == "O2:O3"


def test_the_ledger_carries_the_same_work_columns(tiny_wb: Workbook) -> None:
    """Procurement works seat by seat on the Ledger sheet as type by type on Cancellation."""
    ws = tiny_wb["Ledger"]
    assert header(ws)[-3:] == WORK
    rows = ws.max_row - 1
    assert rows == 6
    for work in WORK:
        assert [c.value for c in column(ws, work)] == [None] * rows
    assert all(c.number_format == DATE for c in column(ws, "Due"))
    (rule,) = ws.data_validations.dataValidation
    assert rule.formula1 == '"Cancel,Reassign,Keep,Later"'
    decision = openpyxl.utils.get_column_letter(header(ws).index("Decision") + 1)
    assert str(rule.sqref) == f"{decision}2:{decision}{rows + 1}"
    assert ws.tables["Ledger"].ref.endswith(f"{openpyxl.utils.get_column_letter(ws.max_column)}7")


def test_the_plans_figures_read_as_proposals(tiny_wb: Workbook) -> None:
    """What the plan would do is never worded as done: "would give", not "given"."""
    labels = [str(c.value) for c in tiny_wb["Summary"]["A"]]
    plan = [summary_rows.CONTACTS_PLACED, summary_rows.SAME_STATE, summary_rows.SEATS_TO_CANCEL]
    assert all(t in labels and "would" in t for t in plan)
    assert not [t for t in labels if re.search(r"\b(given|gives|placed)\b", t)]


def test_tax_puts_the_service_address_beside_the_sites(tiny_wb: Workbook) -> None:
    ws = tiny_wb["Tax"]
    l4 = {str(h): c.value for h, c in zip(header(ws), ws[2], strict=True)}
    assert (l4["Service state"], l4["Site state"]) == ("CA", "TX")
    assert (l4["Service city"], l4["Site city"]) == ("San Francisco", "Austin")
    assert header(ws).index("Site street") == header(ws).index("Service country") + 1
    l5 = {str(h): c.value for h, c in zip(header(ws), ws[3], strict=True)}
    assert (l5["Service state"], l5["Site state"]) == ("WA", None)


def test_sites_are_the_chargeback_view(tiny_wb: Workbook) -> None:
    ws = tiny_wb["Sites"]
    assert [c.value for c in column(ws, "site")] == ["Austin", "San Francisco", "(no site)"]
    assert sum(c.value for c in column(ws, "monthly_waste")) == 82  # type: ignore[misc]
    assert sum(c.value for c in column(ws, "monthly_cost")) == 145  # type: ignore[misc]


def test_reassign_lists_each_pair(tmp_path: Path) -> None:
    wb = written(make_report(pairings=frame(PAIRING_COLUMNS, [PAIR])), tmp_path)
    ws = wb["Reassign"]
    price = PAIR[8] / 100  # the Report's cents, shown as an amount
    assert [c.value for c in ws[2]] == [*PAIR[:8], price, *PAIR[9:]]
    assert summary_value(wb["Summary"], summary_rows.CONTACTS_PLACED).value == 1
    assert summary_value(wb["Summary"], summary_rows.SAME_STATE).value == 0  # L5 is taxed in WA


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
    summary = wb["Summary"]
    assert summary_value(summary, summary_rows.UNPRICED).value == 2
    assert "not free" in str(summary_value(summary, "Price unknown").value)


def test_skipped_rules_and_warnings_are_on_the_summary(tiny_wb: Workbook) -> None:
    summary = tiny_wb["Summary"]
    assert summary_value(summary, f"Skipped rule: {SKIPPED.rule}").value == SKIPPED.reason
    assert summary_value(summary, "Warning").value == WARNING
    assert summary_value(summary, "Tenant").value == "tiny"
    assert summary_value(summary, "Findings: contact-without-license").value == 2


def test_hostile_text_stays_text_on_every_sheet(hostile_report: Report, tmp_path: Path) -> None:
    wb = written(hostile_report, tmp_path)
    for ws in wb.worksheets:
        found: dict[str, list[Cell]] = {text: [] for text in HOSTILE}
        for row in ws.iter_rows():
            for cell in row:
                assert isinstance(cell, Cell)
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if cell.value in found:
                    found[str(cell.value)].append(cell)
        if ws.title in ("Licenses", "Users", *HISTORY_SHEETS):
            continue  # one hostile pool name, two hostile user fields: checked below; the
            # history sheets' hostile text is in tests/render/test_xlsx_history.py
        for text, hits in found.items():
            assert hits, (ws.title, text)
            for cell in hits:
                assert cell.data_type == "s"
                assert cell.quotePrefix is text.startswith(FORMULA_PREFIXES)
    assert summary_value(wb["Summary"], "Tenant").value == HOSTILE[5]
    assert column(wb["Users"], "first_name")[0].value == HOSTILE[0]
    assert column(wb["Users"], "department")[0].value == HOSTILE[5]
    assert column(wb["Licenses"], "license_type")[-1].value == HOSTILE[0]
    assert column(wb["Licenses"], "license_type")[-1].quotePrefix


def test_no_formula_anywhere_in_the_file(hostile_report: Report, tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(hostile_report, path)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            text = archive.read(name).decode("utf-8")
            assert "<f>" not in text, name
            assert "<f " not in text, name
        tables = [n for n in archive.namelist() if n.startswith("xl/tables/")]
    # a table on every data sheet with rows; an empty one has only its header's filter
    listed = [ws for ws in openpyxl.load_workbook(path) if ws.title != "Summary"]
    assert len(tables) == sum(ws.max_row > 1 for ws in listed)
    assert len(tables) >= len(COLUMNS) - 4


def test_summary_has_a_native_chart_of_waste_by_license_type(
    tiny_report: Report, tmp_path: Path
) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(tiny_report, path)
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
        rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    assert charts == ["xl/charts/chart1.xml"]
    assert "barChart" in chart
    assert '<barDir val="bar"' in chart
    assert "Monthly waste by license type (USD)" in chart
    assert "'Summary'!$B$" in chart
    assert "'Summary'!$A$" in chart
    assert "drawing" in rels  # sheet1 is the Summary, and it holds the drawing
    wb = openpyxl.load_workbook(path)
    ws = wb["Summary"]
    table = [
        (a.value, b.value)
        for a, b in ws.iter_rows(min_col=1, max_col=2)
        if str(a.value).startswith(summary_rows.WASTE_BY_TYPE)
    ]
    # only types that waste money, the last rows of the one filtered table
    assert table == [("Monthly waste: X2", 48), ("Monthly waste: X4", 34)]
    assert ws.auto_filter.ref == f"A1:B{ws.max_row}"
    assert f"'Summary'!$B${ws.max_row - 1}:$B${ws.max_row}" in chart


def test_without_users_the_users_sheet_is_only_a_header(tmp_path: Path) -> None:
    wb = written(dataclasses.replace(make_report(), users=pd.DataFrame()), tmp_path)
    users = wb["Users"]
    assert header(users) == [label(c) for c in USERS_SHEET_COLUMNS]
    assert users.max_row == 1


def test_rows_past_the_excel_limit_continue_on_the_next_sheet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 5)
    rows = [finding("contact-without-license", f"u{i}") for i in range(9)]
    wb = written(make_report(findings=rows), tmp_path)
    parts = [wb["Findings"], wb["Findings (2)"], wb["Findings (3)"]]
    assert [ws.max_row for ws in parts] == [5, 5, 2]  # 4 + 4 + 1 rows, each under a header
    assert parts[0].tables["Findings"].ref == "A1:T5"
    assert parts[2].tables["Findings3"].ref == "A1:T2"
    ids = [c.value for ws in parts for c in column(ws, "entity_id")]
    assert ids == [f"u{i}" for i in range(9)]  # every row, once, in order
    assert wb.sheetnames.index("Findings (3)") + 1 == wb.sheetnames.index("Ledger")
    note = str(summary_value(wb["Summary"], "Continued sheets").value)
    assert "Findings sheet's 9 rows fill 3 sheets" in note


def test_ledger_sheet_has_a_typed_row_per_ledger_row(
    tiny_report: Report, tiny_wb: Workbook
) -> None:
    ws = tiny_wb["Ledger"]
    ledger = tiny_report.ledger
    assert ws.max_row - 1 == len(ledger) == 6
    assert [c.value for c in column(ws, "seat_id")] == ledger.seat_id.tolist()
    prices = column(ws, "monthly_price")
    assert [c.value for c in prices] == [34, 5, 24, 24, 24, 34]  # cents / 100
    assert all(c.data_type == "n" and c.number_format == MONEY for c in prices)
    assert [c.value for c in column(ws, "price_known")] == [True] * 6
    assert [c.value for c in column(ws, "waste")] == [False, False, True, False, True, True]
    assert [c.value for c in column(ws, "disposition")] == [
        "in-use", "in-use", "stale-holder", "in-use", "unassigned", "unassigned"
    ]  # fmt: skip
    assert [c.value for c in column(ws, "action")] == [
        None, None, "reclaim-then-cancel", None, "reassign", "cancel"
    ]  # fmt: skip
    assert [c.value for c in column(ws, "to_user")] == [None] * 4 + ["u3", None]
    # every waste row names its finding, by the Findings sheet's own ID
    finding_ids = {c.value for c in column(tiny_wb["Findings"], "id")}
    named = [c.value for c in column(ws, "finding_id") if c.value is not None]
    assert len(named) == 3
    assert set(named) <= finding_ids


def test_ledger_unknown_price_is_an_empty_cell_not_zero(
    unpriced_report: Report, tmp_path: Path
) -> None:
    ws = written(unpriced_report, tmp_path)["Ledger"]
    ids = [c.value for c in column(ws, "seat_id")]
    assert ids[-2:] == ["L8", "L9"]
    assert [c.value for c in column(ws, "monthly_price")][-3:] == [34, None, None]
    assert [c.value for c in column(ws, "price_known")][-3:] == [True, False, False]


def test_ledger_table_takes_cents_as_float_or_nullable_int() -> None:
    """The engine may hand cents as Int64 or as float64 with NaN: the sheet shows the same."""
    for cents in (pd.array([1999, 2450, None], dtype="Int64"), [1999.0, 2450.0, float("nan")]):
        ledger = pd.DataFrame({"seat_id": ["a", "b", "c"], "price_cents": cents})
        table = ledger_table(ledger)
        assert list(table.columns) == [*LEDGER_COLUMNS, "price_known", *LEDGER_TERM_COLUMNS]
        assert table.monthly_price.tolist()[:2] == [19.99, 24.5]
        assert math.isnan(table.monthly_price.iloc[2])
        assert table.price_known.tolist() == [True, True, False]
    assert len(ledger_table(pd.DataFrame())) == 0  # a report without a ledger: a header


def test_summary_bridge_comes_first_in_order(tiny_wb: Workbook) -> None:
    labels = [c.value for c in tiny_wb["Summary"]["A"]]
    assert labels[:3] == ["Figure", "Tenant", "As of"]
    assert labels[3 : 3 + len(BRIDGE_ROWS)] == BRIDGE_ROWS
    heading = tiny_wb["Summary"]["A4"]
    assert heading.font.b
    assert summary_value(tiny_wb["Summary"], summary_rows.BRIDGE_HEADING).value == (
        "USD a month, unless it says annual"
    )
    indents = {c.value: c.alignment.indent for c in tiny_wb["Summary"]["A"]}
    assert (indents[summary_rows.WASTE], indents[summary_rows.KEPT]) == (1, 2)


def test_summary_bridge_adds_up_and_is_the_reports(tiny_report: Report, tiny_wb: Workbook) -> None:
    ws = tiny_wb["Summary"]
    assert_bridge_adds_up(ws, tiny_report.bridge)
    b = bridge_cents(ws)
    assert (b[summary_rows.COST], b[summary_rows.WASTE]) == (14500, 8200)
    # the other figures agree with it: the headline is the open waste, the saving is the plan's
    assert tiny_report.summary.monthly_waste_cents == b[summary_rows.OPEN_WASTE]
    assert tiny_report.summary.monthly_saving_cents == b[summary_rows.SAVING]
    cancel_sheet = sum(c.value for c in column(tiny_wb["Cancellation"], "monthly_saving"))  # type: ignore[misc]
    assert round(cancel_sheet * 100) == b[summary_rows.SAVING]
    # and each line is a sum over the Ledger sheet
    ledger = ledger_sums(tiny_wb["Ledger"])
    assert ledger == {
        "all": b[summary_rows.COST], "in use": b[summary_rows.IN_USE],
        "waste": b[summary_rows.WASTE], "cancel": b[summary_rows.CANCEL],
        "reclaim-then-cancel": b[summary_rows.RECLAIM_CANCEL],
        "reassign": b[summary_rows.REASSIGN], "keep": b[summary_rows.KEPT],
    }  # fmt: skip


def test_summary_bridge_with_seats_kept_on_purpose(tmp_path: Path) -> None:
    kept = dataclasses.replace(TINY_BRIDGE, reassign=0, kept=2400, open_waste=5800)
    ws = written(make_report(bridge=kept), tmp_path)["Summary"]
    assert_bridge_adds_up(ws, kept)
    assert summary_value(ws, summary_rows.KEPT).value == 24
    assert summary_value(ws, summary_rows.OPEN_WASTE).value == 58


def test_summary_says_unpriced_seats_are_in_no_sum(unpriced_report: Report, tmp_path: Path) -> None:
    x8 = ("X8", "seat", 0, 1, 0, 0, 1, 0, None, None, None, NOTICE, "L8")
    plan = frame(CANCELLATION_COLUMNS, [*TINY_CANCELLATION, x8])
    ws = written(rederived(dataclasses.replace(unpriced_report, cancellation=plan)), tmp_path)[
        "Summary"
    ]
    assert_bridge_adds_up(ws, unpriced_report.bridge)
    labels = [c.value for c in ws["A"]]
    assert labels.index(summary_rows.UNPRICED) == labels.index(summary_rows.ANNUAL_SAVING) + 1
    assert summary_value(ws, summary_rows.UNPRICED).value == 2
    assert summary_value(ws, "Price unknown").value == (
        "2 seats of unknown price are in none of these sums (cost, waste, saving); the plan "
        "cancels 1 of them, so it saves more than shown. They are not free: the price book has "
        "no price for them."
    )
    (tmp_path / "priced").mkdir()
    priced = [c.value for c in written(make_report(), tmp_path / "priced")["Summary"]["A"]]
    assert summary_rows.UNPRICED not in priced
    assert "Price unknown" not in priced


def test_findings_show_their_waste_and_license_ids(tiny_wb: Workbook) -> None:
    ws = tiny_wb["Findings"]
    waste = column(ws, "monthly_waste")
    assert [c.value for c in waste] == [24, 34, 0, 0, 24, 0, 0]
    assert all(c.data_type == "n" and c.number_format == MONEY for c in waste)
    ids = [c.value for c in column(ws, "license_ids")]
    assert ids == ["L3", "L6", None, None, "L5", None, None]
    assert sum(c.value for c in waste) == 82  # type: ignore[misc]  # the open waste


def test_license_ids_are_joined_and_cut_at_a_whole_id(tmp_path: Path) -> None:
    many = [f"L{i:07d}" for i in range(5000)]
    rows = [
        finding("unassigned-billed-seats", "X2", license_ids=["L1", "L2", "L3"]),
        finding("unassigned-billed-seats", "X4", license_ids=many),
    ]
    ws = written(make_report(findings=rows), tmp_path)["Findings"]
    short, long = (str(c.value) for c in column(ws, "license_ids"))
    assert short == "L1; L2; L3"
    assert len(long) <= 32_767
    head, tail = long.split("; and ")
    listed = head.split("; ")
    assert listed == many[: len(listed)]  # whole ids, in order
    assert (
        tail
        == f"{len(many) - len(listed):,} more: see the Ledger sheet, filtered by this Finding ID"
    )
