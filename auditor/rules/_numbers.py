"""Which numbers of numbers.csv are idle, and whether licenses.csv counts numbers itself.

Read by the ``idle-phone-numbers`` rule and by the engine, which turns idle numbers into
ledger rows (:mod:`auditor.engine.idle_numbers`); here, below both, so each reads one answer.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.model import Kind, Snapshot

#: The phone-number status of a number claimed and billed but assigned to nobody.
IDLE: Final = "AVAILABLE"


def idle(snapshot: Snapshot) -> pd.DataFrame:
    """numbers.csv's AVAILABLE rows (empty when there is no numbers.csv)."""
    numbers = snapshot.numbers
    if numbers is None:
        return pd.DataFrame(columns=["number", "status", "category", "country", "license_type"])
    return numbers[numbers.status.eq(IDLE)]


def inventory_types(snapshot: Snapshot) -> list[str]:
    """The number licence types licenses.csv lists (they count their numbers already)."""
    kinds = snapshot.types.set_index("license_type").kind
    listed = pd.Series(snapshot.pools.license_type.unique())
    return sorted(str(t) for t in listed[listed.map(kinds).eq(Kind.NUMBER.value)])
