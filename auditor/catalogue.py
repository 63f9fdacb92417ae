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

#: Words in a license type's name that mark a contact-centre seat (VCC Agent, X8 (Contact
#: Center), Additional Named User): a seat for agents in a queue, never one a Contact can use.
_CONTACT_CENTRE = r"contact cent(?:er|re)|\bvcc\b|additional named user|\bagent\b"


def is_contact_centre(names: pd.Series) -> pd.Series:
    """Whether each license type name is a contact-centre seat's."""
    return names.astype(str).str.contains(_CONTACT_CENTRE, case=False, regex=True)


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
    _spellings: dict[str, str] = field(default_factory=dict)

    def resolve(self, names: pd.Series) -> pd.Series:
        """Canonical spelling for each name (empty names stay empty).

        A name no price row knows is spelled, in the end, the way that sorts first among
        every spelling seen of it (``X8`` before ``x8``), so neither row order nor letter
        case changes a finding's id; until :meth:`settle` runs, the first spelling seen
        stands in for it.
        """
        keys = norm.key(names)
        canonical = keys.map(self._names)
        missing = canonical.isna() & keys.ne("")
        if missing.any():
            firsts = pd.DataFrame({"k": keys[missing], "n": names[missing].str.strip()})
            for k, n in firsts.drop_duplicates("k").itertuples(index=False):
                self._unknown.setdefault(k, n)
                self._names.setdefault(k, self._unknown[k])
            canonical = keys.map(self._names)
        unknown = keys.isin(self._unknown.keys()) & keys.ne("")
        if unknown.any():
            seen = pd.DataFrame({"k": keys[unknown], "n": names[unknown].str.strip()})
            for k, n in seen.groupby("k").n.min().items():
                self._spellings[str(k)] = min(self._spellings.get(str(k), n), n)
        return canonical.fillna("").astype(str)

    def names(self) -> dict[str, str]:
        """Every spelling known so far (compared as :func:`normalize.text_key`) with the type
        it names, in final spelling: what a bill description is matched against."""
        final = self.settle(pd.Series(list(self._names.values()), dtype=object))
        return dict(zip(self._names, final.astype(str), strict=True))

    def settle(self, names: pd.Series) -> pd.Series:
        """``names`` from :meth:`resolve` with each unknown type in its final spelling."""
        final = {self._unknown[k]: s for k, s in self._spellings.items() if s != self._unknown[k]}
        return names.replace(final) if final else names

    def types(self) -> pd.DataFrame:
        """Every type seen: ``license_type``, ``kind``, ``price_cents`` (NA when unknown)."""
        unknown = pd.DataFrame(
            {
                "license_type": [self._spellings.get(k, n) for k, n in self._unknown.items()],
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
    currency, named = _currency(table, label)
    catalogue = Catalogue(prices=prices, currency=currency, warnings=warnings)
    catalogue._names.update(names)
    if not named:
        catalogue.warnings.append(f"{label} names no currency; amounts are taken as USD.")
    return catalogue


def _currency(table: pd.DataFrame, label: str) -> tuple[str, bool]:
    """The price book's one currency, and whether anything in the file named it.

    The ``currency`` column decides; without one, the symbols or codes written in the prices
    do (``€24.00`` is EUR). Either way every price's own symbol must agree with it: a
    ``€24.00`` in a USD price book is refused, never read as 24 dollars.
    """
    written = {
        i: codes
        for i, text in enumerate(table.monthly_price)
        if (codes := norm.price_currencies(str(text))) is not None
    }
    column = _column_currency(table, label)
    if column is not None:
        currency, named = column, True
    elif written:
        common = frozenset.intersection(*written.values())
        currency = DEFAULT_CURRENCY if DEFAULT_CURRENCY in common else min(common, default="")
        named = bool(currency)
        if named and pycountry.currencies.get(alpha_3=currency) is None:
            raise InputError(
                f"{label}, column monthly_price: {currency!r} is not an ISO 4217 code."
            )
    else:
        currency, named = DEFAULT_CURRENCY, False
    for i, codes in written.items():
        row_code = str(table.currency.iloc[i]).upper() if "currency" in table else ""
        expected = row_code or currency
        if expected not in codes:
            raise InputError(
                f"{label} row {norm.spreadsheet_row(i)}, column monthly_price: "
                f"{table.monthly_price.iloc[i]!r} is written in {'/'.join(sorted(codes))}, but "
                f"the price book's currency is {expected or 'another'}; one audit takes one "
                "currency."
            )
    return currency or DEFAULT_CURRENCY, named


def _column_currency(table: pd.DataFrame, label: str) -> str | None:
    """The ``currency`` column's one code, None when the column is missing or blank."""
    if "currency" not in table:
        return None
    codes = table.currency.str.upper()
    seen = [c for c in codes.unique() if c]
    if len(seen) > 1:
        raise InputError(
            f"{label}, column currency: prices are in {', '.join(sorted(seen))}; "
            "one audit takes one currency."
        )
    if not seen:
        return None
    if pycountry.currencies.get(alpha_3=seen[0]) is None:
        row = norm.spreadsheet_row(int(codes.eq(seen[0]).to_numpy().nonzero()[0][0]))
        raise InputError(
            f"{label} row {row}, column currency: {seen[0]!r} is not an ISO 4217 currency code."
        )
    return str(seen[0])
