"""Deactivated users still holding a paid seat after the grace period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.frames import member
from auditor.model import Kind, Settings, Severity, Snapshot
from auditor.rules._base import (
    isolate,
    money,
    money_severity,
    needs_holdings,
    results,
    rule,
    user_label,
)

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
    """Inactive users holding a seat, deactivated ``stale_after_days`` ago or at an unknown date.

    The deactivation date is ``deactivated_at``, else ``last_updated_at`` (the API records no
    deactivation time), compared with ``as_of`` as calendar dates.
    """
    users = snapshot.users
    as_of = pd.Timestamp(settings.as_of)
    days = (as_of - users.deactivated_on).dt.days
    stale = days.ge(settings.stale_after_days) | users.deactivated_on.isna()
    hits = users[~users.active & users.seat_count.gt(0) & stale].copy()
    days = days[hits.index]
    held = _held_seats(snapshot, hits.user_id)
    seats = hits.user_id.map(held).fillna("")
    known = hits.unpriced_seats.eq(0)
    cost = hits.seat_cents.astype("Int64")
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
    price_note = pd.Series("", index=hits.index).where(
        known, " Some of these seats have no price in prices.csv, so the cost is understated."
    )
    hits["entity_id"] = hits.user_id
    hits["severity"] = money_severity(cost, known, settings)
    shown = isolate(seats)
    hits["title"] = label + " is deactivated but still holds " + shown
    hits["detail"] = (
        since
        + ", and still holds "
        + shown
        + ", billed at "
        + money(cost, snapshot.currency)
        + " a month."
        + price_note
    )
    hits["recommendation"] = (
        "Save "
        + label
        + "'s voicemail and call recordings, remove the "
        + shown
        + " license(s), then reassign the seat(s) to a Contact or file a partial cancellation "
        "(30 days' notice); delete the user 30 to 90 days after deactivation."
    )
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = known
    hits["site"] = hits.site_name
    hits["license_type"] = seats
    return results(hits)


def _held_seats(snapshot: Snapshot, user_ids: pd.Series) -> pd.Series:
    """For each of ``user_ids``, the seat types held, as ``X2; X4`` (add-ons left out).

    Built one license type at a time (a tenant has a handful), never one user at a time.
    """
    held = snapshot.holdings[member(snapshot.holdings.user_id, user_ids)]
    held = held.merge(snapshot.types, on="license_type", how="left")
    held = held[held.kind.eq(Kind.SEAT.value)]
    wide = pd.crosstab(held.user_id, held.license_type).gt(0)
    text = pd.Series("", index=wide.index, dtype=object)
    for license_type in sorted(wide.columns, key=str):
        joined = text.where(text.eq(""), text + "; ") + str(license_type)
        text = joined.where(wide[license_type], text)
    return text
