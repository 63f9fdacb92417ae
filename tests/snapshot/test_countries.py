"""Licenses are per country: pools, ledger rows and prices carry one.

8x8's Licenses page groups each license type by country (help page "Review Licenses"), and the
User Management API gives each license a ``country`` (spec example:
``{"id": "02KB7TGTYAG4Rq4jDUhwyQ", "name": "...-US", "country": "US"}``). Figures are by hand.
"""

from __future__ import annotations

import pytest

from auditor.errors import InputError
from tests.conftest import PRICES, TenantFactory, audit, ids, unit, user, write_csv


def _two_country_pools(tenant: TenantFactory, prices=PRICES):
    folder = tenant(
        [user("a", licenses="X2"), user("b", licenses="X2"), user("c", licenses="X2")],
        prices=prices,
    )
    write_csv(
        folder / "licenses.csv",
        [
            {"license_type": "X2", "country": "US", "total": "3", "unassigned": "1"},
            {"license_type": "X2", "country": "United Kingdom", "total": "2", "unassigned": "1"},
        ],
    )
    return folder


@pytest.mark.slow
def test_a_per_pool_file_may_repeat_a_type_per_country(tenant: TenantFactory) -> None:
    """US 3 (1 unassigned) + GB 2 (1 unassigned): one X2 pool of 5, 2 unassigned; the
    ledger numbers each country's seats apart."""
    report = audit(_two_country_pools(tenant))
    pool = report.pools.set_index("license_type").loc["X2"]
    assert (pool.total, pool.unassigned, pool.country) == (5, 2, "GB, US")
    ledger = report.ledger.set_index("seat_id")
    assert sorted(ledger.index) == [f"X2 (GB)#{n}" for n in (1, 2)] + [
        f"X2 (US)#{n}" for n in (1, 2, 3)
    ]
    assert sorted(ledger.country.unique()) == ["GB", "US"]
    # 2 + 1 assigned seats hold the 3 users; one seat per country is waste at 24.00.
    assert sorted(ledger.holder.dropna()) == ["a", "b", "c"]
    assert report.bridge.open_waste == 2 * 2400
    assert ids(report, "license-overassigned") == []


@pytest.mark.slow
def test_prices_may_differ_per_country(tenant: TenantFactory) -> None:
    prices = [
        *PRICES,
        {"license_type": "X2", "monthly_price": "20.00", "currency": "USD", "country": "GB"},
    ]
    report = audit(_two_country_pools(tenant, prices))
    ledger = report.ledger.set_index("seat_id")
    assert ledger.price_cents["X2 (GB)#1"] == 2000
    assert ledger.price_cents["X2 (US)#1"] == 2400
    finding = report.findings.set_index("entity_id").loc["X2"]
    assert finding.monthly_waste_cents == 2000 + 2400
    assert finding.monthly_cost_cents == 2000 + 2400
    assert "its country's price" in finding.detail


def test_one_country_twice_is_refused(tenant: TenantFactory) -> None:
    folder = tenant([user("a", licenses="X2")])
    write_csv(
        folder / "licenses.csv",
        [
            {"license_type": "X2", "country": "US", "total": "1", "unassigned": "0"},
            {"license_type": "x2", "country": "USA", "total": "2", "unassigned": "0"},
        ],
    )
    with pytest.raises(InputError, match=r"licenses.csv row 3, column license_type and country"):
        audit(folder)


@pytest.mark.slow
def test_per_license_rows_take_the_licenses_own_country(tenant: TenantFactory) -> None:
    """No service country, but the license's own (the API's ``license.country``)."""
    row = unit("L1", "X2", assigned_to="a", state="", country="")
    folder = tenant([user("a", licenses="X2")])
    write_csv(folder / "licenses.csv", [{**row, "country": "GB"}])
    ledger = audit(folder).ledger.set_index("seat_id")
    assert ledger.country["L1"] == "GB"
