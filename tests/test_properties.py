"""Invariants over generated tenants: money adds up everywhere, order does not matter,
a consistent tenant is clean."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.engine.run import run
from auditor.model import Settings, Suppression
from auditor.render import write_reports
from auditor.snapshot.load import load
from tests.conftest import NOW, PRICES, SITES, audit, unit, user, write_csv

pytestmark = pytest.mark.slow


AS_OF = dt.date(2026, 11, 1)
TYPES = ["X2", "X4", "Call Recording Storage", "X9"]  # X9 has no price
STATES = ["CA", "TX", "WA", "California", "tx"]

user_rows = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["ACTIVE", "INACTIVE", "active", "deactivated"]),
            "site": st.sampled_from(["sf", "austin", "Austin"]),
            "licenses": st.lists(st.sampled_from(TYPES), unique=True, max_size=3),
            "extension": st.sampled_from(["", "1001"]),
            "deactivated_at": st.one_of(
                st.just(""), st.dates(dt.date(2025, 1, 1), AS_OF).map(dt.date.isoformat)
            ),
            "state": st.sampled_from(STATES),
        }
    ),
    min_size=1,
    max_size=12,
)
spare_units = st.lists(
    st.tuples(
        st.sampled_from(TYPES),
        st.sampled_from(["UNASSIGNED", "SUSPENDED"]),
        st.sampled_from(STATES),
    ),
    max_size=6,
)


def _tenant(folder: Path, rows: list[dict[str, Any]], spares: list[tuple[str, str, str]]) -> None:
    users, units = [], []
    for i, row in enumerate(rows):
        uid = f"u{i}"
        users.append(
            user(
                uid,
                status=row["status"],
                site=row["site"],
                licenses=";".join(row["licenses"]),
                extension=row["extension"],
                deactivated_at=row["deactivated_at"],
            )
        )
        units += [
            unit(f"L{i}-{t}", t, "ASSIGNED", uid, state=row["state"]) for t in row["licenses"]
        ]
    units += [unit(f"S{i}", t, s, state=st_) for i, (t, s, st_) in enumerate(spares)]
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "users.csv", users)
    write_csv(folder / "sites.csv", SITES)
    write_csv(folder / "licenses.csv", units, header=list(unit("x", "x")))
    write_csv(folder / "prices.csv", PRICES)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows=user_rows, spares=spare_units)
def test_money_agrees_across_json_csv_and_xlsx(
    rows: list[dict[str, Any]], spares: list[tuple[str, str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "t", Path(tmp) / "out"
        _tenant(folder, rows, spares)
        report = audit(folder, AS_OF)
        write_reports(report, out, ["json", "csv", "xlsx"])
        data = json.loads((out / "audit.json").read_text())
        with (out / "findings.csv").open(newline="") as handle:
            csv_costs = [round(float(r["monthly_cost"]) * 100) for r in csv.DictReader(handle)]
        book = openpyxl.load_workbook(out / "audit.xlsx", read_only=True)
        try:
            rows_ = list(book["Findings"].iter_rows(values_only=True))
        finally:
            book.close()
        col = list(rows_[0]).index("Monthly cost")
        xlsx_costs = [round(r[col] * 100) for r in rows_[1:] if r[0] is not None]
        json_costs = [round(f["monthly_cost"] * 100) for f in data["findings"]]
        assert json_costs == csv_costs == xlsx_costs
        summary = data["summary"]
        waste = sum(round(f["monthly_waste"] * 100) for f in data["findings"])
        assert waste <= round(summary["monthly_cost"] * 100)
        assert round(summary["monthly_waste"] * 100) == waste
        assert round(summary["annual_waste"] * 100) == 12 * waste
        assert round(sum(p["monthly_waste"] for p in data["licenses"]) * 100) == waste
        assert round(sum(p["monthly_cost"] for p in data["licenses"]) * 100) == round(
            summary["monthly_cost"] * 100
        )
        # the chargeback view puts every license and every wasted cent on exactly one site
        assert round(sum(s["monthly_waste"] for s in data["sites"]) * 100) == waste
        assert round(sum(s["monthly_cost"] for s in data["sites"]) * 100) == round(
            summary["monthly_cost"] * 100
        )
        assert sum(s["seats"] for s in data["sites"]) == summary["seats_total"]
        for row in data["cancellation"]:
            assert row["spares_kept"] == 0  # nothing is suppressed here
            assert row["unassigned"] + row["held_by_stale_users"] == (
                row["reassign_to_contacts"] + row["seats_to_cancel"]
            )
        medium = sum(
            f["rule"] == "contact-without-license" and f["severity"] == "medium"
            for f in data["findings"]
        )
        taken = sum(r["reassign_to_contacts"] for r in data["cancellation"])
        assert len(data["pairings"]) == taken <= medium


@SETTINGS
@given(rows=user_rows, spares=spare_units, picks=st.lists(st.integers(0, 99), max_size=5))
def test_the_plan_never_saves_more_than_the_open_waste(
    rows: list[dict[str, Any]], spares: list[tuple[str, str, str]], picks: list[int]
) -> None:
    """Whatever is suppressed, cancelling as planned saves at most the waste still open."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "t"
        _tenant(folder, rows, spares)
        candidates = [f"unassigned-billed-seats:{t}" for t in TYPES] + [
            f"{rule}:u{i}"
            for i in range(len(rows))
            for rule in ("stale-deactivated-user", "contact-without-license")
        ]
        chosen = {candidates[p % len(candidates)] for p in picks}
        accepted = [Suppression(*i.split(":", 1), "r", "o") for i in sorted(chosen)]
        report = run(
            load(folder), Settings(as_of=AS_OF), tenant="t", generated_at=NOW,
            suppressions=accepted,
        )  # fmt: skip
        plan = report.cancellation
        saving = sum(int(v) for v in plan.monthly_saving_cents.dropna())  # NA: unknown
        assert saving <= report.summary.monthly_waste_cents
        # a seat is kept exactly when the waste finding covering it is suppressed
        muted = set(report.findings.id[report.findings.suppressed])
        waste = report.ledger[report.ledger.waste]
        assert (waste.action.eq("keep") == waste.finding_id.isin(muted)).all()
        assert (plan.reassign_to_contacts + plan.seats_to_cancel + plan.spares_kept).tolist() == (
            plan.unassigned + plan.held_by_stale_users
        ).tolist()
        stale = report.ledger.disposition.eq("stale-holder")
        assert sum(int(v) for v in plan.held_by_stale_users) == int(stale.sum())
        assert report.summary.monthly_saving_cents == saving


