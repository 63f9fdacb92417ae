"""audit.xlsx month over month: the Changes, Trend and Suppressions sheets, read back.

The workbook is the second of two real audits with one history (tests/render/months.py): its
suppression reason tries to be a formula, and must stay text on every sheet it reaches.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from auditor.engine.terms import LEDGER_TERM_COLUMNS
from auditor.model import ALL_FINDING_COLUMNS
from auditor.pipeline import AuditResult, audit_folder
from auditor.render.xlsx import summary as summary_rows
from auditor.render.xlsx import write_xlsx
from auditor.render.xlsx.layout import label
from auditor.settings.options import AuditOptions
from tests.conftest import NOW, TenantFactory, user
from tests.helpers.xlsx import (
    COLUMNS,
    DATE,
    MONEY,
    SHEETS,
    assert_bridge_adds_up,
    assert_typed,
    bridge_cents,
    cents,
    column,
    header,
    ledger_sums,
    summary_value,
)
from tests.render.conftest import make_report
from tests.render.months import HOSTILE_OWNER, HOSTILE_REASON, NEW, RESOLVED, tenant_in, two_months


@pytest.fixture(scope="module")
def november(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    root = tmp_path_factory.mktemp("months")
    return two_months(tenant_in(root), root / "out", formats=("xlsx",))


@pytest.fixture(scope="module")
def path(november: AuditResult) -> Path:
    (workbook,) = november.written
    return workbook


@pytest.fixture(scope="module")
def wb(path: Path) -> Workbook:
    return openpyxl.load_workbook(path)


@pytest.mark.slow
def test_the_history_sheets_come_last(wb: Workbook) -> None:
    assert wb.sheetnames == SHEETS
    assert SHEETS[-3:] == ["Changes", "Trend", "Suppressions"]


@pytest.mark.parametrize("sheet", ["Findings", "Ledger", "Changes", "Trend", "Suppressions"])
def test_headers_and_typed_cells(wb: Workbook, sheet: str) -> None:
    ws = wb[sheet]
    extra = ["Owner", "Decision", "Due"] if sheet == "Ledger" else []
    assert header(ws) == [label(c) for c in COLUMNS[sheet]] + extra
    assert list(ws.tables) == [sheet]
    assert ws.freeze_panes == "A2"
    # a seat to cancel carries the contract's columns only where one was given; runs
    # recorded before the contract have no split saving
    contract = {"expires", "saving_now", "saving_at_renewal", *LEDGER_TERM_COLUMNS}
    assert_typed(ws, COLUMNS[sheet], optional=frozenset(contract))


def test_findings_carry_suppression_first_seen_and_days_open(wb: Workbook) -> None:
    ws = wb["Findings"]
    assert header(ws)[-6:] == [
        "Suppressed", "Suppression reason", "Suppression owner", "Suppression expires",
        "First seen", "Days open",
    ]  # fmt: skip
    assert ws.tables["Findings"].ref == f"A1:T{ws.max_row}"
    rows = {c.value: i for i, c in enumerate(column(ws, "id"))}
    x2 = rows["unassigned-billed-seats:X2"]
    assert column(ws, "suppressed")[x2].value is True
    assert column(ws, "suppression_reason")[x2].value == HOSTILE_REASON
    assert column(ws, "suppression_owner")[x2].value == HOSTILE_OWNER
    expires = column(ws, "suppression_expires")[x2]
    assert (expires.value, expires.number_format) == (dt.datetime(2027, 1, 31), DATE)
    c1 = rows["contact-without-license:c1"]
    assert column(ws, "suppressed")[c1].value is False  # its suppression expired
    first = column(ws, "first_seen")[c1]
    assert (first.value, first.is_date) == (dt.datetime(2026, 10, 1), True)
    days = column(ws, "days_open")[c1]
    assert (days.value, days.data_type) == (31, "n")
    assert column(ws, "days_open")[rows[NEW[0]]].value == 0
    assert len(ALL_FINDING_COLUMNS) == 20


def test_ledger_sheet_is_the_reports_ledger_row_for_row(
    november: AuditResult, wb: Workbook
) -> None:
    ledger = november.report.ledger
    ws = wb["Ledger"]
    assert len(ledger) > 0
    assert ws.max_row - 1 == len(ledger)
    assert ws.tables["Ledger"].ref == f"A1:X{ws.max_row}"  # contract columns, Owner, Decision, Due
    assert [c.value for c in column(ws, "seat_id")] == ledger.seat_id.tolist()
    prices = [cents(c) for c in column(ws, "monthly_price")]  # money cells, or empty
    known = ledger.price_cents.astype("Float64")
    assert prices == [None if pd.isna(p) else int(p) for p in known]
    actions = [c.value for c in column(ws, "action")]
    assert "keep" in actions  # the suppressed spares
    assert [c.value for c in column(ws, "waste")] == ledger.waste.tolist()


def test_summary_bridge_adds_up_to_the_ledger(november: AuditResult, wb: Workbook) -> None:
    """The real audit's bridge: its lines add up, equal the report's, and each is a sum over
    the Ledger sheet; the Findings sheet's open waste is the headline."""
    bridge = november.report.bridge
    assert bridge.kept > 0  # the suppression keeps spares: the bridge must say so
    summary = wb["Summary"]
    assert_bridge_adds_up(summary, bridge)
    b = bridge_cents(summary)
    sums = ledger_sums(wb["Ledger"])
    assert [sums["all"], sums["in use"], sums["waste"], sums["cancel"],
            sums["reclaim-then-cancel"], sums["reassign"], sums["keep"]] == [
        b[summary_rows.COST], b[summary_rows.IN_USE], b[summary_rows.WASTE],
        b[summary_rows.CANCEL], b[summary_rows.RECLAIM_CANCEL], b[summary_rows.REASSIGN],
        b[summary_rows.KEPT],
    ]  # fmt: skip
    findings = wb["Findings"]
    waste = [cents(c) for c in column(findings, "monthly_waste")]
    suppressed = [c.value for c in column(findings, "suppressed")]
    assert None not in waste  # every finding has its share, 0 at least
    open_cents = sum(w or 0 for w, muted in zip(waste, suppressed, strict=True) if not muted)
    assert open_cents == b[summary_rows.OPEN_WASTE]
    listed = {
        i
        for c in column(findings, "license_ids")
        if c.value is not None
        for i in str(c.value).split("; ")
    }
    assert listed <= {c.value for c in column(wb["Ledger"], "seat_id")}


