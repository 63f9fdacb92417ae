"""Load addresses.csv: the tenant's addresses and how many licenses each one serves.

8x8 keeps, per address, a count of the licenses that have it as their service address
(``addressUsage.license``, S6 in reference/8x8-api.md); state taxes and fees follow that
address. So the address list alone, without the per-license Licenses page export, shows
licenses taxed where no site is. ``auditor collect`` writes the file when it read the
whole list; a person may give one too. A blank license count (the API gave none) is
unknown: that address is not checked, and the report says how many were not.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from auditor.snapshot import normalize as norm
from auditor.snapshot.csvio import read_table
from auditor.snapshot.service_address import territories
from auditor.snapshot.tables import ADDRESSES


def load_addresses(path: Path, label: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """addresses.csv with ``country``/``state`` as codes and ``license_count`` as a nullable
    whole number; every other column as text (blank when the file lacks it)."""
    warnings: list[str] = []
    label = label or str(path)
    table = read_table(path, ADDRESSES, label, warnings)
    for column in (c.name for c in ADDRESSES.columns):
        if column not in table:
            table[column] = ""
    norm.require_nonblank(table.address_id, label, "address_id")
    norm.require_unique(table.address_id, label, "address_id")
    table["country"] = norm.parse_countries(table.country, label, "country", allow_blank=False)
    table["state"], unknown = norm.parse_states(table.state, table.country, label, "state")
    table["country"], table["state"] = territories(table.country, table.state)
    warnings += unknown
    for column in ("license_count", "site_count"):
        given = table[column].str.strip().ne("")
        counts = norm.parse_count(table[column], label, column, default=0)
        table[column] = pd.array(counts.to_numpy(), dtype="Int64")
        table.loc[~given, column] = pd.NA
    blank = table.license_count.isna()
    if blank.any():
        first = norm.spreadsheet_row(int(blank.to_numpy().nonzero()[0][0]))
        warnings.append(
            f"{label}: {int(blank.sum())} address(es) have no license_count (first: row "
            f"{first}); the licenses they serve are not checked for tax."
        )
    return table.reset_index(drop=True), warnings
