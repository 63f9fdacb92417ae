"""The workbook's Statement and Credits sheets, read back with openpyxl as procurement would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from auditor.engine.bill import BILL_COLUMNS, CREDIT_COLUMNS
from auditor.model import Report
from auditor.render.xlsx import write_xlsx
from auditor.render.xlsx.layout import label
from auditor.render.xlsx.summary import OPEN_WASTE, OVERBILLED
from tests.conftest import DEMO, audit

MONEY = '"USD" #,##0.00'


@pytest.fixture(scope="module")
def demo() -> Report:
    return audit(DEMO, dt.date(2026, 11, 2))


@pytest.fixture(scope="module")
def demo_wb(demo: Report, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "audit.xlsx"
    write_xlsx(demo, path)
    return openpyxl.load_workbook(path)


def _rows(wb: Workbook, sheet: str) -> list[dict[str, object]]:
    values = list(wb[sheet].iter_rows(values_only=True))
    header = [str(h) for h in values[0]]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


@pytest.mark.slow
def test_statement_and_credits_sheets_follow_the_others(demo_wb: Workbook) -> None:
    assert demo_wb.sheetnames[-2:] == ["Statement", "Credits"]
    for sheet, columns in (("Statement", BILL_COLUMNS), ("Credits", CREDIT_COLUMNS)):
        ws = demo_wb[sheet]
        assert [c.value for c in ws[1]] == [label(c) for c in columns]
        assert ws.freeze_panes == "A2"
        assert sheet in ws.tables


def test_the_credits_add_up_to_the_overbilled_figure(demo_wb: Workbook, demo: Report) -> None:
    credits = _rows(demo_wb, "Credits")
    assert [(r["Item"], r["Claim"]) for r in credits] == [
        ("X2", 144.0),
        ("X4", 14.0),
        ("E911 Fee (FL)", 12.6),
    ]
    assert round(sum(float(str(r["Claim"])) for r in credits), 2) == 170.6
    assert demo.summary.monthly_overbilled_cents == 17060
    x2 = credits[0]
    assert (x2["Billed quantity"], x2["Billed amount"]) == (130, 3120.0)
    assert (x2["Expected quantity"], x2["Expected amount"]) == (124, 2976.0)
    ws = demo_wb["Credits"]
    money = [c.number_format for c in ws[2]][5:]
    assert money == [MONEY, "General", MONEY, MONEY]
    assert isinstance(ws["I2"].value, float)


def test_the_statement_sheet_is_typed_and_unknown_is_empty_not_zero(demo_wb: Workbook) -> None:
    rows = {str(r["License type"] or r["Description"]): r for r in _rows(demo_wb, "Statement")}
    assert rows["X2"]["Quantity direction"] == "over"
    assert rows["X4"]["Price direction"] == "over"
    assert rows["VCC Agent"]["Quantity direction"] == "under"
    assert rows["X6"]["Quantity direction"] == "missing"
    assert rows["X8"]["Contract price"] is None  # unknown, never 0.00
    assert rows["8x8 Analytics for Work"]["Quantity direction"] == "unexpected"
    ws = demo_wb["Statement"]
    assert ws["E2"].number_format == MONEY
    assert isinstance(ws["D2"].value, int)


@pytest.mark.slow
def test_no_statement_means_no_bill_sheets(tiny_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(audit(tiny_dir, dt.date(2026, 11, 1)), path)
    names = openpyxl.load_workbook(path).sheetnames
    assert "Statement" not in names
    assert "Credits" not in names


def test_the_summary_shows_the_credit_to_claim_beside_the_waste(
    demo: Report, demo_wb: Workbook
) -> None:
    rows = {
        label_cell.value: value_cell
        for label_cell, value_cell in demo_wb["Summary"].iter_rows(min_row=2, max_col=2)
    }
    claim = rows[OVERBILLED]
    assert claim.value == 170.6
    assert demo.summary.monthly_overbilled_cents == 17060
    assert claim.number_format == MONEY
    credits = sum(float(str(r[label("claim")] or 0)) for r in _rows(demo_wb, "Credits"))
    assert round(credits * 100) == round(claim.value * 100)  # the Credits lines add up to it
    assert rows[OPEN_WASTE].value == 1476.0  # the waste is unchanged: the claim is not in it


@pytest.mark.slow
def test_no_statement_no_claim_row(tmp_path: Path, tiny_dir: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(audit(tiny_dir, dt.date(2026, 11, 1)), path)
    labels = [c.value for c in openpyxl.load_workbook(path)["Summary"]["A"]]
    assert OVERBILLED not in labels
