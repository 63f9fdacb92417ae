"""The four bill rules: directions, exact cents, no cent claimed twice, skipped without a bill."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.model import Report
from tests.conftest import TenantFactory, audit, ids, unit, user, write_csv

BILL_RULES = (
    "billed-over-inventory",
    "price-above-contract",
    "tax-outside-service-states",
    "billed-unknown-product",
)


@pytest.fixture
def folder(tenant: TenantFactory) -> Path:
    """Held: X2 x3 (CA, one at a TX service address), X4 x2, recording storage x1."""
    return tenant(
        [user("u1", licenses="X2"), user("u2", licenses="X2;X4"), user("u3", licenses="X4")],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u1"),
            unit("L2", "X2", "ASSIGNED", "u2"),
            unit("L3", "X2", "UNASSIGNED", state="WA"),
            unit("L4", "X4", "ASSIGNED", "u2"),
            unit("L5", "X4", "ASSIGNED", "u3"),
            unit("L6", "Call Recording Storage", "UNASSIGNED"),
        ],
    )


def _audit(folder: Path, lines: list[dict[str, str]], **kw: object) -> Report:
    write_csv(folder / "statement.csv", lines)
    return audit(folder, dt.date(2026, 11, 2), **kw)


def _line(description: str, quantity: str, amount: str, **more: str) -> dict[str, str]:
    return {
        "description": description,
        "quantity": quantity,
        "amount": amount,
        "category": more.get("category", ""),
        "jurisdiction": more.get("jurisdiction", ""),
        "period_start": more.get("period_start", "2026-11-01"),
        "period_end": more.get("period_end", "2026-11-30"),
    }


def cost(report: Report, rule: str) -> dict[str, int]:
    """Each ``rule`` finding's monthly cost in cents, by entity."""
    found = report.findings[report.findings.rule == rule]
    return dict(zip(found.entity_id, found.monthly_cost_cents, strict=True))


@pytest.mark.slow
def test_without_a_statement_the_bill_rules_are_skipped_with_the_reason(folder: Path) -> None:
    report = audit(folder)
    skipped = {s.rule: s.reason for s in report.skipped}
    assert set(BILL_RULES) <= set(skipped)
    assert all("no statement was given" in skipped[r] for r in BILL_RULES)
    assert report.summary.monthly_overbilled_cents is None
    assert report.statement is None
    assert not set(BILL_RULES) & set(report.summary.findings_by_rule)


@pytest.mark.slow
def test_a_bill_that_matches_the_licenses_is_silent(folder: Path) -> None:
    report = _audit(
        folder,
        [
            _line("X2", "3", "72.00"),
            _line("X4", "2", "68.00"),
            _line("Call Recording Storage", "1", "5.00"),
            _line("E911", "", "2.00", category="fee", jurisdiction="CA"),
            _line("E911", "", "1.00", category="fee", jurisdiction="Washington"),
            _line("USF", "", "4.00", category="fee"),
        ],
    )
    assert {r: report.summary.findings_by_rule[r] for r in BILL_RULES} == dict.fromkeys(
        BILL_RULES, 0
    )
    assert report.summary.monthly_overbilled_cents == 0
    assert report.statement is not None
    assert report.statement.recurring_billed == report.statement.recurring_expected == 14500
    assert report.statement.difference == 0
    assert (report.statement.lines, report.statement.lines_matched) == (6, 3)
    assert set(report.bill.quantity_direction) == {"equal"}


@pytest.mark.slow
def test_over_inventory_and_over_price_split_the_overcharge_exactly(folder: Path) -> None:
    # X2: 5 billed, 3 held, at 26.00 against a 24.00 contract: 2 x 26 beyond the inventory,
    # 3 x 2 over the price; together 130 - 72 = 58, never the 2 x 2 overlap twice.
    report = _audit(
        folder, [_line("X2", "3", "78.00"), _line("x2", "2", "52.00"), _line("X4", "2", "68.00")]
    )
    assert cost(report, "billed-over-inventory") == {"X2": 5200}
    assert cost(report, "price-above-contract") == {"X2": 600}
    assert report.summary.monthly_overbilled_cents == 5800
    row = report.bill.set_index("license_type").loc["X2"]
    assert (row.billed_lines, row.billed_quantity, row.inventory_total) == (2, 5, 3)
    assert (row.quantity_direction, row.price_direction) == ("over", "over")
    assert row.claim_cents == 5800
    found = report.findings.set_index("id")
    assert (
        "Claim a credit of USD 52.00 a month"
        in found.loc["billed-over-inventory:X2"].recommendation
    )
    assert found.loc["billed-over-inventory:X2"].monthly_waste_cents == 0
    # beside the waste, never inside it
    assert report.summary.monthly_waste_cents == 2900


