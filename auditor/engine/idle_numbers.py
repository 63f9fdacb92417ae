"""Idle phone numbers as ledger rows: billed number licences nobody uses are waste too.

An AVAILABLE number in numbers.csv is claimed and billed as a number licence (``DID``,
``Toll-Free Number``...) but reaches nobody. Each becomes one ledger row: ``seat_id`` the
number, its license type and country, inventory status UNASSIGNED, no holder, so the
ledger disposes it ``unassigned``: waste, covered by its type's ``unassigned-billed-seats``
finding like any unassigned license, cancelled by the plan, in the bridge and the pools.
The ``idle-phone-numbers`` findings name the numbers themselves, for context (no waste of
their own, so nothing is counted twice).

When licenses.csv already lists a number licence type, its pool counts the tenant's
numbers (assigned and not) and its unassigned ones are already unassigned rows: the idle
numbers are then not added again, and the rule says so.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.frames import member
from auditor.model import LicenseStatus, Snapshot
from auditor.rules._numbers import idle, inventory_types

#: The ``source`` of a ledger row that is an idle number (the ledger's other sources are
#: ``license_ids``, ``assigned_to`` and ``licenses``).
SOURCE: Final = "numbers.csv"


def ledger_rows(snapshot: Snapshot) -> pd.DataFrame | None:
    """The idle numbers as rows for :func:`auditor.ledger.build`, or None when none are
    to be added (no numbers.csv, none idle, or the inventory counts numbers itself)."""
    numbers = idle(snapshot)
    if numbers.empty or inventory_types(snapshot):
        return None
    return pd.DataFrame(
        {
            "seat_id": numbers.number.astype(str).to_numpy(),
            "license_type": numbers.license_type.astype(str).to_numpy(),
            "inventory_status": LicenseStatus.UNASSIGNED.value,
            "country": numbers.country.astype(object).to_numpy(),
            "service_state": None,
            "holder": pd.Series([None] * len(numbers), dtype=object).to_numpy(),
            "source": SOURCE,
        }
    )


def pool_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per license type, the idle numbers' counts to add to the pools (all unassigned)."""
    if "source" not in rows:
        return pd.DataFrame(columns=["total", "unassigned", "suspended"])
    mine = rows[member(rows.source.fillna("").astype(str), {SOURCE})]
    per_type = mine.groupby("license_type").size()
    return pd.DataFrame({"total": per_type, "unassigned": per_type, "suspended": 0})
