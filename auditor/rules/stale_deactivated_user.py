"""Deactivated users still holding a paid seat after the grace period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.frames import member
from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import ledger_rows, money_severity, needs_holdings, results, rule
from auditor.text import isolate, money, plural, user_label
from auditor.vocab import Disposition

RULE_ID = "stale-deactivated-user"


@rule(
    id=RULE_ID,
    entity="user",
    severity=Severity.HIGH,
    title="Deactivated users still holding a seat",
    rationale=(
        "Deactivating a user keeps the account, its license, number and extension, and 8x8 "
        "keeps billing the seat."
    ),
    remediation=(
        "Save voicemail and recordings, remove the license, then reassign the seat or file a "
        "partial cancellation (30 days' notice); delete the user after 30 to 90 days."
    ),
    counts_as_waste=True,
    requires=needs_holdings,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per user holding ``stale-holder`` rows in the ledger.

    The ledger decided which seats a user holds (their ``license_ids``, else the inventory's
    ``assigned_to``, else their ``licenses`` type names) and which are stale: deactivated
    ``stale_after_days`` or more before ``as_of`` (``deactivated_at``, else
    ``last_updated_at``, as calendar dates), or at an unknown date.
    """
    rows = ledger_rows(snapshot)
    stale = rows[rows.disposition.eq(Disposition.STALE.value)]
    held = _held(stale)
    users = snapshot.users
    hits = users[member(users.user_id, held.index)].copy()
    held = held.reindex(hits.user_id)
    as_of = pd.Timestamp(settings.as_of)
    days = (as_of - hits.deactivated_on).dt.days
    unpriced = pd.Series(held.unpriced.to_numpy(), index=hits.index)
    seat_total = pd.Series(held.seats.to_numpy(), index=hits.index)
    known = unpriced.eq(0)
    known_cents = pd.Series(held.cents.to_numpy(), index=hits.index).astype("Int64")
    # All unpriced: unknown, never 0.00; some unpriced: the priced part is a floor.
    cost = known_cents.mask(unpriced.ge(seat_total))
    label = user_label(hits)
    when = hits.deactivated_on.dt.strftime("%Y-%m-%d")
    since = np.select(
        [
            hits.deactivation_source.eq("deactivated_at"),
            hits.deactivation_source.eq("last_updated_at"),
        ],
        [
            "Deactivated on "
            + when
            + ", "
            + days.astype("Int64").astype(str)
            + " days before "
            + settings.as_of.isoformat(),
            "Inactive, last updated on "
            + when
            + " ("
            + days.astype("Int64").astype(str)
            + " days before "
            + settings.as_of.isoformat()
            + "; the exact deactivation date is not recorded)",
        ],
        "Inactive since an unknown date",
    )
    amount = money(cost, snapshot.currency)
    billed = (", billed at " + amount + " a month.").where(
        known | cost.isna(), ", billed at least " + amount + " a month."
    )
    price_note = pd.Series("", index=hits.index).where(
        known,
        " "
        + plural(unpriced, "seat")
        + " of these ha"
        + np.where(unpriced.eq(1), "s", "ve")
        + " no price in prices.csv, so that part of the cost is unknown.",
    )
    seats = pd.Series(held.text.to_numpy(), index=hits.index)
    shown = isolate(seats)
    hits["entity_id"] = hits.user_id
    hits["severity"] = money_severity(known_cents, known, settings)
    hits["title"] = label + " is deactivated but still holds " + shown
    hits["detail"] = since + ", and still holds " + shown + billed + price_note
    hits["recommendation"] = (
        "Save "
        + label
        + "'s voicemail and call recordings, remove the "
        + shown
        + " license(s), then reassign or cancel them; delete the user 30 to 90 days after "
        "deactivation."
    )
    hits["monthly_cost_cents"] = known_cents.fillna(0).astype("int64")
    hits["cost_known"] = known
    hits["site"] = hits.site_name
    hits["license_type"] = seats
    return results(hits)


def _held(stale: pd.DataFrame) -> pd.DataFrame:
    """Per holder: stale seats, their known cents, how many are unpriced, and ``2 x X2; X4``.

    Built one license type at a time (a tenant has a handful), never one user at a time.
    """
    per_type = stale.groupby(["holder", "license_type"]).size().rename("n").reset_index()
    per_type = per_type.sort_values(["holder", "license_type"], kind="mergesort")
    part = per_type.license_type.astype(str).where(
        per_type.n.eq(1), per_type.n.astype(str) + " x " + per_type.license_type.astype(str)
    )
    text = part.groupby(per_type.holder.to_numpy()).agg("; ".join)
    figures = (
        pd.DataFrame(
            {
                "holder": stale.holder,
                "seats": 1,
                "cents": stale.price_cents.fillna(0).astype("int64"),
                "unpriced": stale.price_cents.isna().astype("int64"),
            }
        )
        .groupby("holder")
        .sum()
    )
    return figures.assign(text=text.reindex(figures.index))
