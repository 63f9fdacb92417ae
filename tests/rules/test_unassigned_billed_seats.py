"""unassigned-billed-seats: per type, seats and add-ons, suspended, unknown price."""

from __future__ import annotations

from tests.conftest import TenantFactory, audit, ids, unit, user

RULE = "unassigned-billed-seats"


def test_one_finding_per_type_with_unassigned_licenses(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("u1", licenses="X2")],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u1"),
            unit("L2", "X2", "Unassigned"),
            unit("L3", "x2", "unassigned"),
            unit("L4", "Call Recording Storage", "UNASSIGNED"),
            unit("L5", "X4", "SUSPENDED"),
        ],
    )
    report = audit(folder)
    assert ids(report, RULE) == ["Call Recording Storage", "X2"]
    cost = report.findings.set_index("entity_id").monthly_cost
    assert cost["X2"] == 48.00
    assert cost["Call Recording Storage"] == 5.00
    pools = report.pools.set_index("license_type")
    assert pools.loc["X4", ["total", "assigned", "unassigned", "suspended"]].tolist() == [
        1,
        0,
        0,
        1,
    ]
    assert report.summary.monthly_waste == 53.00


def test_unpriced_type_is_never_free(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("u1", licenses="X9")],
        licenses=[unit("L1", "X9", "ASSIGNED", "u1"), unit("L2", "X9", "UNASSIGNED")],
    )
    report = audit(folder)
    finding = report.findings.set_index("entity_id").loc["X9"]
    assert not finding.cost_known
    assert "unknown amount" in finding.detail
    assert finding.severity == "medium"
    assert report.summary.unpriced_seats == 2
    assert report.pools.set_index("license_type").monthly_price.isna()["X9"]


def test_recommendation_lists_license_ids_and_the_notice(tenant: TenantFactory) -> None:
    folder = tenant([user("c1")], licenses=[unit("L9", "X4", "UNASSIGNED")])
    finding = audit(folder).findings.set_index("entity_id").loc["X4"]
    assert "L9" in finding.recommendation
    assert "30 days' notice" in finding.recommendation
    assert "1 active user(s) with no seat" in finding.recommendation
