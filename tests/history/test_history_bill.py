"""The bill over two months: the overbilled figure in the history and its trend, a claim that
disappears is a credit obtained, one still open is shown with its age."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from auditor.history.listing import run_history
from auditor.history.store import MIGRATIONS, open_history
from auditor.pipeline import AuditResult, audit_folder
from auditor.settings.options import AuditOptions
from tests.conftest import DEMO


def _month(folder: Path, out: Path, history: Path, as_of: dt.date, bill: str) -> AuditResult:
    (folder / "statement.csv").write_text(bill, encoding="utf-8")
    options = AuditOptions(formats=("json", "html", "xlsx"), history=history, as_of=as_of)
    now = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC)
    return audit_folder(folder, out, now=now, options=options)


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> tuple[AuditResult, AuditResult]:
    root = tmp_path_factory.mktemp("bill-months")
    folder = Path(shutil.copytree(DEMO, root / "demo"))
    bill = (DEMO / "statement.csv").read_text(encoding="utf-8")
    history = root / "history.sqlite"
    october = bill.replace("2026-11-01", "2026-10-01").replace("2026-11-30", "2026-10-31")
    first = _month(folder, root / "october", history, dt.date(2026, 10, 2), october)
    # November: 8x8 corrected the X2 quantity; the X4 price and the Florida fee are still wrong.
    fixed = bill.replace("8x8 Work X Series - X2,130,24.00,\"3,120.00\"",
                         "8x8 Work X Series - X2,124,24.00,\"2,976.00\"")  # fmt: skip
    assert fixed != bill
    second = _month(folder, root / "november", history, dt.date(2026, 11, 2), fixed)
    return first, second


@pytest.mark.slow
def test_a_claim_gone_is_a_credit_obtained(months: tuple[AuditResult, AuditResult]) -> None:
    first, second = months
    assert first.report.summary.monthly_overbilled_cents == 17060
    assert first.report.realised_monthly_credit_cents == 0  # nothing claimed before
    assert second.report.summary.monthly_overbilled_cents == 2660  # 14.00 + 12.60
    assert second.report.realised_monthly_credit_cents == 14400
    data = json.loads((second.written[0]).read_text())
    assert data["realised_monthly_credit"] == 144.0


def test_the_history_and_its_trend_keep_the_overbilled_figure(
    months: tuple[AuditResult, AuditResult],
) -> None:
    _, second = months
    trend = second.report.trend
    assert trend is not None
    assert trend.monthly_overbilled_cents.tolist() == [17060, 2660]
    assert trend.realised_monthly_credit_cents.tolist() == [0, 14400]
    wb = openpyxl.load_workbook(second.written[2])
    header = [c.value for c in wb["Trend"][1]]
    column = header.index("Monthly overbilled")
    assert [r[column] for r in wb["Trend"].iter_rows(min_row=2, values_only=True)] == [
        170.6,
        26.6,
    ]
    history = Path(str(second.written[0].parent.parent / "history.sqlite"))
    listed = json.loads(run_history(history, "Bayline Freight Logistics", as_json=True))
    assert [r["monthly_overbilled"] for r in listed] == [170.6, 26.6]


def test_a_claim_still_open_is_shown_with_its_age(months: tuple[AuditResult, AuditResult]) -> None:
    _, second = months
    found = second.report.findings.set_index("id")
    assert found.loc["price-above-contract:X4", "days_open"] == 31
    assert found.loc["tax-outside-service-states:E911 Fee (FL)", "days_open"] == 31
    page = second.written[1].read_text(encoding="utf-8")
    assert 'id="credit-obtained"' in page
    assert "<strong>USD 144.00</strong> a month of over-billing claimed then" in page
    start = page.index('id="unresolved-claims"')
    listed = page[start : page.index("</ul>", start)]
    assert "open since 2 October 2026 (31 days)" in listed
    assert listed.count("<li>") == 2


@pytest.mark.slow
def test_a_run_without_a_statement_obtains_no_credit(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    history = tmp_path / "history.sqlite"
    bill = (DEMO / "statement.csv").read_text(encoding="utf-8")
    _month(folder, tmp_path / "a", history, dt.date(2026, 10, 2), bill)
    (folder / "statement.csv").unlink()
    options = AuditOptions(formats=("json",), history=history, as_of=dt.date(2026, 11, 2))
    now = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)
    second = audit_folder(folder, tmp_path / "b", now=now, options=options)
    assert second.report.realised_monthly_credit_cents is None  # not checked is not obtained
    assert second.report.summary.monthly_overbilled_cents is None


def test_a_history_from_before_the_bill_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO runs (tenant, as_of, generated_at, tool_version, currency, inputs, users, "
        "contacts, seats_total, seats_unassigned, monthly_cost_cents, monthly_waste_cents, "
        "findings, suppressed) VALUES ('t', '2026-09-01', 'x', '0', 'USD', '[]', 1, 0, 1, 0, "
        "100, 0, 0, 0)"
    )
    db.commit()
    db.close()
    with open_history(path) as history:
        runs = history.runs("t")
    assert runs.monthly_overbilled_cents.isna().all()
    assert len(runs) == 1