def test_changes_lists_new_then_resolved(wb: Workbook) -> None:
    ws = wb["Changes"]
    changes = [c.value for c in column(ws, "change")]
    ids = [c.value for c in column(ws, "id")]
    assert changes == ["new", "new", "resolved", "resolved"]
    assert set(ids[:2]) == set(NEW)
    assert ids[2:] == list(RESOLVED)
    costs = column(ws, "monthly_cost")
    assert [c.value for c in costs[2:]] == [34, 34]  # their cost in the previous audit
    assert all(c.number_format == MONEY for c in costs)
    seen = column(ws, "first_seen")
    assert seen[2].value == dt.datetime(2026, 10, 1)


def test_trend_has_a_typed_row_per_audit(wb: Workbook) -> None:
    ws = wb["Trend"]
    assert header(ws) == [
        "As of", "Findings", "Suppressed findings", "Monthly cost", "Monthly waste",
        "Realised monthly saving", "Saving now", "Saving at renewal",
        "Monthly overbilled", "Realised monthly credit",
    ]  # fmt: skip
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    # no contract: the whole saving is "now"; no statement: the bill figures are empty, never 0
    assert rows == [
        [dt.datetime(2026, 10, 1), 5, 3, 164, 68, 0, 68, 0, None, None],
        [dt.datetime(2026, 11, 1), 5, 2, 96, 24, 68, 0, 0, None, None],
    ]
    assert all(c.is_date and c.number_format == DATE for c in column(ws, "as_of"))
    for name in ("monthly_cost", "monthly_waste", "realised_monthly_saving", "saving_now"):
        assert all(c.number_format == MONEY for c in column(ws, name)), name


