"""Turn the many spellings real exports use into one canonical value per column.

Each function works on a whole column (a pandas Series) at once and maps only the distinct
values through Python, so a million users cost no more than their few hundred distinct
spellings. Values that cannot be understood raise :class:`InputError` naming the file, the
row (as a spreadsheet shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from auditor.errors import InputError

_SPACES = re.compile(r"\s+")

#: Status words accepted in users.csv, case-insensitively.
USER_STATUS: Mapping[str, bool] = {
    "active": True,
    "enabled": True,
    "true": True,
    "yes": True,
    "1": True,
    "inactive": False,
    "deactivated": False,
    "disabled": False,
    "false": False,
    "no": False,
    "0": False,
}

#: Status words accepted in a per-license licenses.csv, case-insensitively.
LICENSE_STATUS: Mapping[str, str] = {
    "assigned": "ASSIGNED",
    "in use": "ASSIGNED",
    "unassigned": "UNASSIGNED",
    "available": "UNASSIGNED",
    "free": "UNASSIGNED",
    "suspended": "SUSPENDED",
}

#: Common names pycountry does not know as lookups (it does know US, USA, United States).
_COUNTRY_EXTRA = {"uk": "GB", "great britain": "GB", "england": "GB", "america": "US"}


def key(values: pd.Series) -> pd.Series:
    """Casefolded, whitespace-collapsed text: how names are compared (license types, sites).

    Computed once per distinct value: these columns repeat a handful of names (statuses,
    sites, license types) across every user.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keyed = np.array([text_key(str(v)) for v in uniques], dtype=object)
    return pd.Series(keyed[codes] if len(keyed) else keyed, index=values.index, dtype=object)


def text_key(value: str) -> str:
    """The scalar twin of :func:`key`, for building lookup tables."""
    return _SPACES.sub(" ", value.strip()).casefold()


