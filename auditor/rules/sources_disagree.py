"""Licenses on which the users' export and the license inventory disagree: said, never silent."""

from __future__ import annotations

import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import ledger_of, needs_holdings, results, rule
from auditor.text import isolate, money

RULE_ID = "sources-disagree"


@rule(
    id=RULE_ID,
    entity="license",
    severity=Severity.LOW,
    title="The exports disagree on who holds a license",
    rationale=(
        "users.csv and licenses.csv are exported separately, often minutes apart, and 8x8 "
        "updates them separately; where they disagree, the audit follows one stated "
        "precedence so no seat is counted twice or lost, and says which side it followed."
    ),
    remediation=(
        "Export users and licenses again at the same time; if they still disagree, correct "
        "the license's assignment in Admin Console (Home > Licenses)."
    ),
    requires=needs_holdings,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per license (per pool, with pool counts only) the ledger flagged.

    The ledger (see :mod:`auditor.ledger`) already settled the disagreement; this finding
    costs nothing and carries no waste: it names both sides and the one followed.
    """
    hits = ledger_of(snapshot).disagreements.copy()
    prices = snapshot.types.set_index("license_type").price_cents.astype("Int64")
    price = hits.license_type.map(prices).astype("Int64")
    cost = (pd.to_numeric(hits.seats).astype("int64") * price).astype("Int64")
    pooled = snapshot.licenses is None
    what = (
        ("the " + isolate(hits.entity_id) + " pool")
        if pooled
        else ("license " + isolate(hits.entity_id) + " (" + isolate(hits.license_type) + ")")
    )
    hits["severity"] = Severity.LOW.value
    hits["title"] = "users.csv and licenses.csv disagree on " + what
    hits["detail"] = (
        isolate(hits.said.astype(str))
        + ". The audit counts it as "
        + isolate(hits.followed.astype(str))
        + " (users.csv's license_ids first, then licenses.csv's assigned_to, then users.csv's "
        "license types), so it is counted once; at " + money(price, snapshot.currency) + " a month."
    )
    hits["recommendation"] = (
        "Export users and licenses again at the same time; if they still disagree, correct "
        + what
        + " in Admin Console (Home > Licenses)."
    )
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = price.notna()
    hits["site"] = None
    return results(hits)
