"""8x8's Contact Center pools: the seats live in one pool, the bill in another.

From 8x8's Licenses page as PRODUCT.md states it ("8x8 as it really is"): each
"X Series X8 (Contact Center)" license gives 5 contact-centre seats, tracked in the
"Additional Named User" pool, and the X8 (Contact Center) pool's unassigned count never moves.
Surplus licenses = total - ceil(ANU in use / 5), billed at the X8 (Contact Center) price; the
ANU pool is shown but not billed. Every figure below is worked out by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.render.json import report_dict
from tests.conftest import PRICES, TenantFactory, audit, ids, unit, user, write_csv
from tests.helpers.ledger import LEDGER_CHECK

CC = "X Series X8 (Contact Center)"
ANU = "Additional Named User"
CC_PRICE = {"license_type": CC, "monthly_price": "150.00", "currency": "USD", "kind": "seat"}
# A price the customer wrote for ANU too: it must be ignored (the pool is not billed).
ANU_PRICE = {"license_type": ANU, "monthly_price": "10.00", "currency": "USD", "kind": ""}


def _pool_tenant(tenant: TenantFactory, tmp_path: Path, anu_assigned: int) -> Path:
    """Per-pool licenses.csv as copied from the Licenses page: X8 (Contact Center) 4 (the
    page shows 0 unassigned: it never moves), ANU 20 with ``anu_assigned`` in use, X2 2/0."""
    folder = tenant(
        [user("a", licenses="X2"), user("b", licenses="X2")],
        prices=[*PRICES, CC_PRICE, ANU_PRICE],
    )
    write_csv(
        folder / "licenses.csv",
        [
            {"license_type": "X2", "total": "2", "unassigned": "0"},
            {"license_type": CC, "total": "4", "unassigned": "0"},
            {"license_type": ANU, "total": "20", "unassigned": str(20 - anu_assigned)},
        ],
    )
    return folder


@pytest.mark.slow
def test_surplus_is_counted_on_the_cc_licenses_at_their_price(tenant, tmp_path) -> None:
    """12 ANU seats in use need ceil(12/5) = 3 licenses: 1 of 4 is surplus, USD 150.00."""
    report = audit(_pool_tenant(tenant, tmp_path, anu_assigned=12))
    assert ids(report, "unassigned-billed-seats") == [CC]
    finding = report.findings.set_index("entity_id").loc[CC]
    assert finding.monthly_waste_cents == 15000
    assert "5 contact-centre seats" in finding.detail
    assert "12 contact-centre seat(s) in use need 3" in finding.detail
    assert report.bridge.open_waste == 15000
    # ANU: not in the ledger, not in seats_*, shown unpriced and not billed.
    assert ANU not in set(report.ledger.license_type)
    assert report.summary.seats_total == 2 + 4
    assert report.summary.seats_unassigned == 1
    pools = report.pools.set_index("license_type")
    assert not pools.billed[ANU]
    assert (pools.total[ANU], pools.unassigned[ANU]) == (20, 8)
    assert pools.monthly_price_cents.isna()[ANU]
    assert (pools.assigned[CC], pools.unassigned[CC]) == (3, 1)
    assert any(w.startswith("Contact Center: each") for w in report.warnings)


@pytest.mark.slow
def test_exact_need_is_no_waste(tenant, tmp_path) -> None:
    """20 seats in use need exactly 4 licenses: nothing flagged, on either pool."""
    report = audit(_pool_tenant(tenant, tmp_path, anu_assigned=20))
    assert report.findings.empty
    assert report.bridge.monthly_cost == 2 * 2400 + 4 * 15000


@pytest.mark.slow
def test_one_seat_in_use_keeps_one_licence(tenant, tmp_path) -> None:
    report = audit(_pool_tenant(tenant, tmp_path, anu_assigned=1))
    assert report.findings.set_index("entity_id").monthly_waste_cents[CC] == 3 * 15000


@pytest.mark.slow
def test_ledger_invariants_hold(tenant, tmp_path) -> None:
    report = audit(_pool_tenant(tenant, tmp_path, anu_assigned=7))
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(report_dict(report), default=str))
    done = subprocess.run(
        [sys.executable, str(LEDGER_CHECK), str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert report.bridge.open_waste == 2 * 15000  # 7 seats need 2 of the 4


@pytest.mark.slow
def test_per_license_inventory_and_api_names(tenant) -> None:
    """Per license, with the agents holding ANU seats in users.csv (the users' view is ahead
    of the inventory: 6 holders, 5 ASSIGNED rows): 6 seats need 2 of the 3 licenses."""
    agents = [user(f"agent{i}", licenses=ANU) for i in range(6)]
    licenses = [unit(f"CC{i}", "8x8 Work X Series - X8 (Contact Center)") for i in range(3)]
    licenses += [unit(f"ANU{i}", ANU, "ASSIGNED" if i < 5 else "UNASSIGNED") for i in range(10)]
    report = audit(tenant(agents, licenses=licenses, prices=[*PRICES, CC_PRICE]))
    assert ids(report, "contact-without-license") == []
    assert ids(report, "license-overassigned") == []
    ledger = report.ledger.set_index("seat_id")
    assert sorted(ledger.index) == ["CC0", "CC1", "CC2"]
    assert list(ledger.disposition) == ["in-use", "in-use", "unassigned"]
    assert report.bridge.open_waste == 15000
