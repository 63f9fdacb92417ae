"""focus.csv: FOCUS 1.2 column names, one row per license type for the audit month."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from auditor.render.focus import billing_period, write_focus
from tests.conftest import audit


@pytest.mark.slow
def test_one_row_per_type_with_focus_columns(tiny_dir: Path, tmp_path: Path) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 17))
    write_focus(report, tmp_path / "focus.csv")
    with (tmp_path / "focus.csv").open(newline="") as handle:
        rows = {r["SkuId"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {"X2", "X4", "Call Recording Storage"}
    x2 = rows["X2"]
    assert x2["ChargeCategory"] == "Purchase"
    assert x2["ChargeFrequency"] == "Recurring"
    assert x2["PricingUnit"] == "Licenses"
    assert (x2["PricingQuantity"], x2["ListUnitPrice"], x2["BilledCost"]) == ("3", "24.00", "72.00")
    assert (x2["BillingPeriodStart"], x2["BillingPeriodEnd"]) == (
        "2026-11-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
    )
    assert (x2["x_Assigned"], x2["x_Unassigned"]) == ("2", "1")
    assert x2["x_ServiceStates"] == "CA;WA"
    billed = sum(round(float(r["BilledCost"]) * 100) for r in rows.values())
    assert billed == report.summary.monthly_cost_cents


def test_billing_period_crosses_the_year() -> None:
    assert billing_period(dt.date(2026, 12, 31)) == ("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")
