"""Licenses in the pool that nobody holds, still on the bill every month."""

from __future__ import annotations

import pandas as pd

from auditor.model import LicenseStatus, Settings, Severity, Snapshot
from auditor.rules._base import (
    isolate,
    join_ids,
    money,
    money_severity,
    plural,
    results,
    rule,
)

RULE_ID = "unassigned-billed-seats"


@rule(
    id=RULE_ID,
    entity="license_type",
    severity=Severity.HIGH,
    title="Unassigned licenses still billed",
    rationale=(
        "Removing a license from a user returns it to the pool as unassigned; 8x8 keeps "
        "billing it until a partial cancellation request is filed."
    ),
    remediation=(
        "Reassign unassigned seats to users who need one before buying more; file a partial "
        "cancellation (30 days' notice) for the rest."
    ),
    counts_as_waste=True,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per license type (seat or add-on) with unassigned licenses."""
    pools = snapshot.pools.merge(snapshot.types, on="license_type", how="left")
    hits = pools[pools.unassigned.gt(0)].copy()
    price = hits.price_cents
    known = price.notna()
    cost = (hits.unassigned * price).astype("Int64")
    currency = snapshot.currency
    count = plural(hits.unassigned, "license")
    contacts = _waiting_contacts(snapshot)
    reassign = (
        "Assign these to the "
        + str(contacts)
        + " active user(s) with no seat before buying more, then file"
        if contacts
        else "File"
    )
    seat = hits.kind.eq("seat")
    shown = isolate(hits.license_type)
    hits["title"] = count + " of type " + shown + " unassigned and still billed"
    hits["detail"] = (
        hits.unassigned.astype(str)
        + " of "
        + hits.total.astype(str)
        + " "
        + shown
        + " licenses are unassigned; each is billed at "
        + money(price, currency)
        + " a month ("
        + money(cost, currency)
        + " in all) until it is cancelled."
    )
    ids = _unassigned_ids(snapshot)
    listed = pd.Series([ids.get(t, "") for t in hits.license_type], index=hits.index, dtype=str)
    which = (" License IDs: " + listed + ".").where(listed.ne(""), "")
    hits["recommendation"] = (
        pd.Series(reassign, index=hits.index).where(seat, "File")
        + " a partial cancellation request with 8x8 for the "
        + count
        + " you do not need (30 days' notice; billing continues until then)."
        + which
    )
    hits["entity_id"] = hits.license_type
    hits["severity"] = money_severity(cost, known, settings)
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = known
    hits["site"] = None
    return results(hits)


def _waiting_contacts(snapshot: Snapshot) -> int:
    """Active users holding no seat: candidates for an unassigned seat."""
    users = snapshot.users
    if not snapshot.holdings_known:
        return 0
    return int((users.active & users.seat_count.eq(0)).sum())


def _unassigned_ids(snapshot: Snapshot) -> dict[str, str]:
    """Per type, the unassigned license ids as a short list (per-license inventory only)."""
    if snapshot.licenses is None:
        return {}
    units = snapshot.licenses
    free = units[units.status.eq(LicenseStatus.UNASSIGNED.value)].sort_values("license_id")
    return {str(t): join_ids(group.license_id) for t, group in free.groupby("license_type")}
