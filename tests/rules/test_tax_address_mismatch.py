"""tax-address-mismatch: state spellings, postal-only differences, unassigned, skipping."""

from __future__ import annotations

import pytest

from tests.conftest import SITES, TenantFactory, audit, ids, unit, user, write_csv

RULE = "tax-address-mismatch"


@pytest.mark.slow
def test_assigned_license_compares_with_the_assignees_site(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("sf1", licenses="X2"),
            user("tx1", site="austin", licenses="X2"),
            user("tx2", site="Austin", licenses="X2"),
            user("tx3", site="austin", licenses="X2"),
        ],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "sf1", state="California"),  # spelling only
            unit("L2", "X2", "ASSIGNED", "tx1", state="CA"),  # taxed in CA, used in TX
            unit("L3", "X2", "ASSIGNED", "tx2", state="tx", postal="99999"),  # postal only
            unit("L4", "X2", "ASSIGNED", "tx3", state="Texas", country="USA"),
        ],
    )
    report = audit(folder)
    assert ids(report, RULE) == ["L2"]
    finding = report.findings.set_index("entity_id").loc["L2"]
    assert finding.site == "Austin"
    assert finding.monthly_cost_cents == 2400
    assert "500 Congress Ave" in finding.recommendation


@pytest.mark.slow
def test_country_difference_is_a_mismatch(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("u1", licenses="X2")],
        licenses=[unit("L1", "X2", "ASSIGNED", "u1", state="", country="CA")],
    )
    assert ids(audit(folder), RULE) == ["L1"]


@pytest.mark.slow
def test_unassigned_license_must_match_some_site(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("c1")],
        licenses=[
            unit("L1", "X2", "UNASSIGNED", state="TX"),
            unit("L2", "X2", "UNASSIGNED", state="WA"),
            unit("L3", "X2", "SUSPENDED", state="WA"),
        ],
    )
    report = audit(folder)
    assert ids(report, RULE) == ["L2"]
    assert "no site" in report.findings.set_index("entity_id").title["L2"]


@pytest.mark.slow
def test_per_pool_inventory_skips_the_rule_with_a_reason(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X2")])
    write_csv(folder / "licenses.csv", [{"license_type": "X2", "total": 1, "unassigned": 0}])
    report = audit(folder)
    assert RULE not in set(report.findings.rule)
    assert [s.rule for s in report.skipped if _other(s.reason)] == [RULE]
    assert "pool counts only" in report.skipped[0].reason
    assert "and there is no addresses.csv" in report.skipped[0].reason
    assert RULE not in report.summary.findings_by_rule


@pytest.mark.slow
def test_no_service_columns_skips_the_rule(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X2")])
    write_csv(
        folder / "licenses.csv",
        [{"license_id": "L1", "license_type": "X2", "status": "ASSIGNED", "assigned_to": "u1"}],
    )
    report = audit(folder)
    assert [s.rule for s in report.skipped if _other(s.reason)] == [RULE]


def _other(reason: str) -> bool:
    """A skip for this rule's data, not for a missing statement or numbers.csv."""
    return "no statement" not in reason and "no numbers.csv" not in reason


@pytest.mark.slow
def test_unknown_site_is_warned_not_guessed(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", site="Boston", licenses="X2")], sites=SITES)
    report = audit(folder)
    assert ids(report, RULE) == []
    assert any("Boston" in w for w in report.warnings)
