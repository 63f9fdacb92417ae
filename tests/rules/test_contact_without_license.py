"""contact-without-license: seats vs add-ons, severity, the offer of a free seat."""

from __future__ import annotations

from tests.conftest import TenantFactory, audit, ids, unit, user

RULE = "contact-without-license"


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


def test_recommendation_names_the_pool_with_a_free_seat(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("c1", scim_provider="azure"), user("u2", licenses="X2")],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u2"),
            # taxed where no site is, so the engine pairs neither with c1 (see tests/test_plan.py)
            unit("L2", "X4", "UNASSIGNED", state="WA"),
            unit("L3", "X4", "UNASSIGNED", state="WA"),
        ],
    )
    finding = audit(folder).findings.set_index("id").loc["contact-without-license:c1"]
    assert "X4 has 2 unassigned" in finding.recommendation
    assert finding.monthly_cost == 0


def test_no_free_seat_says_a_license_is_needed(tenant: TenantFactory) -> None:
    folder = tenant([user("c1", extension="1001"), user("u2", licenses="X2")])
    finding = audit(folder).findings.set_index("entity_id").loc["c1"]
    assert "new license" in finding.recommendation