def folded(value: str) -> str:
    """:func:`text_key` without accents: how place names compare (Québec = Quebec = QC)."""
    decomposed = unicodedata.normalize("NFKD", text_key(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spreadsheet_row(index: int) -> int:
    """Row number a person sees in a spreadsheet for a 0-based data row (header is row 1)."""
    return int(index) + 2


def _first_bad(mask: pd.Series) -> int:
    return spreadsheet_row(int(mask.to_numpy().nonzero()[0][0]))


def require_nonblank(values: pd.Series, file: str, column: str) -> None:
    """Raise if any cell of a required column is empty."""
    blank = values.eq("")
    if blank.any():
        raise InputError(f"{file} row {_first_bad(blank)}, column {column}: the value is empty.")


def require_rows(table: pd.DataFrame, file: str, what: str) -> None:
    """Raise when a file that must list something has a header and nothing under it."""
    if table.empty:
        raise InputError(f"{file} has a header but no {what} rows.")


def require_unique(values: pd.Series, file: str, column: str) -> None:
    """Raise on the first value that appears twice (ids must identify one row)."""
    dup = values.duplicated(keep="first")
    if dup.any():
        row = _first_bad(dup)
        raise InputError(
            f"{file} row {row}, column {column}: {values[dup].iloc[0]!r} appears twice; "
            "each must be unique."
        )


def parse_choice(
    values: pd.Series, choices: Mapping[str, object], file: str, column: str
) -> pd.Series:
    """Map each cell through ``choices`` (case-insensitive keys); raise on the first unknown."""
    mapped = key(values).map(choices)
    bad = mapped.isna()
    if bad.any():
        row = _first_bad(bad)
        accepted = ", ".join(sorted({k for k in choices if not k.isdigit()}))
        raise InputError(
            f"{file} row {row}, column {column}: {values[bad].iloc[0]!r} is not a known "
            f"status (expected one of: {accepted})."
        )
    return mapped


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_dates(values: pd.Series, file: str, column: str) -> pd.Series:
    """ISO 8601 dates or date-times to calendar dates (datetime64, NaT when empty).

    The calendar date is the one written in the cell, in the cell's own offset: a user
    deactivated at 23:30 local time was deactivated that day, not the next day in UTC.
    """
    present = values.ne("")
    parsed = pd.to_datetime(values.where(present), format="ISO8601", utc=True, errors="coerce")
    dated = values.str.match(_ISO_DATE)
    bad = present & (parsed.isna() | ~dated)
    if bad.any():
        raise InputError(
            f"{file} row {_first_bad(bad)}, column {column}: {values[bad].iloc[0]!r} is not "
            "an ISO 8601 date (expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)."
        )
    day = pd.to_datetime(values.str.slice(0, 10).where(present), format="%Y-%m-%d")
    return day.astype("datetime64[s]")


_PLAIN = re.compile(r"^\d+(\.\d{1,2})?$")
# Thousands groups count only when they cannot be read as decimals: "1,234.50", "1,234,567"
# and "1.234,50" are clear; "1,234" and "24.999" could be either and are refused.
_US_GROUPS = re.compile(r"^\d{1,3}((,\d{3})+\.\d{1,2}|(,\d{3}){2,})$")
_EU_GROUPS = re.compile(r"^\d{1,3}((\.\d{3})+,\d{1,2}|(\.\d{3}){2,})$")
_COMMA_DECIMAL = re.compile(r"^\d+,\d{1,2}$")  # 34,50
_SYMBOLS = re.compile(r"^[A-Za-z]{3}(?=[\s\d])|[A-Za-z]{3}$|[$€£¥]|[\s\u00a0']")


def price_text_to_cents(text: str) -> int | None:
    """One price as written in a spreadsheet to cents, or None when it is not a price.

    Accepts currency symbols and codes (``$24.00``, ``USD 24``), thousands separators
    (``1,200.50``, ``1.200,50``, ``1 200,50``) and comma decimals (``34,50``); refuses
    more than two decimals, anything negative and ambiguous groupings (``1,234``) rather
    than guess.
    """
    bare = _SYMBOLS.sub("", text.strip())
    if _PLAIN.match(bare):
        number = bare
    elif _US_GROUPS.match(bare):
        number = bare.replace(",", "")
    elif _EU_GROUPS.match(bare):
        number = bare.replace(".", "").replace(",", ".")
    elif _COMMA_DECIMAL.match(bare):
        number = bare.replace(",", ".")
    else:
        return None
    whole, _, cents = number.partition(".")
    return int(whole) * 100 + int(cents.ljust(2, "0"))


#: Currency symbols a price may carry, and the ISO 4217 codes each can stand for.
_SYMBOL_CURRENCIES: dict[str, frozenset[str]] = {
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}),
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "¥": frozenset({"JPY", "CNY"}),
}
_PRICE_CODE = re.compile(r"^\s*([A-Za-z]{3})(?=[\s\d])|([A-Za-z]{3})\s*$")


def price_currencies(text: str) -> frozenset[str] | None:
    """The currencies a price's own symbol or code allows (``€24`` -> EUR), None if it has none.

    ``$`` is several currencies' symbol, so it agrees with any of them; a code names one.
    """
    found = _PRICE_CODE.search(text)
    if found:
        return frozenset({(found.group(1) or found.group(2)).upper()})
    for symbol, codes in _SYMBOL_CURRENCIES.items():
        if symbol in text:
            return codes
    return None


def parse_cents(values: pd.Series, file: str, column: str) -> pd.Series:
    """Prices to integer cents (nullable: an empty cell is an unknown price, never zero).

    Money stays integer cents through the pipeline so sums are exact at any size; a price
    with fractions of a cent is refused rather than rounded behind the user's back.
    """
    present = values.str.strip().ne("")
    table = {v: price_text_to_cents(v) for v in values[present].unique()}
    cents = values.map(table).where(present)
    bad = present & cents.isna()
    if bad.any():
        raise InputError(
            f"{file} row {_first_bad(bad)}, column {column}: {values[bad].iloc[0]!r} is not a "
            "price (expected a non-negative amount with at most 2 decimals, like 24.00 or "
            "24,00; write thousands without separators)."
        )
    return cents.astype("Int64")