@SETTINGS
@given(rows=user_rows, spares=spare_units, seed=st.integers(0, 2**32 - 1))
def test_shuffling_rows_changes_nothing(
    rows: list[dict[str, Any]], spares: list[tuple[str, str, str]], seed: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"
        _tenant(first, rows, spares)
        _tenant(second, rows, spares)
        shuffle = random.Random(seed)
        for name in ("users.csv", "licenses.csv", "sites.csv"):
            lines = (second / name).read_text().splitlines()
            body = lines[1:]
            shuffle.shuffle(body)
            (second / name).write_text("\n".join([lines[0], *body]) + "\n")
        a, b = audit(first, AS_OF), audit(second, AS_OF)
        assert a.findings.drop(columns=["detail", "recommendation"]).equals(
            b.findings.drop(columns=["detail", "recommendation"])
        )
        assert a.summary == b.summary
        assert a.pools.equals(b.pools)
        assert a.pairings.equals(b.pairings)
        assert a.cancellation.equals(b.cancellation)
        assert a.sites.equals(b.sites)


@SETTINGS
@given(
    people=st.lists(
        st.tuples(st.sampled_from(["sf", "austin"]), st.sampled_from(["X2", "X4"]), st.booleans()),
        min_size=1,
        max_size=15,
    )
)
def test_a_consistent_tenant_yields_no_findings(people: list[tuple[str, str, bool]]) -> None:
    state = {"sf": "CA", "austin": "TX"}
    users, units = [], []
    for i, (site, seat, inactive) in enumerate(people):
        held = "" if inactive else seat
        users.append(
            user(
                f"u{i}",
                site=site,
                status="INACTIVE" if inactive else "ACTIVE",
                licenses=held,
                extension="1001",
            )
        )
        if held:
            units.append(unit(f"L{i}", seat, "ASSIGNED", f"u{i}", state=state[site]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(folder / "users.csv", users)
        write_csv(folder / "sites.csv", SITES)
        write_csv(folder / "licenses.csv", units, header=list(unit("x", "x")))
        write_csv(folder / "prices.csv", PRICES)
        # 8x8's bill for exactly what is held, at the price book's prices, taxed where it is
        price = {p["license_type"]: p["monthly_price"] for p in PRICES}
        held_types = [u["license_type"] for u in units]
        bill = [
            {
                "description": t,
                "quantity": str(held_types.count(t)),
                "amount": f"{held_types.count(t) * float(price[t]):.2f}",
                "category": "recurring",
                "jurisdiction": "",
            }
            for t in sorted(set(held_types))
        ]
        bill += [
            {
                "description": "E911",
                "quantity": "",
                "amount": "1.00",
                "category": "fee",
                "jurisdiction": state[site],
            }
            for site in sorted({p[0] for p in people})
        ]
        write_csv(folder / "statement.csv", bill)
        report = audit(folder, AS_OF)
    assert report.findings.empty
    assert report.summary.monthly_waste_cents == 0
    assert report.summary.monthly_overbilled_cents == 0
    assert [s.rule for s in report.skipped] == ["idle-phone-numbers"]  # no numbers.csv
