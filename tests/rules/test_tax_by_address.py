"""tax-address-mismatch by address: the API's address list, without the per-license export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, audit, ids

pytestmark = pytest.mark.slow  # whole audits

RULE = "tax-address-mismatch"


@pytest.fixture
def api_only(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "api-only", tmp_path / "api-only"))


def test_an_address_serving_licenses_where_no_site_is_is_a_finding(api_only: Path) -> None:
    report = audit(api_only)
    # a-sf and a-austin are the sites' addresses; a-tx is no site's but in a site's state
    # (a postal-code-only difference); a-wa serves no license.
    assert ids(report, RULE) == ["a-or"]
    finding = report.findings.set_index("entity_id").loc["a-or"]
    assert finding.entity_type == "address"
    assert (
        finding.title
        == "3 licenses taxed at 9 Elm St, Portland OR, 97201 (OR, US), where no site is"
    )
    # The most common seat price among the ledger's seats: X2 (3 seats) at 24.00.
    assert finding.monthly_cost_cents == 7200
    assert finding.monthly_waste_cents == 0
    assert "most common seat price, USD 24.00 a month each" in finding.detail
    assert report.tax.empty  # the Tax sheet lays out licenses; these are addresses


def test_unknown_seat_prices_leave_the_cost_unknown(api_only: Path) -> None:
    (api_only / "prices.csv").write_text("license_type,monthly_price,kind\nTFN,3.00,number\n")
    report = audit(api_only)
    finding = report.findings.set_index("entity_id").loc["a-or"]
    assert not finding.cost_known
    assert "No seat has a known price, so what these licenses cost is an unknown amount" in (
        finding.detail
    )


def test_the_per_license_form_wins_and_nothing_is_counted_twice(tiny_dir: Path) -> None:
    shutil.copy(FIXTURES / "api-only" / "addresses.csv", tiny_dir / "addresses.csv")
    report = audit(tiny_dir)
    found = report.findings[report.findings.rule.eq(RULE)]
    assert set(found.entity_type) <= {"license"}
    assert "a-or" not in set(found.entity_id)
    without = audit(FIXTURES / "tiny")
    assert ids(report, RULE) == ids(without, RULE)
