"""license-overassigned: holders (users' view) against total (inventory's view)."""

from __future__ import annotations

import pytest

from tests.conftest import TenantFactory, audit, ids, unit, user

RULE = "license-overassigned"


@pytest.mark.slow
def test_more_holders_than_licenses(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("a", licenses="X4"),
            user("b", licenses="x4"),
            user("c", licenses="X4"),
            user("d", licenses="X2"),
        ],
        licenses=[unit("L1", "X4", "ASSIGNED", "a"), unit("L2", "X2", "ASSIGNED", "d")],
    )
    report = audit(folder)
    assert ids(report, RULE) == ["X4"]
    finding = report.findings.set_index("entity_id").loc["X4"]
    assert finding.monthly_cost_cents == 6800  # (3 holders - 1 license) x 34.00
    assert finding.severity == "high"
    pools = report.pools.set_index("license_type")
    assert (pools.loc["X4", "holders"], pools.loc["X4", "total"]) == (3, 1)
    # over-assignment is not waste: nobody pays for unused seats here
    assert report.summary.monthly_waste_cents == 0


@pytest.mark.slow
def test_type_held_but_missing_from_the_inventory(tenant: TenantFactory) -> None:
    folder = tenant([user("a", licenses="X2;X4")], licenses=[unit("L1", "X2", "ASSIGNED", "a")])
    assert ids(audit(folder), RULE) == ["X4"]


@pytest.mark.slow
def test_equal_holders_and_total_is_clean(tenant: TenantFactory) -> None:
    folder = tenant([user("a", licenses="X2"), user("b", licenses="X2")])
    assert ids(audit(folder), RULE) == []
