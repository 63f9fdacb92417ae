"""Read 8x8's monthly statement (``statement.csv``) into one table of bill lines.

The statement is what 8x8 *does* bill; the license side says what it *should*. It is read
with the same forgiving rules as the snapshot's other files (header spellings, encodings,
delimiters, money written as ``$1,234.50`` or ``1.234,50``), and refused, with one sentence
naming the file, row and column, where a line cannot be understood: a bill compared with a
misread amount would claim a wrong credit. Credits and payments are negative amounts
(``-120.00``, ``(120.00)`` or ``120.00 CR``); everything stays integer cents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.snapshot import billmatch
from auditor.snapshot import normalize as norm
from auditor.snapshot.csvio import Column, TableSpec, read_table
from auditor.vocab import RECURRING

STATEMENT = TableSpec(
    "statement.csv",
    (
        Column(
            "description",
            ("Charge description", "Product", "Item", "Line item", "Charge", "Service"),
            required=True,
        ),
        Column("quantity", ("Qty", "Units", "Count"), required=True),
        Column(
            "amount",
            ("Total", "Line total", "Charge amount", "Extended amount", "Net amount", "Amount due"),
            required=True,
        ),
        Column("unit_price", ("Unit cost", "Rate", "Price", "Unit rate")),
        Column("category", ("Charge type", "Charge category", "Section", "Type")),
        Column("jurisdiction", ("Tax jurisdiction", "Jurisdiction state", "State", "Taxing state")),
        Column(
            "period_start",
            ("Period start", "Service from", "Billing period start", "From", "Start date"),
        ),
        Column("period_end", ("Period end", "Service to", "Billing period end", "To", "End date")),
        Column("cost_center", ("Cost centre", "Cost center code", "Department")),
    ),
)

#: The statement's sections, and the words a portal export or a person uses for each.
CATEGORIES: Mapping[str, str] = {
    "recurring": "recurring",
    "recurring charge": "recurring",
    "recurring charges": "recurring",
    "subscription": "recurring",
    "monthly": "recurring",
    "usage": "usage",
    "usage charges": "usage",
    "tax": "tax",
    "taxes": "tax",
    "fee": "fee",
    "fees": "fee",
    "surcharge": "fee",
    "surcharges": "fee",
    "regulatory fee": "fee",
    "taxes and fees": "tax",
    "adjustment": "adjustment",
    "adjustments": "adjustment",
    "credit": "adjustment",
    "payment": "payment",
    "payments": "payment",
}

#: Columns of the loaded statement, in order.
LINE_COLUMNS: tuple[str, ...] = (
    "row",
    "description",
    "category",
    "quantity",
    "amount_cents",
    "unit_price_cents",
    "jurisdiction",
    "jurisdiction_country",
    "jurisdiction_state",
    "period_start",
    "period_end",
    "cost_center",
    "license_type",
)

#: A minus before the number (after any symbol: ``-$24``, ``$-24``) or a trailing one.
_MINUS = re.compile(r"^([^\d]*)-|-\s*$")
_CREDIT = re.compile(r"\s*\bCR\s*$", re.IGNORECASE)
_WHOLE = re.compile(r"^\d+$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def load_statement(
    path: Path,
    names: Mapping[str, str],
    currency: str,
    countries: Iterable[str],
    label: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The statement's lines (:data:`LINE_COLUMNS`) and the warnings reading it raised.

    ``names`` are the license types' known spellings (:meth:`Catalogue.names`), ``currency``
    the price book's (a statement in another currency is refused), ``countries`` the tenant's
    (a jurisdiction such as ``CA`` is read as a state of one of them before as a country).
    """
    label = label or str(path)
    warnings: list[str] = []
    table = read_table(path, STATEMENT, label, warnings)
    norm.require_rows(table, label, "bill line")
    norm.require_nonblank(table.description, label, "description")
    for column in STATEMENT.columns:
        if column.name not in table:
            table[column.name] = ""
    category = _categories(table.category, label)
    recurring = category.eq(RECURRING)
    quantity = _quantities(table.quantity, recurring, label)
    amount = signed_cents(table.amount, currency, label, "amount")
    unit = signed_cents(table.unit_price, currency, label, "unit_price", blank_ok=True)
    start = norm.parse_dates(table.period_start, label, "period_start")
    end = norm.parse_dates(table.period_end, label, "period_end")
    backwards = start.notna() & end.notna() & end.lt(start)
    if backwards.any():
        row = norm.spreadsheet_row(int(backwards.to_numpy().nonzero()[0][0]))
        raise InputError(f"{label} row {row}, column period_end: the period ends before it starts.")
    state, country, unknown = _jurisdictions(table.jurisdiction, list(countries), label)
    warnings += unknown
    warnings += _unit_warnings(quantity, amount, unit, recurring, label)
    matched = billmatch.match(table.description, names).where(recurring, "")
    lines = pd.DataFrame(
        {
            "row": [norm.spreadsheet_row(i) for i in range(len(table))],
            "description": table.description,
            "category": category,
            "quantity": quantity,
            "amount_cents": amount.astype("int64"),
            "unit_price_cents": unit,
            "jurisdiction": table.jurisdiction,
            "jurisdiction_country": country,
            "jurisdiction_state": state,
            "period_start": start,
            "period_end": end,
            "cost_center": table.cost_center,
            "license_type": matched,
        }
    )
    return lines.loc[:, list(LINE_COLUMNS)], warnings


