"""The bill under hostile text: descriptions and type names stay text in every bill table."""

from __future__ import annotations

import html as markup

import openpyxl
import pytest

from auditor.render.xlsx.layout import label
from tests.hostile.conftest import CASE_IDS, CASES, Case, Run


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_json_bill_tables_carry_the_text_exactly(hostile_run: Run, case: Case) -> None:
    bill = hostile_run.report["statement"]
    unexpected = {t["description"] for t in bill["types"] if t["license_type"] is None}
    assert f"{case.loaded}xtra" in unexpected
    over = {t["license_type"] for t in bill["types"] if t["quantity_direction"] == "over"}
    assert case.loaded in over
    items = {c["item"] for c in bill["credits"]}
    assert {case.loaded, f"{case.loaded} (FL)"} <= items
    hostile_run.finding(f"billed-unknown-product:{case.loaded}xtra")
    hostile_run.finding(f"tax-outside-service-states:{case.loaded} (FL)")


def test_the_claims_add_up_whatever_the_names(hostile_run: Run) -> None:
    credits = hostile_run.report["statement"]["credits"]
    assert len(credits) == 2 * len(CASES)  # one seat over, one Florida fee, per case
    total = round(sum(c["claim"] for c in credits), 2)
    assert total == hostile_run.report["summary"]["monthly_overbilled"] == 11.50 * len(CASES)


def test_the_bill_table_escapes_every_description(hostile_run: Run) -> None:
    page = (hostile_run.out / "audit.html").read_text(encoding="utf-8")
    start = page.index('<section id="bill"')
    section = page[start : page.index("</section>", start)]
    assert "<script>" not in section
    assert "<img" not in section
    assert markup.escape("<script>alert(1)</script>xtra", quote=False) in section
    assert 'data-quantity="unexpected"' in section


def test_statement_and_credits_sheets_hold_the_text_as_text(hostile_run: Run) -> None:
    wb = openpyxl.load_workbook(hostile_run.out / "audit.xlsx")
    ws = wb["Statement"]
    header = [c.value for c in ws[1]]
    column = header.index(label("description"))
    cells = [row[column] for row in ws.iter_rows(min_row=2) if row[column].value is not None]
    assert {c.value for c in cells} >= {f"{c.loaded}xtra" for c in CASES if "\r" not in c.loaded}
    assert all(c.data_type == "s" for c in cells)
    items = [row[2] for row in wb["Credits"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in items)
    assert '=HYPERLINK("http://evil.example","x") (FL)' in {c.value for c in items}
