"""The statement bills a license type above the price the contract (the price book) says."""

from __future__ import annotations

import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import money_severity, results, rule
from auditor.rules._bill import needs_statement, reconciled
from auditor.text import isolate, money, plural
from auditor.vocab import OVER

RULE_ID = "price-above-contract"


@rule(
    id=RULE_ID,
    entity="license_type",
    severity=Severity.HIGH,
    title="Billed above the contract price",
    rationale=(
        "8x8 prices are quote-based: a renewal at list price, an expired discount or a "
        "promotion that lapsed shows only as a higher unit price on the statement."
    ),
    remediation=(
        "Claim the difference as a credit, quoting the contract's price, and ask 8x8 to bill "
        "the contract price from the next statement."
    ),
    requires=needs_statement,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per license type billed above the price book's price.

    (billed unit price - contract price) x the seats that should be billed: min(billed,
    inventory). The seats billed beyond the inventory are ``billed-over-inventory``'s whole
    price already, so no cent is claimed twice. A type without a price cannot be judged.
    """
    table = reconciled(snapshot)
    hits = table[table.price_direction.eq(OVER)].copy()
    currency = snapshot.currency
    cost = hits.price_over_cents.astype("Int64")
    due = hits.billed_quantity.clip(upper=hits.inventory_total).astype("int64")
    shown = isolate(hits.license_type.astype(str))
    beyond = hits.billed_quantity.gt(hits.inventory_total)
    hits["title"] = (
        shown
        + " billed at "
        + money(hits.billed_unit_cents, currency)
        + ", above the contract's "
        + money(hits.contract_cents, currency)
    )
    hits["detail"] = (
        "The statement bills "
        + hits.billed_quantity.astype(str)
        + " "
        + shown
        + " licenses for "
        + money(hits.billed_cents, currency)
        + " (about "
        + money(hits.billed_unit_cents, currency)
        + " each); at the price book's "
        + money(hits.contract_cents, currency)
        + " the "
        + plural(due, "seat")
        + " held cost "
        + money((hits.contract_cents * due).astype("Int64"), currency)
        + ": "
        + money(cost, currency)
        + " a month over the contract"
        + pd.Series(
            " (the seats billed beyond the inventory are claimed in full by "
            "billed-over-inventory).",
            index=hits.index,
        ).where(beyond, ".")
    )
    hits["recommendation"] = (
        "Claim a credit of "
        + money(cost, currency)
        + " a month from 8x8, quoting the contract price of "
        + money(hits.contract_cents, currency)
        + " per "
        + shown
        + " license, and ask them to bill that price from the next statement."
    )
    hits["entity_id"] = hits.license_type
    hits["severity"] = money_severity(cost, pd.Series(True, index=hits.index), settings)
    hits["monthly_cost_cents"] = cost.astype("int64")
    hits["cost_known"] = True
    hits["site"] = None
    return results(hits)
