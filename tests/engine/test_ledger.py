"""The seat ledger: every case of the issue that found seats counted twice, worked out by hand.

fixtures/disagree is the tiny tenant exported minutes apart (its README lists what disagrees).
Each expected figure below is worked out from those files, not read off the code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.model import Report
from auditor.snapshot.load import load
from tests.conftest import FIXTURES, TenantFactory, audit, unit, user, write_csv
from tests.helpers.ledger import assert_ledger_holds

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def disagree() -> Report:
    return audit(FIXTURES / "disagree", AS_OF)


def _rows(report: Report) -> dict[str, dict[str, object]]:
    return {str(r["seat_id"]): r for r in report.ledger.to_dict("records")}


@pytest.mark.slow
def test_each_license_is_one_row_with_the_holder_the_precedence_gives(disagree: Report) -> None:
    rows = _rows(disagree)
    assert sorted(rows, key=lambda s: int(s[1:])) == [f"L{n}" for n in range(1, 12)]
    holders = {k: r["holder"] for k, r in rows.items()}
    assert holders == {
        "L1": "u1",
        "L2": "u1",
        "L3": "u2",
        "L4": "u4",
        "L5": "u2",  # license_ids beat the inventory's UNASSIGNED
        "L6": None,
        "L7": "u6",  # assigned_to, though u6's licenses cell is empty
        "L8": "u7",
        "L9": "u7",  # two licenses of one type: two rows
        "L10": "u9",  # two claimants: the one assigned_to names
        "L11": "u10",  # a type-name claim takes the type's UNASSIGNED license
    }
    disposition = {k: r["disposition"] for k, r in rows.items()}
    assert [k for k, d in disposition.items() if d == "stale-holder"] == [
        "L11",
        "L3",
        "L5",
        "L7",
        "L8",
        "L9",
    ]
    assert [k for k, d in disposition.items() if d == "unassigned"] == ["L6"]


def test_no_seat_is_counted_twice_and_waste_never_exceeds_the_bill(disagree: Report) -> None:
    b = disagree.bridge
    # priced seats: L1 34 + L2 5 + L3, L4, L5, L8, L9, L10 6 x 24 + L6, L7 2 x 34 = 251.00
    assert b.monthly_cost == 25100
    # waste: u2 (L3, L5) 48 + u6 (L7) 34 + u7 (L8, L9) 48 + unassigned L6 34 = 164.00
    assert b.waste == b.open_waste == 16400
    assert b.in_use == 8700
    assert b.in_use + b.waste == b.monthly_cost
    shares = disagree.findings.set_index("id").monthly_waste_cents
    assert shares["stale-deactivated-user:u2"] == 4800
    assert shares["stale-deactivated-user:u6"] == 3400
    assert shares["stale-deactivated-user:u7"] == 4800
    assert shares["unassigned-billed-seats:X4"] == 3400
    assert "unassigned-billed-seats:X2" not in shares  # L5 is u2's, not idle as well
    assert shares.sum() == b.open_waste == disagree.summary.monthly_waste_cents


def test_the_plan_gives_the_cheapest_seat_and_cancels_the_rest(disagree: Report) -> None:
    rows = _rows(disagree)
    # u3 (okta, Austin) expects service: the cheapest surplus seat is an X2 at 24.00; among
    # L3, L5, L8, L9 (all held by deactivated users) the lowest id, reclaimed first.
    assert (rows["L3"]["action"], rows["L3"]["to_user"]) == ("reclaim-then-reassign", "u3")
    assert rows["L6"]["action"] == "cancel"
    for seat in ("L5", "L7", "L8", "L9", "L11"):
        assert rows[seat]["action"] == "reclaim-then-cancel"
    b = disagree.bridge
    assert (b.cancel, b.reclaim_then_cancel, b.reassign, b.kept) == (3400, 10600, 2400, 0)
    assert b.cancel + b.reclaim_then_cancel + b.reassign + b.kept == b.waste
    assert disagree.summary.monthly_saving_cents == 14000
    contact = disagree.findings.set_index("id").recommendation["contact-without-license:u3"]
    assert "license L3" in contact
    assert "Remove it from Bo Ortiz" in contact


def test_every_disagreement_is_a_finding_that_names_both_sides(disagree: Report) -> None:
    found = disagree.findings[disagree.findings.rule.eq("sources-disagree")].set_index("entity_id")
    assert sorted(found.index) == ["L10", "L11", "L5", "L7"]
    assert set(found.severity) == {"low"}
    assert set(found.monthly_waste_cents) == {0}
    for seat, said, followed in (
        ("L5", "UNASSIGNED", "held by u2"),
        ("L7", "assigns it to u6", "held by u6"),
        ("L10", "u8, u9", "held by u9"),
        ("L11", "UNASSIGNED", "held by u10"),
    ):
        assert said in found.detail[seat]
        assert followed in found.detail[seat]


def test_an_unknown_price_stays_unknown(disagree: Report) -> None:
    finding = disagree.findings.set_index("id").loc["stale-deactivated-user:u10"]
    assert "an unknown amount" in finding.detail
    assert "0.00" not in finding.detail
    assert finding.monthly_waste_cents == 0
    assert not finding.cost_known
    assert disagree.bridge.unpriced_seats == 1
    assert _rows(disagree)["L11"]["license_type"] == "X8"  # of x8 / X8, the first in sort order


def test_the_json_passes_the_shared_ledger_check(disagree: Report, tmp_path: Path) -> None:
    assert "all invariants hold over 11 seats" in assert_ledger_holds(disagree, tmp_path)


@pytest.mark.slow
def test_row_order_and_letter_case_change_no_id(tenant: TenantFactory) -> None:
    def folder(order: list[tuple[str, str]]) -> Path:
        users = [user("u1", status="INACTIVE", licenses="x8", deactivated_at="2026-01-01")]
        licenses = [unit(i, t, "UNASSIGNED") for i, t in order]
        return tenant(users, licenses)

    one = audit(folder([("L1", "x8"), ("L2", "X8"), ("L3", "X8")]))
    two = audit(folder([("L3", "X8"), ("L2", "X8"), ("L1", "x8")]))
    assert list(one.findings.id) == list(two.findings.id)
    assert "unassigned-billed-seats:X8" in set(one.findings.id)
    assert one.ledger.equals(two.ledger)


@pytest.mark.slow
def test_pool_counts_get_synthetic_ids_and_holders_take_the_assigned_first(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    users = [
        user("a", licenses="X2"),
        user("b", licenses="X2"),
        user("c", status="INACTIVE", licenses="X2", deactivated_at="2026-01-01"),
    ]
    folder = tenant(users)
    write_csv(
        folder / "licenses.csv",
        [{"license_type": "X2", "total": "4", "unassigned": "2", "suspended": "0"}],
    )
    report = audit(folder)
    rows = _rows(report)
    assert list(rows) == ["X2#1", "X2#2", "X2#3", "X2#4"]
    # two ASSIGNED seats go to a and b, then c takes an UNASSIGNED one (the pool lags)
    assert [rows[k]["holder"] for k in rows] == ["a", "b", "c", None]
    assert [rows[k]["disposition"] for k in rows] == [
        "in-use",
        "in-use",
        "stale-holder",
        "unassigned",
    ]
    assert report.bridge.waste == 4800  # c's seat and one idle one, each once
    found = report.findings[report.findings.rule.eq("sources-disagree")]
    assert list(found.entity_id) == ["X2"]


@pytest.mark.parametrize(
    ("price", "currency"),
    [("€24.00", "USD"), ("GBP 34.10", "USD"), ("$24.00", "EUR")],
)
def test_a_currency_written_in_a_price_must_agree(
    tmp_path: Path, price: str, currency: str
) -> None:
    folder = Path(__import__("shutil").copytree(FIXTURES / "tiny", tmp_path / "t"))
    write_csv(
        folder / "prices.csv",
        [
            {"license_type": "X2", "monthly_price": "24.00", "currency": currency},
            {"license_type": "X4", "monthly_price": price, "currency": currency},
        ],
    )
    with pytest.raises(InputError, match=r"prices\.csv row 3, column monthly_price"):
        load(folder)


def test_symbols_alone_name_the_currency(tmp_path: Path) -> None:
    folder = Path(__import__("shutil").copytree(FIXTURES / "tiny", tmp_path / "t"))
    write_csv(
        folder / "prices.csv",
        [
            {"license_type": "X2", "monthly_price": "€24.00"},
            {"license_type": "X4", "monthly_price": "€34.00"},
        ],
    )
    snap = load(folder)
    assert snap.currency == "EUR"
    assert not any("names no currency" in w for w in snap.warnings)
