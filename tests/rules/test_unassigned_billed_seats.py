"""unassigned-billed-seats: per type, seats and add-ons, suspended, unknown price."""

from __future__ import annotations

import pytest

from tests.conftest import TenantFactory, audit, ids, unit, user

RULE = "unassigned-billed-seats"


@pytest.mark.slow
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
    cost = report.findings.set_index("entity_id").monthly_cost_cents
    assert cost["X2"] == 4800
    assert cost["Call Recording Storage"] == 500
    pools = report.pools.set_index("license_type")
    assert pools.loc["X4", ["total", "assigned", "unassigned", "suspended"]].tolist() == [
        1,
        0,
        0,
        1,
    ]
    assert report.summary.monthly_waste_cents == 5300


@pytest.mark.slow
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
    assert report.pools.set_index("license_type").monthly_price_cents.isna()["X9"]


@pytest.mark.slow
def test_recommendation_lists_license_ids_and_the_notice(tenant: TenantFactory) -> None:
    folder = tenant(
        # c1 expects service and gets L7 (the first by id); c2, a bare entry, gets none
        [user("c1", extension="1001"), user("c2")],
        licenses=[
            unit("L9", "X4", "UNASSIGNED"),
            unit("L7", "X4", "UNASSIGNED"),
            unit("L8", "X4", "UNASSIGNED"),
        ],
    )
    report = audit(folder)
    finding = report.findings.set_index("entity_id").loc["X4"]
    assert finding.recommendation == (
        "Give 1 of them to Contacts who need a seat (the Reassign sheet says who gets which "
        "license); file a partial cancellation request with 8x8 for 2 licenses: L8, L9 (30 "
        "days' notice; billing continues until then; saves USD 68.00 a month)."
    )
    assert finding.license_ids == ["L7", "L8", "L9"]
    assert (finding.monthly_cost_cents, finding.monthly_waste_cents) == (10200, 10200)


@pytest.mark.slow
def test_recommendation_with_nobody_to_give_a_seat_only_cancels(tenant: TenantFactory) -> None:
    folder = tenant([user("c1")], licenses=[unit("L9", "X4", "UNASSIGNED")])
    finding = audit(folder).findings.set_index("entity_id").loc["X4"]
    assert finding.recommendation == (
        "File a partial cancellation request with 8x8 for 1 license: L9 (30 days' notice; "
        "billing continues until then; saves USD 34.00 a month)."
    )


@pytest.mark.slow
def test_recommendation_when_every_seat_goes_to_a_contact(tenant: TenantFactory) -> None:
    folder = tenant([user("c1", extension="1001")], licenses=[unit("L9", "X4", "UNASSIGNED")])
    finding = audit(folder).findings.set_index("entity_id").loc["X4"]
    assert finding.recommendation == (
        "Give 1 of them to Contacts who need a seat (the Reassign sheet says who gets which "
        "license)."
    )
