"""The chargeback view: every license and every wasted cent lands on exactly one site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.engine.chargeback import NO_SITE, SITE_COLUMNS
from auditor.model import Report
from auditor.vocab import stored
from tests.conftest import DEMO, SITES, TenantFactory, audit, unit, user


def reconciles(report: Report) -> None:
    sites, summary = report.sites, report.summary
    assert sites.monthly_waste_cents.sum() == summary.monthly_waste_cents
    assert sites.monthly_cost_cents.sum() == summary.monthly_cost_cents
    assert sites.seats.sum() == summary.seats_total
    assert sites.seats_unassigned.sum() == summary.seats_unassigned
    assert sites.users.sum() == summary.users
    assert (sites.annual_waste_cents == sites.monthly_waste_cents * 12).all()


@pytest.mark.slow
def test_tiny_example_by_hand(tiny_dir: Path) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 1))
    sites = report.sites.set_index("site")
    assert list(report.sites.columns[: len(SITE_COLUMNS)]) == stored(SITE_COLUMNS)
    assert sites.index.tolist() == ["Austin", "San Francisco", NO_SITE]
    # L4 (X2) is assigned to u4 at Austin: charged to Austin though taxed in CA
    assert (sites.loc["Austin", "seats"], sites.loc["Austin", "monthly_cost_cents"]) == (1, 2400)
    assert sites.loc["Austin", "users"] == 3
    # L1 X4 + L2 add-on + L3 X2 (u2, stale) + L6 X4 (unassigned, taxed in CA) = 34+5+24+34
    assert sites.loc["San Francisco", "monthly_cost_cents"] == 9700
    assert sites.loc["San Francisco", "monthly_waste_cents"] == 5800  # L6 34 + u2's X2 24
    assert sites.loc["San Francisco", "stale_seats"] == 1
    # L5 (X2) is unassigned and taxed in WA, where no site is
    assert sites.loc[NO_SITE, "monthly_waste_cents"] == 2400
    assert sites.loc[NO_SITE, "site_id"] == ""
    reconciles(report)


@pytest.mark.slow
def test_demo_reconciles_with_the_summary() -> None:
    report = audit(DEMO, dt.date(2026, 11, 2))
    reconciles(report)
    assert report.sites.site.tolist()[-1] == NO_SITE  # the WA and NJ spares


@pytest.mark.slow
def test_pool_counts_only_reconcile_through_the_no_site_row(tiny_dir: Path) -> None:
    (tiny_dir / "licenses.csv").write_text(
        "license_type,total,unassigned\nX2,3,1\nX4,2,1\nCall Recording Storage,1,0\n"
    )
    report = audit(tiny_dir)
    reconciles(report)
    sites = report.sites.set_index("site")
    assert sites.loc[NO_SITE, "seats_unassigned"] == 2
    assert sites.loc["Austin", "monthly_cost_cents"] == 2400  # u4 holds X2


@pytest.mark.slow
def test_a_shared_state_goes_to_the_lowest_site_id(tenant: TenantFactory) -> None:
    second_ca = {**SITES[0], "site_id": "la", "name": "Los Angeles"}
    folder = tenant(
        [user("u1", licenses="X2")],
        licenses=[unit("L1", "X2", "ASSIGNED", "u1"), unit("L2", "X4", "UNASSIGNED")],
        sites=[*SITES, second_ca],
    )
    sites = audit(folder).sites.set_index("site_id")
    assert sites.loc["la", "monthly_waste_cents"] == 3400  # "la" sorts before "sf"
    assert sites.loc["sf", "monthly_waste_cents"] == 0
    assert sites.loc["austin", "monthly_cost_cents"] == 0  # idle sites are listed too


@pytest.mark.slow
def test_unknown_prices_are_counted_not_summed(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X9")])
    sites = audit(folder).sites.set_index("site_id")
    assert sites.loc["sf", "unpriced_seats"] == 1
    assert sites.loc["sf", "monthly_cost_cents"] == 0
