"""A recurring bill line whose description names no license type the tenant holds or prices."""

from __future__ import annotations

import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import money_severity, results, rule
from auditor.rules._bill import needs_statement
from auditor.text import isolate, money
from auditor.vocab import RECURRING

RULE_ID = "billed-unknown-product"


@rule(
    id=RULE_ID,
    entity="bill_line",
    severity=Severity.MEDIUM,
    title="Billed for a product no license type matches",
    rationale=(
        "A recurring charge the license side cannot explain is either a product missing from "
        "the price book or something never ordered; dropping it would hide either."
    ),
    remediation=(
        "If the product was ordered, add it to prices.csv (the bill's description as an "
        "alias); if not, ask 8x8 to remove it and credit what was billed."
    ),
    requires=needs_statement,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per distinct description of the recurring lines no type matched.

    Its ``monthly_cost`` is what the lines bill (a credit line counts as 0), kept out of
    ``summary.monthly_overbilled``: it may be legitimate, and nobody claims it unasked.
    """
    lines = snapshot.statement
    assert lines is not None  # needs_statement
    unknown = lines[lines.category.eq(RECURRING) & lines.license_type.eq("")]
    grouped = unknown.groupby("description", sort=True).agg(
        amount_cents=("amount_cents", "sum"),
        quantity=("quantity", "sum"),
        rows=("row", lambda r: ", ".join(str(v) for v in r)),
    )
    hits = grouped.reset_index()
    currency = snapshot.currency
    cost = hits.amount_cents.clip(lower=0).astype("Int64")
    what = isolate(hits.description.astype(str))
    hits["title"] = "Billed for " + what + ", which matches no license type"
    hits["detail"] = (
        "The statement (row "
        + hits.rows.astype(str)
        + ") bills "
        + hits.quantity.astype("int64").astype(str)
        + " of "
        + what
        + " for "
        + money(hits.amount_cents.astype("Int64"), currency)
        + " a month; no license type in the price book or the inventory goes by that name."
    )
    hits["recommendation"] = (
        "Check whether this was ordered: if so, add it to prices.csv with "
        + what
        + " as an alias; if not, ask 8x8 to remove it and credit the "
        + money(cost, currency)
        + " a month it bills."
    )
    hits["entity_id"] = hits.description.astype(str)
    hits["severity"] = money_severity(cost, pd.Series(True, index=hits.index), settings)
    hits["monthly_cost_cents"] = cost.astype("int64")
    hits["cost_known"] = True
    hits["site"] = None
    hits["license_type"] = None
    return results(hits)