def test_trend_sheet_has_a_native_chart_of_the_waste(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
        texts = {n: archive.read(n).decode("utf-8") for n in charts}
    trend = [t for t in texts.values() if "'Trend'!" in t]
    assert len(trend) == 1
    (chart,) = trend
    assert "barChart" in chart
    assert '<barDir val="col"' in chart
    assert "Monthly waste at each audit (USD)" in chart
    assert "'Trend'!$E$2:$E$3" in chart  # the waste column's two audits
    assert "'Trend'!E1" in chart  # its header names the series
    assert "'Trend'!$A$2:$A$3" in chart  # the dates under the bars


def test_suppressions_sheet_lists_each_accepted_finding(wb: Workbook) -> None:
    ws = wb["Suppressions"]
    assert header(ws) == [
        "Finding ID", "Rule", "About a", "ID", "Finding", "Monthly cost", "Reason", "Owner",
        "Expires",
    ]  # fmt: skip
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [
        "unassigned-billed-seats:X2",
        "contact-without-license:svc-fax",
    ]  # the one that expires first, first
    x2, fax = rows
    assert x2[5:] == [48, HOSTILE_REASON, HOSTILE_OWNER, dt.datetime(2027, 1, 31)]
    assert fax[6:] == ["Fax line; needs no seat", "it@example.com", None]


def test_summary_says_what_changed(wb: Workbook) -> None:
    ws = wb["Summary"]
    previous = summary_value(ws, "Previous audit")
    assert (previous.value, previous.is_date) == (dt.datetime(2026, 10, 1), True)
    assert summary_value(ws, "New findings since then (Changes sheet)").value == 2
    assert summary_value(ws, "Resolved findings since then (Changes sheet)").value == 2
    assert summary_value(ws, "Findings still open since then").value == 3
    saving = summary_value(ws, "Realised monthly saving since then")
    assert (saving.value, saving.number_format) == (68, MONEY)
    assert summary_value(ws, "Suppressed findings (in no total)").value == 2
    # the suppressed X2 spares are kept on purpose: in the waste, not in the headline
    assert summary_value(ws, summary_rows.OPEN_WASTE).value == 24
    warning = str(summary_value(ws, "Warning").value)
    assert "expired on 2026-10-15" in warning


def test_hostile_suppression_text_is_never_a_formula(wb: Workbook, path: Path) -> None:
    hits: list[Cell] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert isinstance(cell, Cell)
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if cell.value in (HOSTILE_REASON, HOSTILE_OWNER):
                    hits.append(cell)
    assert {c.parent.title for c in hits} == {"Findings", "Suppressions"}
    assert all(c.data_type == "s" and c.quotePrefix for c in hits)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                text = archive.read(name).decode("utf-8")
                assert "<f>" not in text, name
                assert "<f " not in text, name


@pytest.mark.slow
def test_without_history_the_sheets_are_headers_and_the_summary_says_so(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(make_report(), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    for sheet in ("Changes", "Trend", "Suppressions"):
        assert wb[sheet].max_row == 1, sheet
    assert "none kept" in str(summary_value(wb["Summary"], "History").value)
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert charts == ["xl/charts/chart1.xml"]  # the Summary's only


@pytest.mark.slow
def test_first_audit_has_one_trend_row_and_no_trend_chart(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    folder = tenant([user("c1", extension="1001")])
    options = AuditOptions(formats=("xlsx",), history=tmp_path / "h.sqlite", tenant="Acme")
    (path,) = audit_folder(folder, tmp_path / "out", now=NOW, options=options).written
    wb = openpyxl.load_workbook(path)
    assert wb["Trend"].max_row == 2
    first = summary_value(wb["Summary"], "Previous audit").value
    assert first.startswith("none: this is the first in the history")
    labels = [c.value for c in wb["Summary"]["A"]]
    # nothing to compare on a first audit: no "1 new, 0 resolved, USD 0.00 realised" rows
    assert not [t for t in labels if str(t).endswith("since then (Changes sheet)")]
    assert "Realised monthly saving since then" not in labels
    assert [c.value for c in column(wb["Changes"], "change")] == ["new"]
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert charts == []  # no waste, no Summary chart; one audit, no trend chart
