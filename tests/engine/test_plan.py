"""One plan for the waste: who gets which surplus seat, what is cancelled, by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.model import Report
from auditor.vocab import stored
from tests.conftest import PRICES, SITES, TenantFactory, audit, unit, user

CONTACT = "contact-without-license"
UNASSIGNED = "unassigned-billed-seats"
STALE = "stale-deactivated-user"
NO_SEAT_LEFT = (
    "No surplus seat is left for this user once the plan has placed the others, so a seat "
    "for them is a new purchase; first check that they need phone service."
)
SET_ADDRESS = " Then set its service address to this user's site, so it is taxed where it is used."
TAXED_HERE = " It is already taxed in the state of this user's site."


def plan_row(report: Report, license_type: str) -> pd.Series:
    table = report.cancellation.set_index("license_type")
    row: pd.Series = table.loc[license_type]
    return row


def counts(report: Report, license_type: str) -> tuple[int, ...]:
    """(unassigned, held_by_stale_users, reassign_to_contacts, reassign_same_state,
    seats_to_cancel, spares_kept) of one Cancellation row."""
    row = plan_row(report, license_type)
    return tuple(
        int(row[c])
        for c in (
            "unassigned",
            "held_by_stale_users",
            "reassign_to_contacts",
            "reassign_same_state",
            "seats_to_cancel",
            "spares_kept",
        )
    )


def actions(report: Report) -> dict[str, tuple[str, str | None]]:
    """seat_id -> (action, to_user) for every waste row of the ledger."""
    waste = report.ledger[report.ledger.waste]
    return {
        seat: (action, to if isinstance(to, str) else None)
        for seat, action, to in zip(waste.seat_id, waste.action, waste.to_user, strict=True)
    }


def pairs_of(report: Report) -> list[tuple[str, str, str, bool]]:
    """(user_id, license_id, action, same_state) of each pairing, in user id order."""
    p = report.pairings
    return list(
        zip(p.user_id, p.license_id, p.action, p.same_state.astype(bool).tolist(), strict=True)
    )


def recommendations(report: Report) -> pd.Series:
    return report.findings.set_index("id").recommendation


def assert_balanced(report: Report) -> None:
    """Each Cancellation row accounts for every waste seat once; the bridge adds up."""
    table = report.cancellation
    assert list(table.columns) == stored(CANCELLATION_COLUMNS)
    assert list(report.pairings.columns) == stored(PAIRING_COLUMNS)
    left = table.unassigned + table.held_by_stale_users
    right = table.reassign_to_contacts + table.seats_to_cancel + table.spares_kept
    assert left.tolist() == right.tolist()
    b = report.bridge
    assert b.monthly_cost == b.in_use + b.waste
    assert b.waste == b.cancel + b.reclaim_then_cancel + b.reassign + b.kept
    assert report.summary.monthly_saving_cents == b.cancel + b.reclaim_then_cancel


@pytest.mark.slow
def test_tiny_example_gives_u3_the_cheapest_seat_and_cancels_the_rest(tiny_dir: Path) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 1))
    # Waste: L3 (X2, held by u2, deactivated 73 days ago), L5 (X2, unassigned, WA) and L6
    # (X4, unassigned, CA). u3 (medium, Austin TX) is the only Contact who expects service; no
    # seat is taxed in TX, so u3 gets the cheapest one, and at 24.00 the unassigned L5 goes
    # before u2's L3, which must first be reclaimed. u5 is a bare entry (info): no seat.
    assert actions(report) == {
        "L3": ("reclaim-then-cancel", None),
        "L5": ("reassign", "u3"),
        "L6": ("cancel", None),
    }
    assert pairs_of(report) == [("u3", "L5", "reassign", False)]
    assert report.cancellation.license_type.tolist() == ["X2", "X4"]
    x2, x4 = plan_row(report, "X2"), plan_row(report, "X4")
    assert counts(report, "X2") == (1, 1, 1, 0, 1, 0)
    assert (x2.monthly_price_cents, x2.monthly_saving_cents, x2.annual_saving_cents) == (
        2400,
        2400,
        28800,
    )
    assert x2.license_ids_to_cancel == "L3"
    assert counts(report, "X4") == (1, 0, 0, 0, 1, 0)
    assert (x4.monthly_price_cents, x4.monthly_saving_cents, x4.annual_saving_cents) == (
        3400,
        3400,
        40800,
    )
    assert x4.license_ids_to_cancel == "L6"
    assert x4.notice_effective == dt.date(2026, 12, 1)  # 30 days after the audit date
    # 34 (L1) + 5 (L2) + 24 (L3) + 24 (L4) + 24 (L5) + 34 (L6) = 145.00; waste 82.00 of it
    b = report.bridge
    assert (b.monthly_cost, b.in_use, b.waste) == (14500, 6300, 8200)
    assert (b.cancel, b.reclaim_then_cancel, b.reassign, b.kept) == (3400, 2400, 2400, 0)
    assert report.summary.monthly_saving_cents == 5800
    assert report.summary.monthly_waste_cents == 8200
    assert_balanced(report)
    rec = recommendations(report)
    assert rec[f"{CONTACT}:u3"] == (
        "Reassign before you buy: assign license L5 (X2, USD 24.00 a month), already billed, "
        "so this needs no new purchase." + SET_ADDRESS
    )
    assert rec[f"{UNASSIGNED}:X4"] == (
        "File a partial cancellation request with 8x8 for 1 license: L6 (30 days' notice; "
        "billing continues until then; saves USD 34.00 a month)."
    )
    assert rec[f"{STALE}:u2"] == (
        "Save the user's voicemail and call recordings, then remove 1 license (L3) from them; "
        "file a partial cancellation request with 8x8 for 1 license: L3 (30 days' notice). "
        "Delete the user 30 to 90 days after deactivation."
    )


def pairing_tenant(tenant: TenantFactory) -> Path:
    """Two Austin (TX) Contacts, one San Francisco (CA) Contact, one bare entry, five spares."""
    return tenant(
        [
            user("c2", site="austin", extension="2002"),
            user("c1", site="austin", scim_provider="okta"),
            user("c4", site="sf", phone_number="+14155550199"),
            user("c3", site="sf"),  # a bare directory entry (info): never given a seat
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


@pytest.mark.slow
def test_contacts_get_the_cheapest_seat_taxed_in_their_state_first(
    tenant: TenantFactory,
) -> None:
    report = audit(pairing_tenant(tenant))
    # The 24.00 tier (L6 CA, L7 WA, L8 TX) serves all three Contacts: same state first (c1 by
    # id takes TX's L8, c4 CA's L6), then c2 takes what is left, L7 (WA). The 34.00 X4 L9,
    # though taxed in TX, is dearer than L7, so it is cancelled rather than given to c2.
    assert pairs_of(report) == [
        ("c1", "L8", "reassign", True),
        ("c2", "L7", "reassign", False),
        ("c4", "L6", "reassign", True),
    ]
    pairs = report.pairings
    assert pairs.state.tolist() == ["TX", "TX", "CA"]
    assert pairs.site.tolist() == ["Austin", "Austin", "San Francisco"]
    assert pairs.monthly_price_cents.tolist() == [2400, 2400, 2400]
    assert pairs.from_user.isna().all()  # no seat came from a deactivated user
    rec = recommendations(report)
    assert rec[f"{CONTACT}:c1"] == (
        "Reassign before you buy: assign license L8 (X2, USD 24.00 a month), already billed, "
        "so this needs no new purchase." + TAXED_HERE
    )
    assert rec[f"{CONTACT}:c2"] == (
        "Reassign before you buy: assign license L7 (X2, USD 24.00 a month), already billed, "
        "so this needs no new purchase." + SET_ADDRESS
    )
    assert "L6" in rec[f"{CONTACT}:c4"]
    assert "Reassign before you buy" not in rec[f"{CONTACT}:c3"]


@pytest.mark.slow
def test_the_plan_counts_each_contact_once(tenant: TenantFactory) -> None:
    report = audit(pairing_tenant(tenant))
    assert actions(report) == {
        "L5": ("cancel", None),
        "L6": ("reassign", "c4"),
        "L7": ("reassign", "c2"),
        "L8": ("reassign", "c1"),
        "L9": ("cancel", None),
    }
    x2, x4 = plan_row(report, "X2"), plan_row(report, "X4")
    assert counts(report, "X2") == (3, 0, 3, 2, 0, 0)
    assert (x2.monthly_saving_cents, x2.license_ids_to_cancel) == (0, "")
    assert counts(report, "X4") == (1, 0, 0, 0, 1, 0)
    assert (x4.monthly_saving_cents, x4.license_ids_to_cancel) == (3400, "L9")
    addon = plan_row(report, "Call Recording Storage")  # never serves a Contact
    assert addon.kind == "addon"
    assert counts(report, "Call Recording Storage") == (1, 0, 0, 0, 1, 0)
    assert (addon.monthly_saving_cents, addon.license_ids_to_cancel) == (500, "L5")
    assert report.summary.monthly_saving_cents == 3900
    assert (report.bridge.reassign, report.bridge.cancel) == (7200, 3900)
    assert_balanced(report)


@pytest.mark.slow
def test_pairs_use_each_seat_once_and_stop_when_seats_run_out(tenant: TenantFactory) -> None:
    folder = tenant(
        [user(f"c{i}", site="austin", extension=f"20{i}") for i in range(4)],
        licenses=[unit("L2", "X2", "UNASSIGNED", state="TX"), unit("L1", "X4", "UNASSIGNED")],
    )
    report = audit(folder)
    # c0 takes the TX X2; c1 the CA X4 (no TX seat left, and a seat beats a purchase)
    assert pairs_of(report) == [("c0", "L2", "reassign", True), ("c1", "L1", "reassign", False)]
    assert counts(report, "X2") == (1, 0, 1, 1, 0, 0)
    assert counts(report, "X4") == (1, 0, 1, 0, 0, 0)
    assert report.summary.monthly_saving_cents == 0
    rec = recommendations(report)
    assert rec[f"{CONTACT}:c2"] == NO_SEAT_LEFT
    assert rec[f"{CONTACT}:c3"] == NO_SEAT_LEFT
    assert_balanced(report)


@pytest.mark.slow
def test_contacts_with_no_seat_taxed_in_their_state_get_the_cheapest_ones(
    tenant: TenantFactory,
) -> None:
    folder = tenant(
        [user("c1", site="austin", extension="1"), user("c2", site="austin", extension="2")],
        licenses=[
            unit("L1", "X4", "UNASSIGNED", state="WA"),
            unit("L2", "X4", "UNASSIGNED", state="WA"),
            unit("L3", "X2", "UNASSIGNED", state="WA"),
        ],
    )
    report = audit(folder)
    # every seat is taxed in WA: c1 takes the X2, c2 the first X4, the other X4 is cancelled
    assert pairs_of(report) == [("c1", "L3", "reassign", False), ("c2", "L1", "reassign", False)]
    assert counts(report, "X2") == (1, 0, 1, 0, 0, 0)
    assert counts(report, "X4") == (2, 0, 1, 0, 1, 0)
    x4 = plan_row(report, "X4")
    assert (x4.monthly_saving_cents, x4.license_ids_to_cancel) == (3400, "L2")
    rec = recommendations(report)
    assert rec[f"{CONTACT}:c2"].endswith(SET_ADDRESS)
    assert rec[f"{UNASSIGNED}:X4"] == (
        "Give 1 of them to Contacts who need a seat (the Reassign sheet says who gets which "
        "license); file a partial cancellation request with 8x8 for 1 license: L2 (30 days' "
        "notice; billing continues until then; saves USD 34.00 a month)."
    )
    assert_balanced(report)


@pytest.mark.slow
def test_a_contact_centre_seat_never_serves_a_contact(tenant: TenantFactory) -> None:
    prices = [
        *PRICES,
        {"license_type": "VCC Agent", "monthly_price": "125.00", "currency": "USD", "kind": "seat"},
    ]
    folder = tenant(
        [user("c1", extension="1"), user("c2", extension="2")],
        # the VCC Agent seat is even taxed in the Contacts' state (CA); the X2 is not
        licenses=[
            unit("L1", "VCC Agent", "UNASSIGNED"),
            unit("L2", "X2", "UNASSIGNED", state="WA"),
        ],
        prices=prices,
    )
    report = audit(folder)
    assert actions(report) == {"L1": ("cancel", None), "L2": ("reassign", "c1")}
    assert pairs_of(report) == [("c1", "L2", "reassign", False)]
    vcc = plan_row(report, "VCC Agent")
    assert counts(report, "VCC Agent") == (1, 0, 0, 0, 1, 0)
    assert (vcc.monthly_saving_cents, vcc.annual_saving_cents, vcc.license_ids_to_cancel) == (
        12500,
        150000,
        "L1",
    )
    assert report.summary.monthly_saving_cents == 12500
    rec = recommendations(report)
    assert "assign license L2 (X2, USD 24.00 a month)" in rec[f"{CONTACT}:c1"]
    assert rec[f"{CONTACT}:c2"] == NO_SEAT_LEFT  # not the VCC seat
    assert_balanced(report)


@pytest.mark.slow
def test_a_seat_taxed_in_the_contacts_state_goes_before_an_equal_price_one(
    tenant: TenantFactory,
) -> None:
    folder = tenant(
        [user("c1", site="austin", extension="1")],
        # L1 sorts first by id, but L2 is taxed in TX, where c1's site is
        licenses=[
            unit("L1", "X2", "UNASSIGNED", state="CA"),
            unit("L2", "X2", "UNASSIGNED", state="TX"),
        ],
    )
    report = audit(folder)
    assert actions(report) == {"L1": ("cancel", None), "L2": ("reassign", "c1")}
    assert pairs_of(report) == [("c1", "L2", "reassign", True)]
    assert counts(report, "X2") == (2, 0, 1, 1, 1, 0)
    assert plan_row(report, "X2").license_ids_to_cancel == "L1"
    assert recommendations(report)[f"{CONTACT}:c1"].endswith(TAXED_HERE)
    assert_balanced(report)


@pytest.mark.slow
def test_a_stale_users_seat_is_reclaimed_and_reassigned_when_nothing_unassigned_is_cheaper(
    tenant: TenantFactory,
) -> None:
    folder = tenant(
        [
            user("c1", extension="1"),
            user("s1", status="INACTIVE", deactivated_at="2026-08-01", licenses="X2"),
        ],
        licenses=[unit("L1", "X2", "ASSIGNED", "s1"), unit("L5", "X4", "UNASSIGNED")],
    )
    report = audit(folder)
    # the 24.00 X2 held by s1 (deactivated 92 days ago) beats the 34.00 unassigned X4
    assert actions(report) == {"L1": ("reclaim-then-reassign", "c1"), "L5": ("cancel", None)}
    assert pairs_of(report) == [("c1", "L1", "reclaim-then-reassign", True)]
    assert report.pairings.from_user.tolist() == ["s1"]
    assert counts(report, "X2") == (0, 1, 1, 1, 0, 0)
    assert counts(report, "X4") == (1, 0, 0, 0, 1, 0)
    b = report.bridge
    assert (b.reassign, b.cancel, b.reclaim_then_cancel) == (2400, 3400, 0)
    rec = recommendations(report)
    assert rec[f"{CONTACT}:c1"] == (
        "Reassign before you buy: assign license L1 (X2, USD 24.00 a month), already billed, "
        "so this needs no new purchase. Remove it from S1 Test <s1@example.com>, deactivated, "
        "first." + TAXED_HERE
    )
    assert rec[f"{STALE}:s1"] == (
        "Save the user's voicemail and call recordings, then remove 1 license (L1) from them; "
        "give 1 to a Contact (see the Reassign sheet). Delete the user 30 to 90 days after "
        "deactivation."
    )
    assert_balanced(report)


@pytest.mark.slow
def test_an_unassigned_seat_goes_before_an_equal_price_stale_one(tenant: TenantFactory) -> None:
    folder = tenant(
        [
            user("c1", extension="1"),
            user("s1", status="INACTIVE", deactivated_at="2026-08-01", licenses="X2"),
        ],
        # both X2, both taxed in CA; L1 sorts first by id but must first be reclaimed
        licenses=[unit("L1", "X2", "ASSIGNED", "s1"), unit("L9", "X2", "UNASSIGNED")],
    )
    report = audit(folder)
    assert actions(report) == {"L1": ("reclaim-then-cancel", None), "L9": ("reassign", "c1")}
    assert counts(report, "X2") == (1, 1, 1, 1, 1, 0)
    assert plan_row(report, "X2").license_ids_to_cancel == "L1"
    assert_balanced(report)


@pytest.mark.slow
def test_an_unknown_price_gives_an_unknown_saving(tenant: TenantFactory) -> None:
    folder = tenant([user("u1")], licenses=[unit("L1", "X9", "UNASSIGNED")])
    report = audit(folder)
    row = plan_row(report, "X9")
    assert row.seats_to_cancel == 1
    assert row.license_ids_to_cancel == "L1"
    assert pd.isna(row.monthly_price_cents)
    assert pd.isna(row.monthly_saving_cents)
    assert pd.isna(row.annual_saving_cents)
    assert "saves an unknown amount a month" in recommendations(report)[f"{UNASSIGNED}:X9"]


@pytest.mark.slow
def test_pool_counts_only_plan_on_synthetic_seat_ids(tiny_dir: Path) -> None:
    (tiny_dir / "licenses.csv").write_text("license_type,total,unassigned\nX2,3,1\nX4,2,1\n")
    report = audit(tiny_dir)
    # X2#1 (u2, by user id), X2#2 (u4) assigned, X2#3 unassigned; X4#1 (u1), X4#2 unassigned.
    # No seat has a service address, so u3 gets the cheapest, never a same-state one.
    assert actions(report) == {
        "X2#1": ("reclaim-then-cancel", None),
        "X2#3": ("reassign", "u3"),
        "X4#2": ("cancel", None),
    }
    assert pairs_of(report) == [("u3", "X2#3", "reassign", False)]
    assert counts(report, "X2") == (1, 1, 1, 0, 1, 0)
    assert counts(report, "X4") == (1, 0, 0, 0, 1, 0)
    assert plan_row(report, "X4").license_ids_to_cancel == "X4#2"
    assert report.summary.monthly_saving_cents == 5800
    assert_balanced(report)


@pytest.mark.slow
def test_a_site_without_a_state_gets_a_seat_but_never_a_same_state_one(
    tenant: TenantFactory,
) -> None:
    sites = [*SITES, {**SITES[0], "site_id": "nowhere", "name": "Nowhere", "state": ""}]
    folder = tenant(
        [user("c1", site="nowhere", extension="1")],
        licenses=[unit("L1", "X2", "UNASSIGNED", state="")],
        sites=sites,
    )
    report = audit(folder)
    # an unknown state equals no state, not even another unknown one
    assert pairs_of(report) == [("c1", "L1", "reassign", False)]
    assert counts(report, "X2") == (1, 0, 1, 0, 0, 0)
    assert recommendations(report)[f"{CONTACT}:c1"].endswith(SET_ADDRESS)
    assert_balanced(report)
