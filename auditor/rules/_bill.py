"""What the four bill rules share: the statement they need and the reconciliation they read."""

from __future__ import annotations

import pandas as pd

from auditor.bill import reconcile
from auditor.model import Snapshot
from auditor.rules._base import ledger_rows

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
    """The bill reconciled with the licenses, per license type (see :mod:`auditor.bill`)."""
    return reconcile(snapshot, ledger_rows(snapshot))
