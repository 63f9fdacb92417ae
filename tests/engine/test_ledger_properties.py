"""The ledger's invariants over random tenants whose two exports disagree.

Users list license ids the inventory calls UNASSIGNED, the inventory assigns licenses to users
who do not list them, two users list one id, users list types by name past the pool's total:
whatever the mix, the shared ledger check holds (every seat once, waste <= cost, shares add up,
the plan partitions the waste), and row order and letter case change no id and no number.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PRICES, SITES, audit, unit, user, write_csv
from tests.helpers.ledger import assert_ledger_holds

pytestmark = pytest.mark.slow


AS_OF = dt.date(2026, 11, 1)
TYPES = ["X2", "X4", "Call Recording Storage", "X9"]  # X9 has no price

licenses_st = st.lists(
    st.tuples(st.sampled_from(TYPES), st.sampled_from(["ASSIGNED", "UNASSIGNED", "SUSPENDED"])),
    min_size=1,
    max_size=10,
)
users_st = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["ACTIVE", "INACTIVE"]),
            "deactivated_at": st.sampled_from(["", "2026-10-25", "2026-01-01"]),
            "ids": st.lists(st.integers(0, 9), max_size=2),  # license_ids, by position
            "types": st.lists(st.sampled_from(TYPES), max_size=2),  # licenses, by name
            "extension": st.sampled_from(["", "1001"]),
            "site": st.sampled_from(["sf", "austin"]),
        }
    ),
    min_size=1,
    max_size=8,
)
owners_st = st.lists(st.integers(-1, 7), min_size=10, max_size=10)  # assigned_to, -1: nobody


def _write(
    folder: Path,
    licenses: list[tuple[str, str]],
    users: list[dict[str, Any]],
    owners: list[int],
    *,
    upper: bool = False,
    seed: int | None = None,
) -> None:
    n = len(users)
    units = [
        unit(
            f"L{i}",
            t.upper() if upper else t,
            s,
            f"u{owners[i]}" if 0 <= owners[i] < n and s != "UNASSIGNED" else "",
            state="CA" if i % 2 else "TX",
        )
        for i, (t, s) in enumerate(licenses)
    ]
    rows = []
    for i, u in enumerate(users):
        ids = sorted({f"L{k}" for k in u["ids"] if k < len(licenses)})
        rows.append(
            user(
                f"u{i}",
                status=u["status"],
                deactivated_at=u["deactivated_at"] if u["status"] == "INACTIVE" else "",
                site=u["site"],
                extension=u["extension"],
                licenses=";".join(x.lower() if upper else x for x in u["types"]),
                license_ids=";".join(ids),
            )
        )
    if seed is not None:
        random.Random(seed).shuffle(units)
        random.Random(seed).shuffle(rows)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "users.csv", rows)
    write_csv(folder / "sites.csv", SITES)
    write_csv(folder / "licenses.csv", units, header=list(unit("x", "x")))
    write_csv(folder / "prices.csv", PRICES)


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(licenses=licenses_st, users=users_st, owners=owners_st)
def test_every_invariant_holds_however_the_exports_disagree(
    licenses: list[tuple[str, str]], users: list[dict[str, Any]], owners: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "t"
        _write(folder, licenses, users, owners)
        report = audit(folder, AS_OF)
        assert_ledger_holds(report, Path(tmp))
        ledger = report.ledger
        assert len(ledger) == len(licenses)
        assert ledger.seat_id.is_unique
        b = report.bridge
        assert b.monthly_cost == b.in_use + b.waste
        assert b.waste == b.cancel + b.reclaim_then_cancel + b.reassign + b.kept
        assert b.open_waste <= b.monthly_cost
        # a license held by nobody in the ledger is never also held by a stale user's finding
        waste = ledger[ledger.waste]
        assert waste.finding_id.notna().all()
        assert waste.seat_id.is_unique


@SETTINGS
@given(
    licenses=licenses_st,
    users=users_st,
    owners=owners_st,
    seed=st.integers(0, 2**32 - 1),
)
def test_row_order_and_letter_case_change_no_id_and_no_number(
    licenses: list[tuple[str, str]], users: list[dict[str, Any]], owners: list[int], seed: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plain, mixed = Path(tmp) / "a", Path(tmp) / "b"
        _write(plain, licenses, users, owners)
        _write(mixed, licenses, users, owners, upper=True, seed=seed)
        one, two = audit(plain, AS_OF), audit(mixed, AS_OF)
        # a type only ever written one way keeps that spelling: compare ids without case
        assert sorted(one.findings.id.str.casefold()) == sorted(two.findings.id.str.casefold())
        assert one.bridge == two.bridge
        assert one.summary.monthly_waste_cents == two.summary.monthly_waste_cents
        assert one.summary.monthly_saving_cents == two.summary.monthly_saving_cents
