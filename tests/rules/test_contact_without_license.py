"""contact-without-license: seats vs add-ons, severity, the seat the plan gives."""

from __future__ import annotations

import pytest

from tests.conftest import TenantFactory, audit, ids, unit, user

RULE = "contact-without-license"


@pytest.mark.slow
def test_active_users_without_a_seat_are_contacts(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("seat", licenses="X2"),
            user("addon", licenses="Call Recording Storage"),
            user("none"),
            user("inactive", status="INACTIVE"),
            user("unpriced", licenses="X9"),  # a type with no price is still a seat
        ]
    )
    assert ids(audit(folder), RULE) == ["addon", "none"]


@pytest.mark.slow
def test_severity_is_medium_when_someone_expects_service(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("scim", scim_provider="okta"),
            user("ext", extension="2001"),
            user("phone", phone_number="+15125550100"),
            user("bare"),
        ]
    )
    severity = audit(folder).findings.set_index("entity_id").severity
    assert severity.to_dict() == {
        "scim": "medium",
        "ext": "medium",
        "phone": "medium",
        "bare": "info",
    }


@pytest.mark.slow
def test_recommendation_names_the_seat_the_plan_gives(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("c1", scim_provider="azure"), user("u2", licenses="X2")],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u2"),
            # taxed where no site is: c1 (San Francisco, CA) still gets the first, by id
            unit("L2", "X4", "UNASSIGNED", state="WA"),
            unit("L3", "X4", "UNASSIGNED", state="WA"),
        ],
    )
    report = audit(folder)
    finding = report.findings.set_index("id").loc["contact-without-license:c1"]
    assert finding.recommendation == (
        "Reassign before you buy: assign license L2 (X4, USD 34.00 a month), already billed, "
        "so this needs no new purchase. Then set its service address to this user's site, so "
        "it is taxed where it is used."
    )
    assert finding.monthly_cost_cents == 0
    assert finding.monthly_waste_cents == 0
    assert report.cancellation.set_index("license_type").license_ids_to_cancel["X4"] == "L3"


@pytest.mark.slow
def test_no_surplus_seat_says_a_seat_is_a_new_purchase(tenant: TenantFactory) -> None:
    folder = tenant([user("c1", extension="1001"), user("u2", licenses="X2")])
    finding = audit(folder).findings.set_index("entity_id").loc["c1"]
    assert finding.recommendation == (
        "No surplus seat is left for this user once the plan has placed the others, so a seat "
        "for them is a new purchase; first check that they need phone service."
    )
