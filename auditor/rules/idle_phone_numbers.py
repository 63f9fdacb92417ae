"""Phone numbers claimed and billed, but assigned to nobody (8x8 status AVAILABLE)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules import _numbers as idle_numbers
from auditor.rules._base import (
    ENTITY_TYPE,
    RESULT_COLUMNS,
    ledger_rows,
    money_severity,
    results,
    rule,
)
from auditor.rules.unassigned_billed_seats import RULE_ID as UNASSIGNED_RULE
from auditor.text import isolate, join_ids, money

RULE_ID = "idle-phone-numbers"
#: A category with more idle numbers than this gets one finding for all of them (listing
#: the first ten), so a tenant with hundreds of spare DIDs reads as one line, not hundreds.
PER_NUMBER_MAX = 20
#: How each category is named in sentences; a blank category is the API's null.
CATEGORY_WORDS = {"LOCAL": "local", "TOLL_FREE": "toll-free", "": "uncategorised"}
#: The entity id of a category's finding when its numbers are grouped.
CATEGORY_IDS = {"LOCAL": "LOCAL", "TOLL_FREE": "TOLL_FREE", "": "UNCATEGORISED"}


def _needs_numbers(snapshot: Snapshot) -> str | None:
    if snapshot.numbers is None:
        return (
            "no numbers.csv was given (auditor collect writes it from the API's phone "
            "numbers; a list with number and status columns works too)"
        )
    return None


@rule(
    id=RULE_ID,
    entity="phone_number",
    severity=Severity.LOW,
    title="Phone numbers billed but assigned to nobody",
    rationale=(
        "A number 8x8 lists as AVAILABLE is claimed for the tenant and billed as a number "
        "licence every month, yet no user, ring group or queue answers it."
    ),
    remediation=(
        "Assign the number where it is needed, or release it in Admin Console (Phone "
        "Numbers) and cancel its number licence; keep only the spares you plan to use."
    ),
    requires=_needs_numbers,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per AVAILABLE number; one per category for a category with more than
    :data:`PER_NUMBER_MAX`. Cost: the numbers' prices from the ledger (the price book's
    number row, per country where given), else unknown. The waste is counted once, on the
    ledger's unassigned rows under ``unassigned-billed-seats``; these findings carry none.
    """
    numbers = idle_numbers.idle(snapshot)
    if numbers.empty:
        return results(pd.DataFrame(columns=[*RESULT_COLUMNS, ENTITY_TYPE]))
    rows = ledger_rows(snapshot).set_index("seat_id")
    counted = not idle_numbers.inventory_types(snapshot)  # else the inventory counts them
    by_type = snapshot.types.set_index("license_type").price_cents
    price = numbers.number.map(rows.price_cents) if counted else numbers.license_type.map(by_type)
    numbers = numbers.assign(price_cents=price.astype("Int64"), _category=numbers.category)
    sizes = numbers.groupby("_category").number.transform("size")
    single = numbers[sizes.le(PER_NUMBER_MAX)]
    grouped = numbers[sizes.gt(PER_NUMBER_MAX)]
    frames = [_per_number(single, snapshot, counted), _per_category(grouped, snapshot, counted)]
    hits = pd.concat([f for f in frames if len(f)], ignore_index=True)
    hits["severity"] = money_severity(hits.monthly_cost_cents, hits.cost_known, settings)
    hits["monthly_cost_cents"] = hits.monthly_cost_cents.fillna(0).astype("int64")
    hits["site"] = None
    return results(hits)


def _where_counted(frame: pd.DataFrame, snapshot: Snapshot, counted: bool) -> pd.Series:
    """Where the money of these numbers is counted, for the detail sentence."""
    shown = isolate(frame.license_type.astype(str))
    if counted:
        return " Counted once in the waste, as unassigned " + shown + f" ({UNASSIGNED_RULE})."
    types = ", ".join(idle_numbers.inventory_types(snapshot))
    return pd.Series(
        f" licenses.csv lists number licences ({types}); their unassigned count is the waste, "
        "so these numbers are not counted again.",
        index=frame.index,
    )


def _price_text(cents: pd.Series, snapshot: Snapshot) -> pd.Series:
    text = money(cents, snapshot.currency)
    return text.where(
        cents.notna(),
        "an unknown amount (prices.csv has no number row: add one with kind number)",
    )


def _per_number(frame: pd.DataFrame, snapshot: Snapshot, counted: bool) -> pd.DataFrame:
    if frame.empty:
        return frame
    words = frame._category.map(CATEGORY_WORDS).fillna("")
    number = isolate(frame.number.astype(str))
    origin = "origin " + frame.origin.where(frame.origin.ne(""), "unknown")
    out = pd.DataFrame(
        {
            "entity_id": frame.number.astype(str),
            "title": "Phone number " + number + " is billed but assigned to nobody",
            "detail": (
                "8x8 lists the "
                + words
                + " number as AVAILABLE ("
                + isolate(origin.astype(str))
                + "); it is billed as "
                + isolate(frame.license_type.astype(str))
                + " at "
                + _price_text(frame.price_cents, snapshot)
                + " a month."
                + _where_counted(frame, snapshot, counted)
            ),
            "recommendation": (
                "Assign "
                + number
                + " to the user, ring group or queue that needs it, or release it in Admin "
                "Console (Phone Numbers) and cancel its number licence."
            ),
            "license_type": frame.license_type.astype(str),
            ENTITY_TYPE: "phone_number",
            "monthly_cost_cents": frame.price_cents,
            "cost_known": frame.price_cents.notna(),
        }
    )
    return out.reset_index(drop=True)


def _per_category(frame: pd.DataFrame, snapshot: Snapshot, counted: bool) -> pd.DataFrame:
    if frame.empty:
        return frame
    ordered = frame.sort_values("number", kind="mergesort")
    groups = ordered.groupby("_category", sort=True)
    out = groups.agg(
        count=("number", "size"),
        cost=("price_cents", "sum"),
        unpriced=("price_cents", lambda p: bool(p.isna().any())),
        license_type=("license_type", lambda t: ", ".join(sorted(set(t.astype(str))))),
    ).reset_index()
    listed = [join_ids(g.number) for _, g in groups]
    known = ~out.unpriced.astype(bool)
    cost = out.cost.astype("Int64").where(known)
    words = out._category.map(CATEGORY_WORDS).fillna("")
    count = out["count"].astype(str)
    result = pd.DataFrame(
        {
            "entity_id": out._category.map(CATEGORY_IDS).fillna(out._category),
            "title": count + " " + words + " numbers are billed but assigned to nobody",
            "detail": (
                "8x8 lists these "
                + words
                + " numbers as AVAILABLE: "
                + pd.Series(listed, index=out.index)
                + ". Billed as "
                + isolate(out.license_type)
                + ", they cost "
                + _price_text(cost, snapshot)
                + " a month in all."
                + _where_counted(out, snapshot, counted)
            ),
            "recommendation": (
                "Keep the few you will give out soon; release the rest in Admin Console "
                "(Phone Numbers) and cancel their number licences."
            ),
            "license_type": out.license_type,
            ENTITY_TYPE: "number_category",
            "monthly_cost_cents": cost,
            "cost_known": np.asarray(known, dtype=bool),
        }
    )
    return result
