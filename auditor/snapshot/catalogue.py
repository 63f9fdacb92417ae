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

from auditor.errors import InputError
from auditor.model import Kind
from auditor.snapshot import known
from auditor.snapshot import normalize as norm
from auditor.snapshot.csvio import read_table
from auditor.snapshot.tables import PRICES

_KINDS = {
    "seat": Kind.SEAT.value,
    "addon": Kind.ADDON.value,
    "add-on": Kind.ADDON.value,
    "add on": Kind.ADDON.value,
    "number": Kind.NUMBER.value,
    "did": Kind.NUMBER.value,
}

DEFAULT_CURRENCY = "USD"

#: Words in a license type's name that mark a contact-centre seat (VCC Agent, X8 (Contact
#: Center), Additional Named User): a seat for agents in a queue, never one a Contact can use.
_CONTACT_CENTRE = r"contact cent(?:er|re)|\bvcc\b|additional named user|\bagent\b"


def is_contact_centre(names: pd.Series) -> pd.Series:
    """Whether each license type name is a contact-centre seat's (by its words, or by the
    built-in catalogue's flag)."""
    text = names.astype(str)
    flagged = {n: bool((e := known.lookup(n)) and e.contact_centre) for n in text.unique()}
    return text.str.contains(_CONTACT_CENTRE, case=False, regex=True) | text.map(flagged).astype(
        bool
    )


@dataclass
class Catalogue:
    """Resolves any spelling of a license type to its canonical name; collects unknown ones.

    A name prices.csv does not know is looked up in the built-in catalogue
    (:mod:`auditor.known`): a documented 8x8 name joins the price book's row of the same
    catalogue entry (``8x8 Work X Series - X4`` is the price book's ``X4``), else it is a
    type of its own with the catalogue's kind and an unknown price. Every spelling of one
    catalogue entry is one type. A name nobody knows is a seat, with one warning.

    Mutable while a snapshot loads (unknown names are added in the order they are first
    seen, inventory before users), then frozen into the ``types`` table.
    """

    prices: pd.DataFrame
    currency: str
    warnings: list[str] = field(default_factory=list)
    #: prices.csv rows for one country: ``license_type`` (canonical), ``country``, ``price_cents``.
    country_prices: pd.DataFrame | None = None
    _names: dict[str, str] = field(default_factory=dict)
    _unknown: dict[str, str] = field(default_factory=dict)
    _spellings: dict[str, str] = field(default_factory=dict)
    #: Name key -> group key of a name prices.csv does not know (its catalogue entry's, or
    #: its own): every spelling of one group is one type.
    _group: dict[str, str] = field(default_factory=dict)
    #: Catalogue entry name -> the price book's canonical type for it.
    _by_entry: dict[str, str] = field(default_factory=dict)

    def _place(self, k: str, name: str) -> None:
        """Settle a name prices.csv does not spell: join its catalogue entry's type."""
        entry = known.lookup(name)
        if entry is not None and entry.name in self._by_entry:
            self._names[k] = self._by_entry[entry.name]
            return
        group = f"known:{entry.name}" if entry is not None else k
        self._group[k] = group
        self._unknown.setdefault(group, name)
        self._names[k] = self._unknown[group]

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
                self._place(str(k), str(n))
            canonical = keys.map(self._names)
        unknown = keys.isin(self._group.keys()) & keys.ne("")
        if unknown.any():
            seen = pd.DataFrame({"g": keys[unknown].map(self._group), "n": names[unknown]})
            seen["n"] = seen.n.str.strip()
            for g, n in seen.groupby("g").n.min().items():
                self._spellings[str(g)] = min(self._spellings.get(str(g), n), n)
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
        """Every type seen: ``license_type``, ``kind``, ``price_cents`` (NA when unknown),
        ``contact_centre`` and ``role`` (the built-in catalogue's, ``""`` when none)."""
        spelled = [self._spellings.get(k, n) for k, n in self._unknown.items()]
        entries = [known.lookup(n) for n in spelled]
        unknown = pd.DataFrame(
            {
                "license_type": spelled,
                "kind": [e.kind if e else Kind.SEAT.value for e in entries],
                "price_cents": pd.array([pd.NA] * len(self._unknown), dtype="Int64"),
            }
        )
        known_ = self.prices[["license_type", "kind", "price_cents"]]
        frames = [f for f in (known_, unknown) if len(f)]
        table = pd.concat(frames, ignore_index=True) if frames else unknown
        table["price_cents"] = table["price_cents"].astype("Int64")
        found = [known.lookup(str(n)) for n in table.license_type]
        table["contact_centre"] = [bool(e and e.contact_centre) for e in found]
        table["contact_centre"] = table.contact_centre.astype(bool) | is_contact_centre(
            table.license_type
        )
        table["role"] = [e.role if e else "" for e in found]
        return table

    def unknown_warnings(self, label: str) -> list[str]:
        """One warning per license name neither prices.csv nor the built-in catalogue knows."""
        return [
            f"License type {self._spellings.get(g, n)!r} is in neither {label} nor the "
            "built-in 8x8 catalogue, so it is counted as a seat with an unknown price; "
            f"declare it with a {label} row (license_type, monthly_price, and kind seat, "
            "addon or number)."
            for g, n in self._unknown.items()
            if not g.startswith("known:")
        ]


def load_prices(path: Path) -> Catalogue:
    """Read prices.csv into a catalogue: one currency, kinds, cents, aliases."""
    label = str(path)
    warnings: list[str] = []
    table = read_table(path, PRICES, label, warnings)
    norm.require_rows(table, label, "price")
    norm.require_nonblank(table.license_type, label, "license_type")
    keys = norm.key(table.license_type)
    country = norm.parse_countries(
        table.get("country", pd.Series("", index=table.index)), label, "country", allow_blank=True
    )
    if "country" in table:  # 8x8 prices per country: one row per type and country
        norm.require_unique(keys + " in " + country.fillna("any country"), label, "license_type")
    else:
        norm.require_unique(keys, label, "license_type")
    cents = norm.parse_cents(table.monthly_price, label, "monthly_price")
    if cents.isna().any():
        norm.require_nonblank(table.monthly_price, label, "monthly_price")
    # A blank kind is the built-in catalogue's word on the name, else a seat.
    documented = pd.Series(
        [(e.kind if (e := known.lookup(n)) else Kind.SEAT.value) for n in table.license_type],
        index=table.index,
        dtype=object,
    )
    kind = (
        norm.parse_choice(table.kind.where(table.kind.ne(""), documented), _KINDS, label, "kind")
        if "kind" in table
        else documented
    )
    every = pd.DataFrame(
        {"license_type": table.license_type, "kind": kind.astype(str), "price_cents": cents}
    )
    # The type's own row is the one for any country, else its first; the country rows win
    # on ledger rows of their country.
    general = every.assign(_local=country.notna().to_numpy(), _key=keys)
    general = general.sort_values("_local", kind="mergesort").drop_duplicates("_key")
    prices = general.sort_index()[["license_type", "kind", "price_cents"]]
    local = country.notna()
    spelled = dict(zip(general._key, general.license_type, strict=True))
    country_prices = pd.DataFrame(
        {
            "license_type": keys[local].map(spelled),
            "country": country[local].astype(str),
            "price_cents": cents[local],
        }
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
    catalogue = Catalogue(
        prices=prices, currency=currency, warnings=warnings, country_prices=country_prices
    )
    catalogue._names.update(names)
    for canonical in table.license_type:
        entry = known.lookup(canonical)
        if entry is not None:
            catalogue._by_entry.setdefault(entry.name, canonical)
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
