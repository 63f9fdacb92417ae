"""The price book and the one spelling each license type is known by.

License types reach the audit under several names: the short name on a quote (``X4``), the
Licenses page's long name (``8x8 Work X Series - X4``), the API's SKU-like name, any case.
prices.csv's ``aliases`` tie them together; a name no price row knows keeps the first spelling
seen, and is a seat with an unknown price (never free).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pycountry

from auditor import normalize as norm
from auditor.csvio import read_table
from auditor.errors import InputError
from auditor.model import Kind
from auditor.tables import PRICES

_KINDS = {
    "seat": Kind.SEAT.value,
    "addon": Kind.ADDON.value,
    "add-on": Kind.ADDON.value,
    "add on": Kind.ADDON.value,
}

DEFAULT_CURRENCY = "USD"


@dataclass
class Catalogue:
    """Resolves any spelling of a license type to its canonical name; collects unknown ones.

    Mutable while a snapshot loads (unknown names are added in the order they are first
    seen, inventory before users), then frozen into the ``types`` table.
    """

    prices: pd.DataFrame
    currency: str
    warnings: list[str] = field(default_factory=list)
    _names: dict[str, str] = field(default_factory=dict)
    _unknown: dict[str, str] = field(default_factory=dict)

    def resolve(self, names: pd.Series) -> pd.Series:
        """Canonical spelling for each name (empty names stay empty)."""
        keys = norm.key(names)
        canonical = keys.map(self._names)
        missing = canonical.isna() & keys.ne("")
        if missing.any():
            firsts = pd.DataFrame({"k": keys[missing], "n": names[missing].str.strip()})
            for k, n in firsts.drop_duplicates("k").itertuples(index=False):
                self._unknown.setdefault(k, n)
                self._names.setdefault(k, self._unknown[k])
            canonical = keys.map(self._names)
        return canonical.fillna("").astype(str)

    def types(self) -> pd.DataFrame:
        """Every type seen: ``license_type``, ``kind``, ``price_cents`` (NA when unknown)."""
        unknown = pd.DataFrame(
            {
                "license_type": list(self._unknown.values()),
                "kind": Kind.SEAT.value,
                "price_cents": pd.array([pd.NA] * len(self._unknown), dtype="Int64"),
            }
        )
        known = self.prices[["license_type", "kind", "price_cents"]]
        frames = [f for f in (known, unknown) if len(f)]
        if not frames:
            return unknown
        table = pd.concat(frames, ignore_index=True)
        table["price_cents"] = table["price_cents"].astype("Int64")
        return table


def load_prices(path: Path) -> Catalogue:
    """Read prices.csv into a catalogue: one currency, kinds, cents, aliases."""
    label = str(path)
    warnings: list[str] = []
    table = read_table(path, PRICES, label, warnings)
    norm.require_rows(table, label, "price")
    norm.require_nonblank(table.license_type, label, "license_type")
    keys = norm.key(table.license_type)
    norm.require_unique(keys, label, "license_type")
    cents = norm.parse_cents(table.monthly_price, label, "monthly_price")
    if cents.isna().any():
        norm.require_nonblank(table.monthly_price, label, "monthly_price")
    kind = (
        norm.parse_choice(table.kind.replace("", "seat"), _KINDS, label, "kind")
        if "kind" in table
        else pd.Series(Kind.SEAT.value, index=table.index)
    )
    prices = pd.DataFrame(
        {"license_type": table.license_type, "kind": kind.astype(str), "price_cents": cents}
    )
    names: dict[str, str] = {}
    aliases = table.aliases if "aliases" in table else pd.Series("", index=table.index)
    for row, (canonical, alias_cell) in enumerate(zip(table.license_type, aliases, strict=True)):
        for name in [canonical, *alias_cell.split(";")]:
            k = norm.text_key(name)
            if not k:
                continue
            if names.setdefault(k, canonical) != canonical:
                raise InputError(
                    f"{label} row {norm.spreadsheet_row(row)}, column aliases: {name.strip()!r} "
                    f"already names {names[k]!r}; a name can mean one license type only."
                )
    catalogue = Catalogue(prices=prices, currency=_currency(table, label), warnings=warnings)
    catalogue._names.update(names)
    if "currency" not in table or table.currency.eq("").all():
        catalogue.warnings.append(f"{label} names no currency; amounts are taken as USD.")
    return catalogue


def _currency(table: pd.DataFrame, label: str) -> str:
    if "currency" not in table:
        return DEFAULT_CURRENCY
    codes = table.currency.str.upper()
    seen = [c for c in codes.unique() if c]
    if len(seen) > 1:
        raise InputError(
            f"{label}, column currency: prices are in {', '.join(sorted(seen))}; "
            "one audit takes one currency."
        )
    if not seen:
        return DEFAULT_CURRENCY
    if pycountry.currencies.get(alpha_3=seen[0]) is None:
        row = norm.spreadsheet_row(int(codes.eq(seen[0]).to_numpy().nonzero()[0][0]))
        raise InputError(
            f"{label} row {row}, column currency: {seen[0]!r} is not an ISO 4217 currency code."
        )
    return str(seen[0])