def signed_cents(
    values: pd.Series, currency: str, file: str, column: str, *, blank_ok: bool = False
) -> pd.Series:
    """Money that may be negative (a credit) to integer cents, in the price book's currency.

    A leading minus, parentheses or a trailing ``CR`` make an amount negative. A symbol or
    code in the cell (``€``, ``GBP``) must agree with ``currency``: a bill in another
    currency than the price book cannot be compared with it.
    """
    out: list[int | None] = []
    for i, text in enumerate(values):
        if not text.strip():
            if not blank_ok:
                norm.require_nonblank(values, file, column)
            out.append(None)
            continue
        negative, bare = _sign(text)
        cents = norm.price_text_to_cents(bare)
        if cents is None:
            raise InputError(
                f"{file} row {norm.spreadsheet_row(i)}, column {column}: {text!r} is not an "
                "amount (expected money with at most 2 decimals, like 24.00, -24.00 or (24.00))."
            )
        codes = norm.price_currencies(text)
        if codes is not None and currency not in codes:
            raise InputError(
                f"{file} row {norm.spreadsheet_row(i)}, column {column}: {text!r} is written in "
                f"{'/'.join(sorted(codes))}, but the price book's currency is {currency}; the "
                "bill cannot be compared with it."
            )
        out.append(-cents if negative else cents)
    return pd.Series(out, index=values.index, dtype="Int64")


def _sign(text: str) -> tuple[bool, str]:
    """Whether an amount is negative, and its text without the sign."""
    bare = text.strip().replace("\u2212", "-")
    if bare.startswith("(") and bare.endswith(")"):
        return True, bare[1:-1]
    if _CREDIT.search(bare):
        return True, _CREDIT.sub("", bare)
    if bare.count("-") == 1 and _MINUS.search(bare):
        return True, _MINUS.sub(lambda m: m.group(1) or "", bare)
    return False, bare


def _categories(values: pd.Series, file: str) -> pd.Series:
    keys = norm.key(values.replace("", RECURRING))
    mapped = keys.map(CATEGORIES)
    bad = mapped.isna()
    if bad.any():
        row = norm.spreadsheet_row(int(bad.to_numpy().nonzero()[0][0]))
        accepted = ", ".join(sorted(set(CATEGORIES.values())))
        raise InputError(
            f"{file} row {row}, column category: {values[bad].iloc[0]!r} is not a statement "
            f"section (expected one of: {accepted})."
        )
    return mapped.astype(str)


def _quantities(values: pd.Series, recurring: pd.Series, file: str) -> pd.Series:
    """Whole license counts on recurring lines; other lines' quantities (minutes, a rate
    base) are not compared and only need to be numbers when given."""
    text = values.str.strip()
    bad_recurring = recurring & ~text.str.match(_WHOLE)
    bad_other = ~recurring & text.ne("") & ~text.str.match(_NUMBER)
    bad = bad_recurring | bad_other
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        expected = (
            "a whole number of licenses on a recurring line"
            if bool(recurring.iloc[i])
            else "a number"
        )
        raise InputError(
            f"{file} row {norm.spreadsheet_row(i)}, column quantity: {values.iloc[i]!r} is not "
            f"{expected}."
        )
    whole = text.where(recurring & text.ne(""))
    return pd.to_numeric(whole).astype("Int64")


def _jurisdictions(
    values: pd.Series, countries: list[str], file: str
) -> tuple[pd.Series, pd.Series, list[str]]:
    """(state code, country code) per line: a state of one of the tenant's countries first
    (``CA`` is California for a US tenant), else a country; unknown text compares as written,
    with a warning."""
    warnings: list[str] = []
    lookup: dict[str, tuple[object, object]] = {}
    for i, raw in enumerate(values):
        text = raw.strip()
        if text in lookup:
            continue
        if not text:
            lookup[text] = (pd.NA, pd.NA)
            continue
        for country in countries or ["US"]:
            code = norm.state_code(text, country)
            if code is not None:
                lookup[text] = (code, country)
                break
        else:
            country_code = norm.country_code(text)
            if country_code is not None:
                lookup[text] = (pd.NA, country_code)
            else:
                lookup[text] = (text.upper(), pd.NA)
                warnings.append(
                    f"{file} row {norm.spreadsheet_row(i)}, column jurisdiction: {text!r} is not "
                    "a known state or country; compared as written."
                )
    pairs = values.str.strip().map(lookup)
    states = pd.Series([p[0] for p in pairs], index=values.index, dtype=object)
    nations = pd.Series([p[1] for p in pairs], index=values.index, dtype=object)
    return states, nations, warnings


def _unit_warnings(
    quantity: pd.Series, amount: pd.Series, unit: pd.Series, recurring: pd.Series, file: str
) -> list[str]:
    """A recurring line whose unit price times quantity is not its amount: the amount is what
    is charged, so it is the one compared, and the mismatch is said."""
    given = recurring & unit.notna() & quantity.notna()
    product = (unit * quantity).where(given)
    off = given & product.ne(amount).fillna(False)
    if not off.any():
        return []
    i = int(off.to_numpy().nonzero()[0][0])
    return [
        f"{file}: {int(off.sum())} recurring line(s) have an amount that is not quantity x "
        f"unit_price (first: row {norm.spreadsheet_row(i)}); the amount is what is compared."
    ]
