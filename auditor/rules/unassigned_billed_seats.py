"""Licenses in the pool that nobody holds, still on the bill every month."""

from __future__ import annotations

import pandas as pd

from auditor.frames import member
from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import ledger_of, ledger_rows, money_severity, results, rule
from auditor.text import isolate, money, plural
from auditor.vocab import Disposition

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
    """One finding per license type (seat or add-on) with ledger rows nobody holds.

    Counted on the ledger, not the inventory's unassigned column: a license the Licenses page
    calls unassigned but a user lists is held (and, if the user is deactivated, counted once,
    by ``stale-deactivated-user``).
    """
    rows = ledger_rows(snapshot)
    total = rows.groupby("license_type").size()
    # A seat a spare allowance keeps is unassigned on purpose: not waste, so not here.
    idle = rows[rows.disposition.eq(Disposition.UNASSIGNED.value) & rows.waste]
    priced = idle.assign(_unpriced=idle.price_cents.isna())
    hits = priced.groupby("license_type").agg(
        unassigned=("seat_id", "size"),
        price_cents=("price_cents", "first"),
        prices=("price_cents", "nunique"),
        cost_cents=("price_cents", "sum"),
        unpriced=("_unpriced", "any"),
        kind=("kind", "first"),
    )
    hits = hits.reset_index()
    hits["total"] = hits.license_type.map(total).astype("int64")
    known = ~hits.unpriced.astype(bool)
    # Prices may differ per country: the cost is the seats' own prices summed.
    price = hits.price_cents.astype("Int64").where(hits.prices.le(1) & known)
    cost = hits.cost_cents.astype("Int64").where(known)
    currency = snapshot.currency
    count = plural(hits.unassigned, "license")
    shown = isolate(hits.license_type)
    hits["title"] = count + " of type " + shown + " unassigned and still billed"
    hits["detail"] = (
        hits.unassigned.astype(str)
        + " of "
        + hits.total.astype(str)
        + " "
        + shown
        + " licenses are unassigned; each is billed at "
        + money(price, currency).where(price.notna() | ~known, "its country's price")
        + " a month ("
        + money(cost, currency)
        + " in all) until it is cancelled."
    )
    if "keep_reason" in rows:  # spares kept by an allowance: said, never counted
        spares = rows[rows.keep_reason.notna()].groupby("license_type").size()
        kept = hits.license_type.map(spares).fillna(0).astype("int64")
        verb = pd.Series("are", index=kept.index).where(kept.ne(1), "is")
        note = " " + kept.astype(str) + " more " + verb + " kept as spares (the spare allowance)."
        hits["detail"] = hits.detail + note.where(kept.gt(0), "")
    book = ledger_of(snapshot)
    cc = member(hits.license_type, book.cc_license_types)
    if cc.any() and book.cc_note:  # say why: a Contact Center pool's waste is not where it shows
        hits.loc[cc, "detail"] = hits.detail[cc] + " " + book.cc_note
    hits["recommendation"] = (
        "Give these to users who need a seat before buying more, and file a partial "
        "cancellation request with 8x8 for the rest (30 days' notice)."
    )
    hits["entity_id"] = hits.license_type
    hits["severity"] = money_severity(cost, known, settings)
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = known
    hits["site"] = None
    return results(hits)
