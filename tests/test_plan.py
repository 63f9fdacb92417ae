"""Reassign before you buy, and the cancellation plan: pairs, counts and savings by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from auditor.model import Report
from tests.conftest import SITES, TenantFactory, audit, unit, user

CONTACT = "contact-without-license"


def plan_row(report: Report, license_type: str) -> pd.Series:
    table = report.cancellation.set_index("license_type")
    row: pd.Series = table.loc[license_type]
    return row


def test_tiny_example_has_no_pair_and_cancels_the_x4(tiny_dir: Path) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 1))
    # u3 (medium, Austin TX) has no unassigned seat taxed in TX: L5 is in WA, L6 in CA
    assert report.pairings.empty
    assert report.cancellation.license_type.tolist() == ["X2", "X4"]
    x2, x4 = plan_row(report, "X2"), plan_row(report, "X4")
    # u3 still could take a seat (after an address change): the cheapest type's, X2's
    assert (x2.unassigned, x2.contacts_who_could_take_one, x2.seats_to_cancel) == (1, 1, 0)
    assert (x2.monthly_saving, x2.annual_saving) == (0.0, 0.0)
    assert x2.held_by_stale_users == 1  # u2, deactivated, still holds X2
    assert (x4.unassigned, x4.contacts_who_could_take_one, x4.seats_to_cancel) == (1, 0, 1)
    assert (x4.monthly_price, x4.monthly_saving, x4.annual_saving) == (34.0, 34.0, 408.0)
    assert x4.notice_effective == dt.date(2026, 12, 1)  # 30 days after the audit date
    assert x4.unassigned_license_ids == "L6"
    recommendation = report.findings.set_index("id").recommendation
    assert "Reassign before you buy" not in recommendation[f"{CONTACT}:u3"]


def pairing_tenant(tenant: TenantFactory) -> Path:
    """Two Austin (TX) Contacts, one San Francisco (CA) Contact, one bare entry, four spares."""
    return tenant(
        [
            user("c2", site="austin", extension="2002"),
            user("c1", site="austin", scim_provider="okta"),
            user("c4", site="sf", phone_number="+14155550199"),
            user("c3", site="sf"),  # a bare directory entry (info): never paired
            user("u9", licenses="X2"),
        ],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u9"),
            unit("L9", "X4", "UNASSIGNED", state="TX"),
            unit("L8", "X2", "UNASSIGNED", state="Texas"),
            unit("L7", "X2", "UNASSIGNED", state="WA"),
            unit("L6", "X2", "UNASSIGNED", state="CA"),
            unit("L5", "Call Recording Storage", "UNASSIGNED", state="TX"),
        ],
    )


def test_contacts_are_paired_with_a_seat_taxed_in_their_state(tenant: TenantFactory) -> None:
    report = audit(pairing_tenant(tenant))
    pairs = report.pairings
    assert list(zip(pairs.user_id, pairs.license_id, strict=True)) == [
        ("c1", "L8"),  # TX: users by id, seats cheapest first (X2 before X4)
        ("c2", "L9"),
        ("c4", "L6"),  # CA
    ]
    assert pairs.state.tolist() == ["TX", "TX", "CA"]
    assert pairs.site.tolist() == ["Austin", "Austin", "San Francisco"]
    assert pairs.monthly_price.tolist() == [24.0, 34.0, 24.0]
    recommendation = report.findings.set_index("id").recommendation
    assert "assign license L8 (X2, USD 24.00 a month)" in recommendation[f"{CONTACT}:c1"]
    assert "already taxed in TX, US" in recommendation[f"{CONTACT}:c1"]
    assert "L9" in recommendation[f"{CONTACT}:c2"]
    assert "Reassign before you buy" not in recommendation[f"{CONTACT}:c3"]


def test_the_plan_counts_each_contact_once(tenant: TenantFactory) -> None:
    report = audit(pairing_tenant(tenant))
    x2, x4 = plan_row(report, "X2"), plan_row(report, "X4")
    assert (x2.unassigned, x2.reassign_same_state, x2.contacts_who_could_take_one) == (3, 2, 2)
    assert (x2.seats_to_cancel, x2.monthly_saving) == (1, 24.0)
    assert (x4.unassigned, x4.reassign_same_state, x4.seats_to_cancel) == (1, 1, 0)
    addon = plan_row(report, "Call Recording Storage")
    assert (addon.contacts_who_could_take_one, addon.seats_to_cancel) == (0, 1)  # never a seat


def test_pairs_use_each_seat_once_and_stop_when_seats_run_out(tenant: TenantFactory) -> None:
    folder = tenant(
        [user(f"c{i}", site="austin", extension=f"20{i}") for i in range(4)],
        licenses=[unit("L2", "X2", "UNASSIGNED", state="TX"), unit("L1", "X4", "UNASSIGNED")],
    )
    report = audit(folder)
    assert report.pairings.license_id.tolist() == ["L2"]
    assert report.pairings.user_id.tolist() == ["c0"]
    # the three others still could take the CA X4 (its address changed): nothing to cancel
    assert plan_row(report, "X4").contacts_who_could_take_one == 1
    assert plan_row(report, "X4").seats_to_cancel == 0


def test_unpaired_contacts_fill_the_cheapest_seats_first(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("c1", site="austin", extension="1"), user("c2", site="austin", extension="2")],
        licenses=[
            unit("L1", "X4", "UNASSIGNED", state="WA"),
            unit("L2", "X4", "UNASSIGNED", state="WA"),
            unit("L3", "X2", "UNASSIGNED", state="WA"),
        ],
    )
    report = audit(folder)
    assert report.pairings.empty
    assert plan_row(report, "X2").contacts_who_could_take_one == 1
    assert plan_row(report, "X4").contacts_who_could_take_one == 1
    assert plan_row(report, "X4").seats_to_cancel == 1
    assert plan_row(report, "X4").monthly_saving == 34.0


def test_an_unknown_price_gives_an_unknown_saving(tenant: TenantFactory) -> None:
    folder = tenant([user("u1")], licenses=[unit("L1", "X9", "UNASSIGNED")])
    row = plan_row(audit(folder), "X9")
    assert row.seats_to_cancel == 1
    assert math.isnan(row.monthly_price)
    assert math.isnan(row.monthly_saving)
    assert math.isnan(row.annual_saving)


def test_pool_counts_only_still_plan_without_pairs(tiny_dir: Path) -> None:
    (tiny_dir / "licenses.csv").write_text("license_type,total,unassigned\nX2,3,1\nX4,2,1\n")
    report = audit(tiny_dir)
    assert report.pairings.empty
    assert plan_row(report, "X4").seats_to_cancel == 1
    assert plan_row(report, "X4").unassigned_license_ids == ""


def test_a_site_without_a_state_pairs_nobody(tenant: TenantFactory) -> None:
    sites = [*SITES, {**SITES[0], "site_id": "nowhere", "name": "Nowhere", "state": ""}]
    folder = tenant(
        [user("c1", site="nowhere", extension="1")],
        licenses=[unit("L1", "X2", "UNASSIGNED", state="")],
        sites=sites,
    )
    assert audit(folder).pairings.empty
