"""contract.csv: the terms a saving depends on, per license type or ``*`` for all of them.

8x8 service is sold on terms that renew by themselves; a partial cancellation needs notice,
and one that takes effect inside the term can carry a buy-out fee. So a saving is only real
once the plan knows, per type: when the term ends (``term_end``, or ``term_start`` plus
``term_months``), how many days' notice a cancellation needs (default 30), whether the term
renews by itself (default yes), and the buy-out rule (``none``, ``remaining-months`` = the
price for each month left in the term, or a fixed fee per seat). ``spares`` is the number of
unassigned seats of the type the tenant keeps on purpose.

The file is small (a row per type), so it is read row by row; a bad cell is one sentence
naming the file, the row and the column, like every other input.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Final

import pandas as pd

from auditor.errors import InputError
from auditor.snapshot import normalize as norm
from auditor.snapshot.catalogue import Catalogue
from auditor.snapshot.csvio import Column, TableSpec, read_table

#: The row that applies to every license type without a row of its own.
ALL_TYPES: Final = "*"
DEFAULT_NOTICE_DAYS: Final = 30
#: 8x8 terms are sold in years; a term given only by its end renews for this long.
DEFAULT_TERM_MONTHS: Final = 12

#: The buy-out rules, as ``buyout`` holds them after loading.
BUYOUT_NONE: Final = "none"
BUYOUT_REMAINING: Final = "remaining-months"
BUYOUT_FIXED: Final = "fixed"

CONTRACT = TableSpec(
    "contract.csv",
    (
        Column(
            "license_type", ("License type", "Type", "License", "Product", "SKU"), required=True
        ),
        Column("term_start", ("Start", "Start date", "Term start date", "Contract start")),
        Column(
            "term_end",
            (
                "End",
                "End date",
                "Term end date",
                "Renewal",
                "Renewal date",
                "Renews on",
                "Next renewal",
                "Contract end",
            ),
        ),
        Column("term_months", ("Term", "Term length", "Months", "Term length months")),
        Column("notice_days", ("Notice", "Notice period", "Notice period days")),
        Column("auto_renew", ("Autorenew", "Auto renewal", "Renews", "Automatic renewal")),
        Column("buyout", ("Buy-out", "Buyout rule", "Buy-out rule", "Early termination fee")),
        Column("spares", ("Keep spares", "Spare seats", "Spare allowance")),
    ),
)

#: Columns of the loaded contract table (``Snapshot.contract``).
CONTRACT_COLUMNS: Final = (
    "license_type",
    "term_start",
    "term_end",
    "term_months",
    "notice_days",
    "auto_renew",
    "buyout",
    "buyout_fee_cents",
    "spares",
)

_YES: Final = frozenset({"yes", "y", "true", "1", "auto", "on"})
_NO: Final = frozenset({"no", "n", "false", "0", "off"})
_NOISE: Final = re.compile(r"[\s_\-]+")


def load_contract(path: Path, catalogue: Catalogue, known_types: pd.Series) -> pd.DataFrame:
    """The contract's rows, one per license type (canonical spelling) or ``*``.

    ``known_types``: every type the snapshot has, so a row naming none of them is refused
    (a typo would otherwise leave a renewal silently unapplied).
    """
    label = str(path)
    table = read_table(path, CONTRACT, label)
    norm.require_rows(table, label, "contract")
    for column in CONTRACT.columns:
        if column.name not in table:
            table[column.name] = ""
    norm.require_nonblank(table.license_type, label, "license_type")
    names = _types(table.license_type, catalogue, known_types, label)
    norm.require_unique(names, label, "license_type")
    starts = norm.parse_dates(table.term_start, label, "term_start")
    ends = norm.parse_dates(table.term_end, label, "term_end")
    rows = []
    for i in range(len(table)):
        cell = table.iloc[i]
        where = f"{label} row {norm.spreadsheet_row(i)}"
        start = _date(starts.iloc[i])
        end = _date(ends.iloc[i])
        months = _whole(cell.term_months, where, "term_months", minimum=1)
        if start is not None and end is None:
            if months is None:
                raise InputError(
                    f"{where}, column term_end: the term has a start but no end; give term_end "
                    "(the renewal date) or term_months."
                )
            end = add_months(start, months)
        if start is not None and end is not None and end <= start:
            raise InputError(f"{where}, column term_end: {end} is not after term_start {start}.")
        if months is None:
            months = _months_between(start, end) if start and end else DEFAULT_TERM_MONTHS
        rule, fee = _buyout(cell.buyout, where)
        if rule != BUYOUT_NONE and end is None:
            raise InputError(
                f"{where}, column buyout: a buy-out rule needs the term's end; give term_end "
                "(or term_start and term_months)."
            )
        notice = _whole(cell.notice_days, where, "notice_days", minimum=0)
        rows.append(
            {
                "license_type": names.iloc[i],
                "term_start": start,
                "term_end": end,
                "term_months": months,
                "notice_days": DEFAULT_NOTICE_DAYS if notice is None else notice,
                "auto_renew": _yes_no(cell.auto_renew, where),
                "buyout": rule,
                "buyout_fee_cents": fee,
                "spares": _whole(cell.spares, where, "spares", minimum=0),
            }
        )
    out = pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS))
    out["buyout_fee_cents"] = out.buyout_fee_cents.astype("Int64")
    out["spares"] = out.spares.astype("Int64")
    return out


def _types(cells: pd.Series, catalogue: Catalogue, known_types: pd.Series, label: str) -> pd.Series:
    """Each row's type in the snapshot's spelling (through prices.csv's aliases), or ``*``.

    A copy of the catalogue resolves them, so a name only the contract uses does not become a
    new license type of the tenant.
    """
    star = cells.eq(ALL_TYPES)
    resolved = copy.deepcopy(catalogue).resolve(cells.where(~star, ""))
    by_key = {norm.text_key(str(t)): str(t) for t in known_types}
    names = norm.key(resolved).map(by_key)
    unknown = ~star & names.isna()
    if unknown.any():
        row = norm.spreadsheet_row(int(unknown.to_numpy().nonzero()[0][0]))
        raise InputError(
            f"{label} row {row}, column license_type: {cells[unknown].iloc[0]!r} is no license "
            "type of this tenant (not in licenses.csv, prices.csv or users.csv); use one of "
            f"their names, or {ALL_TYPES} for all types."
        )
    return names.where(~star, ALL_TYPES).astype(str)


def _date(value: pd.Timestamp) -> dt.date | None:
    return None if pd.isna(value) else value.date()


def _whole(text: str, where: str, column: str, *, minimum: int) -> int | None:
    cell = text.strip()
    if not cell:
        return None
    if not re.fullmatch(r"\d+", cell) or int(cell) < minimum:
        raise InputError(
            f"{where}, column {column}: {text!r} is not a whole number"
            + (f" of at least {minimum}." if minimum else ".")
        )
    return int(cell)


def _yes_no(text: str, where: str) -> bool:
    cell = _NOISE.sub("", text.casefold())
    if not cell or cell in _YES:
        return True
    if cell in _NO:
        return False
    raise InputError(f"{where}, column auto_renew: {text!r} is not yes or no.")


def _buyout(text: str, where: str) -> tuple[str, int | None]:
    """``none``, ``remaining-months``, or a fixed fee per seat (``150.00``, ``fixed 150``)."""
    cell = _NOISE.sub("", text.casefold())
    if cell in ("", "none", "no", "0"):
        return BUYOUT_NONE, None
    if cell in ("remainingmonths", "remaining", "remainingterm"):
        return BUYOUT_REMAINING, None
    amount = re.sub(r"^\s*fixed\s*(fee)?\s*[:=]?\s*", "", text.strip(), flags=re.IGNORECASE)
    fee = norm.price_text_to_cents(amount)
    if fee is None:
        raise InputError(
            f"{where}, column buyout: {text!r} is not a buy-out rule (expected none, "
            "remaining-months, or a fixed fee per seat such as 150.00)."
        )
    return BUYOUT_FIXED, fee


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on, kept inside the month (Jan 31 -> Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``, a part month counting as one (at least 1)."""
    return max(1, months_billed(start, end))


def months_billed(start: dt.date, end: dt.date) -> int:
    """Monthly bills from ``start`` up to ``end``: whole months, a part month counting as one."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day > start.day:
        months += 1
    return max(0, months)
