"""Load numbers.csv: the tenant's phone numbers, and which of them nobody is assigned.

``auditor collect`` writes the numbers ``GET /phone-numbers`` gives with a status other than
ASSIGNED; a person may give every number instead (a Phone Numbers page export). Only
AVAILABLE ones matter to the audit: claimed, billed as a number licence, reaching nobody.
Each AVAILABLE number is given the license type it is billed as: the price book's number
row for its category (through the built-in catalogue: ``DID`` for a local number,
``Toll-Free Number`` for a toll-free one, under whatever name prices.csv gives them), else
the price book's only number row, else that catalogue type with an unknown price.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.model import Kind
from auditor.snapshot import normalize as norm
from auditor.snapshot.catalogue import Catalogue
from auditor.snapshot.csvio import read_table
from auditor.snapshot.tables import NUMBERS

#: 8x8's number statuses (S7), and the spellings a sheet may use for them.
STATUSES = {
    "pre_porting": "PRE_PORTING",
    "pre-porting": "PRE_PORTING",
    "pre porting": "PRE_PORTING",
    "preporting": "PRE_PORTING",
    "porting": "PORTING",
    "available": "AVAILABLE",
    "assigned": "ASSIGNED",
}
CATEGORIES = {
    "": "",
    "local": "LOCAL",
    "toll_free": "TOLL_FREE",
    "toll-free": "TOLL_FREE",
    "toll free": "TOLL_FREE",
    "tollfree": "TOLL_FREE",
}
IDLE = "AVAILABLE"
#: The built-in catalogue's number licence for each category.
CATALOGUE_TYPE = {"LOCAL": "DID", "TOLL_FREE": "Toll-Free Number", "": "DID"}


def load_numbers(
    path: Path, catalogue: Catalogue, label: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """numbers.csv as ``number``, ``status``, ``category``, ``origin``, ``country``
    (ISO alpha-2 or NA) and, on AVAILABLE rows, ``license_type`` (blank elsewhere)."""
    warnings: list[str] = []
    label = label or str(path)
    table = read_table(path, NUMBERS, label, warnings)
    for column in ("category", "origin", "country"):
        if column not in table:
            table[column] = ""
    norm.require_nonblank(table.number, label, "number")
    table["number"] = table.number.str.replace(r"[\s().-]", "", regex=True)
    norm.require_unique(table.number, label, "number")
    table["status"] = norm.parse_choice(table.status, STATUSES, label, "status").astype(str)
    category = norm.key(table.category).map(CATEGORIES)
    bad = category.isna()
    if bad.any():
        row = norm.spreadsheet_row(int(bad.to_numpy().nonzero()[0][0]))
        raise InputError(
            f"{label} row {row}, column category: {table.category[bad].iloc[0]!r} is not a "
            "number category (expected LOCAL or TOLL_FREE)."
        )
    table["category"] = category.astype(str)
    table["origin"] = table.origin.str.upper()
    table["country"] = norm.parse_countries(table.country, label, "country", allow_blank=True)
    idle = table.status.eq(IDLE)
    table["license_type"] = ""
    if idle.any():
        table.loc[idle, "license_type"] = _number_types(table.category[idle], catalogue)
    return table.reset_index(drop=True), warnings


def _number_types(categories: pd.Series, catalogue: Catalogue) -> pd.Series:
    """The license type each idle number is billed as (see the module docstring)."""
    resolved = catalogue.resolve(categories.map(CATALOGUE_TYPE))
    book = catalogue.prices
    numbers = book[book.kind.eq(Kind.NUMBER.value)]
    if len(numbers) == 1:
        priced = set(book.license_type[book.price_cents.notna()])
        only = str(numbers.license_type.iloc[0])
        resolved = resolved.where(resolved.isin(priced), only)
    return resolved
