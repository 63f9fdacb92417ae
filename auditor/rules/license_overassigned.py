"""License types more users hold than the pool has licenses."""

from __future__ import annotations

import pandas as pd

from auditor.model import Kind, Settings, Severity, Snapshot
from auditor.rules._base import needs_holdings, results, rule
from auditor.text import isolate, money

RULE_ID = "license-overassigned"


@rule(
    id=RULE_ID,
    entity="license_type",
    severity=Severity.HIGH,
    title="More holders than licenses",
    rationale=(
        "When more users hold a license type than the inventory counts, either the inventory "
        "is out of date or the extra seats will appear on a true-up bill."
    ),
    remediation=(
        "Reconcile the users holding the type with Admin Console (Home > Licenses); remove it "
        "from users who do not need it or reassign unassigned seats of another type."
    ),
    requires=needs_holdings,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per type whose holders (users' view) exceed its total (inventory's view)."""
    holders = snapshot.holdings.groupby("license_type").user_id.nunique().rename("holders")
    pools = snapshot.pools.groupby("license_type")[["total"]].sum()
    # A number licence or add-on the inventory does not list is missing from the copy of the
    # Licenses page, not over-assigned: only seats (and listed types) are compared.
    kinds = snapshot.types.set_index("license_type").kind
    kind = kinds[~kinds.index.duplicated()].reindex(holders.index).fillna(Kind.SEAT.value)
    holders = holders[holders.index.isin(pools.index) | kind.eq(Kind.SEAT.value).to_numpy()]
    table = pd.concat([holders, pools.total], axis=1).fillna(0).astype("int64")
    table = table.join(snapshot.types.set_index("license_type")[["price_cents"]])
    hits = table[table.holders.gt(table.total)].reset_index(names="license_type")
    extra = hits.holders - hits.total
    price = hits.price_cents
    cost = (extra * price).astype("Int64")
    currency = snapshot.currency
    hits["entity_id"] = hits.license_type
    hits["severity"] = Severity.HIGH.value
    shown = isolate(hits.license_type)
    hits["title"] = (
        hits.holders.astype(str)
        + " users hold "
        + shown
        + " but the inventory has "
        + hits.total.astype(str)
    )
    hits["detail"] = (
        hits.holders.astype(str)
        + " users list "
        + shown
        + " among their licenses, "
        + extra.astype(str)
        + " more than the "
        + hits.total.astype(str)
        + " licenses in licenses.csv; at "
        + money(price, currency)
        + " each the gap is "
        + money(cost, currency)
        + " a month."
    )
    hits["recommendation"] = (
        "Check Admin Console (Home > Licenses) for "
        + shown
        + ": if the inventory is current, remove the license from the "
        + extra.astype(str)
        + " user(s) who need it least or expect a true-up charge; otherwise refresh licenses.csv."
    )
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = price.notna()
    hits["site"] = None
    return results(hits)
