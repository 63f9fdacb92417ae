"""What the four bill rules share: the statement they need and the reconciliation they read."""

from __future__ import annotations

import pandas as pd

from auditor.model import Snapshot

#: The rules that compare 8x8's statement with the licenses; the first three are credits to
#: claim (``summary.monthly_overbilled``), the last may be legitimate and is not summed.
CLAIM_RULES: tuple[str, ...] = (
    "billed-over-inventory",
    "price-above-contract",
    "tax-outside-service-states",
)


def needs_statement(snapshot: Snapshot) -> str | None:
    """Requirement of the bill rules: a statement to compare with the licenses."""
    if snapshot.statement is not None:
        return None
    return (
        "no statement was given (statement.csv in the snapshot folder, --statement FILE or "
        "the config's statement key)"
    )


def reconciled(snapshot: Snapshot) -> pd.DataFrame:
    """The bill reconciled with the licenses, per license type, as the engine worked it out
    once with the ledger (see :mod:`auditor.engine.bill`); a rule never reconciles again."""
    if snapshot.bill is None:
        raise ValueError("the engine reconciles the bill before any rule runs")
    return snapshot.bill