def parse_count(values: pd.Series, file: str, column: str, *, default: int | None) -> pd.Series:
    """Non-negative whole counts (pool totals); an empty cell takes ``default`` or is an error."""
    cleaned = values.str.strip()
    if default is not None:
        cleaned = cleaned.replace("", str(default))
    bad = ~cleaned.str.fullmatch(r"\d+")
    if bad.any():
        raise InputError(
            f"{file} row {_first_bad(bad)}, column {column}: {values[bad].iloc[0]!r} is not a "
            "whole number of licenses."
        )
    return pd.to_numeric(cleaned).astype("int64")


@functools.cache
def country_code(value: str) -> str | None:
    """ISO 3166 alpha-2 for a country written as a code, a name or a common alias."""
    text = value.strip()
    if not text:
        return None
    if text.casefold() in _COUNTRY_EXTRA:
        return _COUNTRY_EXTRA[text.casefold()]
    for candidate in dict.fromkeys((text, folded(text))):
        try:
            return str(pycountry.countries.lookup(candidate).alpha_2)
        except LookupError:
            continue
    return None


def parse_countries(values: pd.Series, file: str, column: str, *, allow_blank: bool) -> pd.Series:
    """A column of countries to ISO alpha-2 (``US``, ``USA`` and ``United States`` are one)."""
    uniques = values.unique()
    table = {v: country_code(v) for v in uniques}
    codes = values.map(table)
    present = values.str.strip().ne("")
    bad = present & codes.isna()
    if bad.any():
        raise InputError(
            f"{file} row {_first_bad(bad)}, column {column}: {values[bad].iloc[0]!r} is not a "
            "country (expected an ISO code such as US or a name such as United States)."
        )
    if not allow_blank and (~present).any():
        require_nonblank(values.where(present, ""), file, column)
    return codes


@functools.cache
def _subdivisions(country: str) -> Mapping[str, str]:
    """Lookup of a country's subdivision codes and names to the code's local part (CA, TX)."""
    table: dict[str, str] = {}
    found: list[Any] = pycountry.subdivisions.get(country_code=country) or []  # type: ignore[no-untyped-call]
    for sub in found:
        local = str(sub.code).split("-", 1)[1]
        table[local.casefold()] = local
        table[folded(str(sub.name))] = local
    return table


def state_code(state: str, country: str | None) -> str | None:
    """USPS-style code for a state in a country (``California``/``ca``/``CA`` → ``CA``).

    Returns None when the state is not one of the country's subdivisions; the caller
    decides whether that is a warning or an error.
    """
    text = folded(state)
    if not text:
        return None
    if country is None:
        return _subdivisions("US").get(text)
    return _subdivisions(country).get(text)


def parse_states(
    states: pd.Series, countries: pd.Series, file: str, column: str
) -> tuple[pd.Series, list[str]]:
    """Normalise states per country; unknown ones are kept as upper-case text, with a warning.

    Returns the codes (NA where blank) and the warnings to show in the report: a state the
    library does not know still compares as text, so the audit goes on but says so.
    """
    pairs = pd.DataFrame({"s": states.str.strip(), "c": countries})
    uniq = pairs.drop_duplicates()
    warnings: list[str] = []
    lookup: dict[tuple[str, object], object] = {}
    for s, c in uniq.itertuples(index=False):
        if not s:
            lookup[(s, c)] = pd.NA
            continue
        country = None if pd.isna(c) else str(c)
        code = state_code(s, country)
        if code is None:
            code = s.upper()
            first = pairs.index[(pairs.s == s) & (pairs.c.isna() if pd.isna(c) else pairs.c == c)]
            warnings.append(
                f"{file} row {spreadsheet_row(first[0])}, column {column}: {s!r} is not a known "
                f"state{'' if country is None else ' of ' + country}; compared as written."
            )
        lookup[(s, c)] = code
    index = pd.MultiIndex.from_frame(pairs)
    codes = pd.Series(index.map(lookup), index=states.index, dtype="object")
    return codes, warnings
