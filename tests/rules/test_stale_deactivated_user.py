"""stale-deactivated-user: the 30-day boundary, unknown dates, add-ons, the money."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TenantFactory, audit, ids, user

RULE = "stale-deactivated-user"
AS_OF = dt.date(2026, 11, 1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("deactivated_at", "stale"),
    [
        ("2026-10-02", True),  # 30 days before as_of: stale
        ("2026-10-03", False),  # 29 days: still in the grace period
        ("2026-10-02T23:59:00-07:00", True),  # the calendar date as written counts
        ("2026-11-01", False),
        ("2024-01-01", True),
    ],
)
def test_the_grace_period_is_counted_in_calendar_days(
    tenant: TenantFactory, deactivated_at: str, stale: bool
) -> None:
    folder = tenant([user("u1", status="INACTIVE", licenses="X2", deactivated_at=deactivated_at)])
    assert ids(audit(folder, AS_OF), RULE) == (["u1"] if stale else [])


@pytest.mark.slow
def test_stale_after_days_comes_from_settings(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", status="INACTIVE", licenses="X2", deactivated_at="2026-10-20")])
    assert ids(audit(folder, AS_OF, stale_after_days=10), RULE) == ["u1"]
    assert ids(audit(folder, AS_OF, stale_after_days=30), RULE) == []


@pytest.mark.slow
def test_last_updated_stands_in_and_unknown_is_stale(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("recent", status="INACTIVE", licenses="X2", last_updated_at="2026-10-30"),
            user("old", status="INACTIVE", licenses="X2", last_updated_at="2026-01-30"),
            user("unknown", status="deactivated", licenses="X2", last_updated_at=""),
        ]
    )
    report = audit(folder, AS_OF)
    assert ids(report, RULE) == ["old", "unknown"]
    detail = report.findings.set_index("entity_id").detail
    assert "unknown date" in detail["unknown"]
    assert "not recorded" in detail["old"]


@pytest.mark.slow
def test_addon_only_holder_is_not_stale_and_addons_are_not_costed(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user(
                "addon",
                status="INACTIVE",
                licenses="Call Recording Storage",
                deactivated_at="2026-01-01",
            ),
            user(
                "both",
                status="INACTIVE",
                licenses="X4;Call Recording Storage",
                deactivated_at="2026-01-01",
            ),
        ]
    )
    report = audit(folder, AS_OF)
    assert ids(report, RULE) == ["both"]
    finding = report.findings.set_index("entity_id").loc["both"]
    assert finding.monthly_cost_cents == 3400
    assert finding.license_type == "X4"
    assert "voicemail" in finding.recommendation
    assert "30 days' notice" in finding.recommendation


@pytest.mark.slow
def test_cost_sums_every_held_seat_and_unknown_prices_are_flagged(
    tenant: TenantFactory,
) -> None:
    folder = tenant(
        [user("u1", status="INACTIVE", licenses="X2;X4;X9", deactivated_at="2026-01-01")]
    )
    finding = audit(folder, AS_OF).findings.set_index("entity_id").loc["u1"]
    assert finding.monthly_cost_cents == 5800
    assert not finding.cost_known
    assert "no price" in finding.detail


@pytest.mark.slow
def test_active_users_and_unlicensed_inactive_users_are_not_stale(
    tenant: TenantFactory,
) -> None:
    folder = tenant(
        [
            user("active", licenses="X2", deactivated_at="2020-01-01"),
            user("bare", status="INACTIVE", deactivated_at="2020-01-01"),
        ]
    )
    assert ids(audit(folder, AS_OF), RULE) == []
