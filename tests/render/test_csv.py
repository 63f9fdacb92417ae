"""findings.csv: the JSON findings' columns, money to the cent, formulas defused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from auditor.model import ALL_FINDING_COLUMNS
from auditor.render.csv import write_csv
from tests.conftest import TenantFactory, audit, user


@pytest.mark.slow
def test_columns_and_money(tiny_dir: Path, tmp_path: Path) -> None:
    report = audit(tiny_dir)
    write_csv(report, tmp_path / "findings.csv")
    with (tmp_path / "findings.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(ALL_FINDING_COLUMNS)
    assert len(rows) == len(report.findings)
    assert sum(round(float(r["monthly_cost"]) * 100) for r in rows) == (
        report.findings.monthly_cost_cents.sum()
    )
    assert {r["monthly_cost"] for r in rows} >= {"24.00", "34.00", "0.00"}


@pytest.mark.slow
def test_tenant_text_never_becomes_a_formula(tenant: TenantFactory, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]
    users = [
        user(f"u{i}", first_name=name, last_name="", scim_provider="okta")
        for i, name in enumerate(hostile)
    ]
    report = audit(tenant(users))
    write_csv(report, tmp_path / "findings.csv")
    with (tmp_path / "findings.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(hostile)
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            if column != "monthly_cost":
                assert not value.startswith("-"), (column, value)
    titles = {r["title"] for r in rows}
    assert any(t.startswith("'=HYPERLINK") for t in titles)
