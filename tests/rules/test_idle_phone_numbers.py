"""idle-phone-numbers: per number or per category, priced from the price book, in the ledger
once, and skipped without numbers.csv."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.render import write_reports
from tests.conftest import FIXTURES, ROOT, audit, ids
from tests.helpers.ledger import LEDGER_CHECK

pytestmark = pytest.mark.slow  # whole audits

RULE = "idle-phone-numbers"


@pytest.fixture
def numbers_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "numbers", tmp_path / "numbers"))


def test_each_idle_number_is_a_finding_priced_by_its_category(numbers_dir: Path) -> None:
    report = audit(numbers_dir)
    assert ids(report, RULE) == ["+14155550190", "+18885550100"]
    found = report.findings[report.findings.rule.eq(RULE)].set_index("entity_id")
    assert found.monthly_cost_cents["+14155550190"] == 150  # Local Number, the price book's DID
    assert found.monthly_cost_cents["+18885550100"] == 300  # Toll-Free Number
    assert (found.monthly_waste_cents == 0).all()  # the waste is the unassigned rows', once
    assert set(found.entity_type) == {"phone_number"}
    assert "unassigned-billed-seats" in found.detail["+14155550190"]


def test_idle_numbers_are_unassigned_ledger_rows_counted_once(numbers_dir: Path) -> None:
    before = audit(FIXTURES / "tiny")
    report = audit(numbers_dir)
    rows = report.ledger.set_index("seat_id")
    number = rows.loc["+14155550190"]
    assert (number.kind, number.disposition, number.inventory_status) == (
        "number",
        "unassigned",
        "UNASSIGNED",
    )
    assert number.finding_id == "unassigned-billed-seats:Local Number"
    assert "+14155550101" not in rows.index  # assigned: on a user, not idle
    assert "+15125550177" not in rows.index  # porting: not billed as idle yet
    summary, old = report.summary, before.summary
    assert summary.seats_total == old.seats_total + 2
    assert summary.monthly_cost_cents - old.monthly_cost_cents == 450
    assert summary.monthly_waste_cents - old.monthly_waste_cents == 450
    pools = report.pools.set_index("license_type")
    assert pools.loc["Toll-Free Number", ["total", "unassigned"]].tolist() == [1, 1]


def test_the_report_still_adds_up(numbers_dir: Path, tmp_path: Path) -> None:
    written = write_reports(audit(numbers_dir), tmp_path / "out", ["json"])
    result = subprocess.run(
        [sys.executable, str(LEDGER_CHECK), str(written[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    data = json.loads(written[0].read_text())
    assert data["summary"]["findings_by_rule"][RULE] == 2


def test_many_idle_numbers_of_a_category_are_one_finding(numbers_dir: Path) -> None:
    lines = ["number,status,category"] + [f"+1800555{n:04d},AVAILABLE,TOLL_FREE" for n in range(25)]
    lines += ["+14155550190,AVAILABLE,LOCAL"]
    (numbers_dir / "numbers.csv").write_text("\n".join(lines) + "\n")
    report = audit(numbers_dir)
    assert ids(report, RULE) == ["+14155550190", "TOLL_FREE"]
    group = report.findings.set_index("id").loc[f"{RULE}:TOLL_FREE"]
    assert group.entity_type == "number_category"
    assert group.title == "25 toll-free numbers are billed but assigned to nobody"
    assert group.monthly_cost_cents == 7500
    assert "+18005550000, +18005550001" in group.detail
    assert "and 15 more" in group.detail


def test_no_number_row_in_the_price_book_is_an_unknown_price(numbers_dir: Path) -> None:
    shutil.copy(FIXTURES / "tiny" / "prices.csv", numbers_dir / "prices.csv")
    report = audit(numbers_dir)
    found = report.findings[report.findings.rule.eq(RULE)]
    assert not found.cost_known.any()
    assert found.detail.str.contains(
        "an unknown amount (prices.csv has no number row", regex=False
    ).all()
    assert report.summary.unpriced_seats >= 2


def test_an_inventory_that_lists_numbers_is_not_counted_twice(numbers_dir: Path) -> None:
    with (numbers_dir / "licenses.csv").open("a") as handle:
        handle.write("L90,Local Number,UNASSIGNED,,,,,,\n")
    report = audit(numbers_dir)
    assert "+14155550190" not in set(report.ledger.seat_id)
    assert ids(report, RULE) == ["+14155550190", "+18885550100"]
    detail = report.findings.set_index("entity_id").detail["+14155550190"]
    assert "licenses.csv lists number licences (Local Number)" in detail


def test_skipped_with_the_reason_without_numbers_csv() -> None:
    report = audit(FIXTURES / "tiny")
    reasons = {s.rule: s.reason for s in report.skipped}
    assert reasons[RULE].startswith("no numbers.csv was given")
    assert RULE not in report.summary.findings_by_rule


def test_readme_lists_the_rule() -> None:
    assert f"`{RULE}`" in (ROOT / "README.md").read_text()