@pytest.mark.slow
def test_under_and_missing_are_noted_never_claimed(folder: Path) -> None:
    report = _audit(folder, [_line("X2", "2", "40.00")])
    table = report.bill.set_index("license_type")
    assert table.loc["X2", "quantity_direction"] == "under"
    assert table.loc["X2", "price_direction"] == "under"
    assert table.loc["X4", "quantity_direction"] == "missing"
    assert table.loc["Call Recording Storage", "quantity_direction"] == "missing"
    assert report.summary.monthly_overbilled_cents == 0
    assert not report.findings.rule.isin(BILL_RULES).any()


@pytest.mark.slow
def test_a_tax_for_a_state_with_no_site_and_no_license_is_claimed(folder: Path) -> None:
    report = _audit(
        folder,
        [
            _line("X2", "3", "72.00"),
            _line("E911 Fee", "", "3.10", category="fee", jurisdiction="FL"),
            _line("E911 Fee", "", "1.00", category="Fees", jurisdiction="Florida"),
            _line("State tax", "", "9.99", category="tax", jurisdiction="TX"),  # a site
            _line("State tax", "", "1.50", category="tax", jurisdiction="wa"),  # L3's address
            _line("GST", "", "4.00", category="tax", jurisdiction="Canada"),
        ],
    )
    assert cost(report, "tax-outside-service-states") == {
        "E911 Fee (FL)": 310,
        "E911 Fee (Florida)": 100,
        "GST (Canada)": 400,
    }
    assert report.summary.monthly_overbilled_cents == 810


@pytest.mark.slow
def test_an_unknown_product_is_a_finding_not_summed(folder: Path) -> None:
    report = _audit(
        folder,
        [
            _line("X2", "3", "72.00"),
            _line("Premium Analytics", "2", "30.00"),
            _line("Premium Analytics", "1", "15.00"),
            _line("Old promo credit", "1", "-10.00"),
        ],
    )
    assert cost(report, "billed-unknown-product") == {
        "Old promo credit": 0,
        "Premium Analytics": 4500,
    }
    assert report.summary.monthly_overbilled_cents == 0
    unexpected = report.bill[report.bill.quantity_direction.eq("unexpected")]
    assert unexpected.description.tolist() == ["Old promo credit", "Premium Analytics"]
    detail = report.findings.set_index("entity_id").loc["Premium Analytics", "detail"]
    assert "(row 3, 4)" in detail


@pytest.mark.slow
def test_an_unpriced_type_has_no_price_verdict(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X9")], licenses=[unit("L1", "X9", "ASSIGNED", "u1")])
    report = _audit(folder, [_line("X9", "2", "200.00")])
    assert cost(report, "billed-over-inventory") == {"X9": 10000}
    assert ids(report, "price-above-contract") == []
    assert report.bill.set_index("license_type").loc["X9", "price_direction"] == "unknown"


@pytest.mark.slow
def test_a_statement_for_another_month_is_warned_about(folder: Path) -> None:
    october = _line("X2", "3", "72.00", period_start="2026-10-01", period_end="2026-10-31")
    report = _audit(folder, [october])
    assert any(
        "the statement bills 2026-10, but the audit is as of 2026-11-02" in w
        for w in report.warnings
    )
    report = _audit(folder, [_line("X2", "3", "72.00")])
    assert not any("the statement" in w for w in report.warnings)
    report = _audit(folder, [_line("X2", "3", "72.00", period_start="", period_end="")])
    assert any("gives no billing period" in w for w in report.warnings)


@pytest.mark.slow
def test_suppressed_bill_findings_leave_the_overbilled_total(folder: Path) -> None:
    from auditor.engine.run import run
    from auditor.model import Settings
    from auditor.settings.config import Suppression
    from auditor.snapshot.load import load
    from tests.conftest import NOW

    write_csv(folder / "statement.csv", [_line("X2", "4", "96.00"), _line("X4", "2", "70.00")])
    report = run(
        load(folder),
        Settings(as_of=dt.date(2026, 11, 2)),
        tenant="t",
        generated_at=NOW,
        suppressions=(Suppression("billed-over-inventory", "X2", "credit agreed", "ap"),),
    )
    assert report.summary.monthly_overbilled_cents == 200
