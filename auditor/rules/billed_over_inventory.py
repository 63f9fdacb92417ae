"""The statement bills more licenses of a type than the inventory holds."""

from __future__ import annotations

import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import money_severity, results, rule
from auditor.rules._bill import needs_statement, reconciled
from auditor.text import isolate, money, plural
from auditor.vocab import OVER

RULE_ID = "billed-over-inventory"


@rule(
    id=RULE_ID,
    entity="license_type",
    severity=Severity.HIGH,
    title="Billed for more licenses than the inventory holds",
    rationale=(
        "8x8 bills from its order records, not from the Licenses page: a cancellation that was "
        "never processed, or a quantity keyed twice, keeps billing seats nobody has."
    ),
    remediation=(
        "Claim a credit for the seats billed beyond the inventory and ask 8x8 to correct the "
        "quantity on the next statement."
    ),
    requires=needs_statement,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per license type whose billed quantity exceeds the inventory's total.

    The excess is priced at the billed unit price (several lines of the type summed first);
    only this direction is claimed: a type billed below the inventory is noted in the
    reconciliation table, never asked for.
    """
    table = reconciled(snapshot)
    hits = table[table.quantity_direction.eq(OVER)].copy()
    currency = snapshot.currency
    cost = hits.over_inventory_cents.astype("Int64")
    excess = hits.quantity_difference.astype("int64")
    shown = isolate(hits.license_type.astype(str))
    hits["title"] = (
        "8x8 bills "
        + plural(hits.billed_quantity, "license")
        + " of type "
        + shown
        + "; the inventory holds "
        + hits.inventory_total.astype(str)
    )
    hits["detail"] = (
        "The statement bills "
        + hits.billed_quantity.astype(str)
        + " "
        + shown
        + " licenses ("
        + money(hits.billed_cents, currency)
        + " a month, about "
        + money(hits.billed_unit_cents, currency)
        + " each) but the inventory lists "
        + hits.inventory_total.astype(str)
        + ": "
        + excess.astype(str)
        + " billed beyond it, "
        + money(cost, currency)
        + " a month."
    )
    hits["recommendation"] = (
        "Claim a credit of "
        + money(cost, currency)
        + " a month from 8x8 for the "
        + plural(excess, "license")
        + " billed beyond the "
        + hits.inventory_total.astype(str)
        + " held, and ask them to bill "
        + hits.inventory_total.astype(str)
        + " from the next statement."
    )
    hits["entity_id"] = hits.license_type
    hits["severity"] = money_severity(cost, pd.Series(True, index=hits.index), settings)
    hits["monthly_cost_cents"] = cost.astype("int64")
    hits["cost_known"] = True
    hits["site"] = None
    return results(hits)
