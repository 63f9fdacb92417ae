"""When each cancellation pays: the contract's renewal, notice and buy-out on the plan's seats.

A cancellation filed today takes effect after the notice period; inside a term that can cost
a buy-out fee. Waiting for the renewal costs no fee but keeps paying until then. For each
``cancel`` / ``reclaim-then-cancel`` seat of the ledger this module sets:

- ``effective_date``: the first day the seat stops being billed **without a fee**: the next
  renewal whose notice deadline has not passed (a term that renews by itself rolls forward a
  term at a time), or today plus the notice when there is no term or no buy-out;
- ``notice_by``: the last day to file for that, ``effective_date`` minus the notice days;
- ``buyout_fee_cents``: the fee if the request is filed today instead: the price for each
  month billed between today plus the notice and ``effective_date`` (``remaining-months``),
  or the fixed fee per seat; 0 when ``effective_date`` is already the earliest date;
- ``saving_now_cents`` and ``saving_at_renewal_cents``: the net saving over one same span, from
  today to a full term after ``effective_date``, of filing today (fee paid) or by
  ``notice_by``: they differ by exactly the months billed in between less the fee, so the
  better one is the one to do (``timing``: ``now`` or ``renewal``; equal: ``renewal``, which
  pays no fee). Without a contract the span is twelve months and both are the same.

Prices may be unknown: the figures that need one are then unknown too (NA), never zero, and
the timing is ``renewal`` (paying a fee for an unknown saving is no advice).
A contract has a handful of rows, so the work is per (type, price), merged onto the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import pandas as pd

from auditor.engine.plan import CANCELS
from auditor.frames import member
from auditor.model import Bridge
from auditor.snapshot.contract import (
    ALL_TYPES,
    BUYOUT_FIXED,
    BUYOUT_NONE,
    BUYOUT_REMAINING,
    DEFAULT_NOTICE_DAYS,
    DEFAULT_TERM_MONTHS,
    add_months,
    months_billed,
)
from auditor.vocab import stored

#: Columns the contract adds to every ledger row (empty on rows that are not cancelled), by
#: the names the reports show: the ledger holds each of :data:`TERM_MONEY_COLUMNS` in cents,
#: as ``<name>_cents`` (:func:`auditor.vocab.stored`).
TERM_COLUMNS: Final = (
    "effective_date",
    "notice_by",
    "buyout_fee",
    "saving_now",
    "saving_at_renewal",
    "timing",
)

#: Columns the contract and the spare allowance add to the ledger as the reports write it:
#: after ``LEDGER_COLUMNS``, in this order; the money ones are cents in the engine.
LEDGER_TERM_COLUMNS: Final = ("keep_reason", *TERM_COLUMNS)
TERM_MONEY_COLUMNS: Final = frozenset({"buyout_fee", "saving_now", "saving_at_renewal"})
TERM_DATE_COLUMNS: Final = frozenset({"effective_date", "notice_by"})

NOW: Final = "now"
RENEWAL: Final = "renewal"

#: Columns of ``Report.renewals``: the renewal calendar, one row per license type with seats
#: to cancel. seats_to_cancel = cancel_now + cancel_at_renewal.
RENEWAL_COLUMNS: Final = (
    "license_type",
    "renewal_date",
    "notice_by",
    "notice_days",
    "auto_renew",
    "buyout",
    "seats_to_cancel",
    "cancel_now",
    "cancel_at_renewal",
    "monthly_saving",
    "annual_saving",
    "buyout_fees",
)


def timed(ledger: pd.DataFrame, contract: pd.DataFrame | None, as_of: dt.date) -> pd.DataFrame:
    """``ledger`` with :data:`TERM_COLUMNS` set on its cancelled rows (see the module doc)."""
    out = ledger.assign(
        effective_date=None,
        notice_by=None,
        buyout_fee_cents=pd.array([pd.NA] * len(ledger), dtype="Int64"),
        saving_now_cents=pd.array([pd.NA] * len(ledger), dtype="Int64"),
        saving_at_renewal_cents=pd.array([pd.NA] * len(ledger), dtype="Int64"),
        timing=None,
    )
    if "action" not in ledger:
        return out
    cancels = ledger.action.isin(CANCELS)
    if not cancels.any():
        return out
    seats = ledger.loc[cancels, ["license_type", "price_cents"]]
    keys = seats.drop_duplicates()
    figures = pd.DataFrame(
        [
            _figures(_term(contract, str(t)), None if pd.isna(p) else int(p), as_of)
            for t, p in keys.itertuples(index=False)
        ],
        index=pd.MultiIndex.from_frame(keys.astype(object)),
    )
    where = pd.MultiIndex.from_frame(seats.astype(object))
    per_seat = figures.reindex(where)
    mask = cancels.to_numpy()
    for column in TERM_COLUMNS:
        full = np.full(len(ledger), None, dtype=object)
        full[mask] = per_seat[column].to_numpy(dtype=object)
        if column in TERM_MONEY_COLUMNS:
            numbers = pd.to_numeric(pd.Series(full, index=ledger.index), errors="coerce")
            out[f"{column}_cents"] = numbers.round().astype("Int64")
        else:
            out[column] = full
    return out


@dataclass(frozen=True)
class Term:
    """One contract row, typed: what :func:`renewal` and the figures read."""

    end: dt.date | None
    months: int
    notice_days: int
    auto_renew: bool
    buyout: str
    fee_cents: int | None


def _term(contract: pd.DataFrame | None, license_type: str) -> Term | None:
    """The contract row for ``license_type``, else the ``*`` row, else None (no contract)."""
    if contract is None or contract.empty:
        return None
    for name in (license_type, ALL_TYPES):
        found = contract[contract.license_type.eq(name)]
        if len(found):
            row = found.to_dict("records")[0]
            end = row["term_end"]
            fee = row["buyout_fee_cents"]
            return Term(
                end=end if isinstance(end, dt.date) else None,
                months=int(row["term_months"]),
                notice_days=int(row["notice_days"]),
                auto_renew=bool(row["auto_renew"]),
                buyout=str(row["buyout"]),
                fee_cents=None if pd.isna(fee) else int(fee),
            )
    return None


def renewal(term: Term | None, as_of: dt.date) -> tuple[dt.date | None, int]:
    """The fee-free stop date of ``term`` from ``as_of`` (None: no term) and its notice days.

    A term that renews by itself rolls forward until its notice deadline is not past; one
    that does not renew ends at its end, after which the seat stops after the notice alone.
    """
    if term is None:
        return None, DEFAULT_NOTICE_DAYS
    notice = term.notice_days
    if term.end is None:
        return None, notice
    end = term.end
    if term.auto_renew:
        steps = 0
        while end - dt.timedelta(days=notice) < as_of:
            steps += 1
            end = add_months(term.end, term.months * steps)
        return end, notice
    return max(end, as_of + dt.timedelta(days=notice)), notice


def _figures(term: Term | None, price: int | None, as_of: dt.date) -> dict[str, object]:
    """One (type, price)'s dates, fee and savings: what every seat of it gets."""
    stop_free, notice = renewal(term, as_of)
    earliest = as_of + dt.timedelta(days=notice)
    rule = BUYOUT_NONE if term is None else term.buyout
    if stop_free is None or rule == BUYOUT_NONE or stop_free <= earliest:
        stop_free = earliest
    months = DEFAULT_TERM_MONTHS if term is None else term.months
    early = months_billed(earliest, stop_free)  # months filing now stops billing sooner
    fee: int | None = 0
    if early and rule == BUYOUT_REMAINING:
        fee = None if price is None else early * price
    elif early and rule == BUYOUT_FIXED and term is not None:
        fee = term.fee_cents
    later = None if price is None else months * price
    now = None if price is None or fee is None else (early + months) * price - fee
    better_now = early == 0 or (now is not None and later is not None and now > later)
    return {
        "effective_date": stop_free,
        "notice_by": stop_free - dt.timedelta(days=notice),
        "buyout_fee": fee,
        "saving_now": now,
        "saving_at_renewal": later,
        "timing": NOW if better_now else RENEWAL,
    }


def with_notice(table: pd.DataFrame, contract: pd.DataFrame | None, as_of: dt.date) -> pd.DataFrame:
    """The Cancellation table with ``notice_effective`` from each type's own notice days.

    A request filed on the audit date stops billing after the contract's notice (30 days
    without one); whether that costs a buy-out fee is the Renewals table's business.
    """
    if contract is None or table.empty:
        return table
    notice = table.license_type.map(lambda t: renewal(_term(contract, str(t)), as_of)[1])
    return table.assign(notice_effective=[as_of + dt.timedelta(days=int(n)) for n in notice])


def split(bridge: Bridge, ledger: pd.DataFrame, open_ids: set[str], *, contract: bool) -> Bridge:
    """``bridge`` with its saving split by timing, the fees of filing now, and the spares.

    saving_now + saving_at_renewal = the gross monthly saving; ``buyout_fees`` is what the
    seats to cancel now cost once.
    """
    cents = ledger.price_cents.fillna(0).astype("int64")
    cancels = ledger.waste & ledger.action.isin(CANCELS)
    cancels &= member(ledger.finding_id.fillna(""), open_ids)
    timing = ledger.timing if "timing" in ledger else pd.Series(NOW, index=ledger.index)
    now = cancels & timing.eq(NOW)
    fees = (
        ledger.buyout_fee_cents
        if "buyout_fee_cents" in ledger
        else pd.Series(0, index=ledger.index)
    )
    spare = spare_rows(ledger)
    return replace(
        bridge,
        saving_now=int(cents[now].sum()),
        saving_at_renewal=int(cents[cancels & ~now].sum()),
        buyout_fees=int(fees[now].fillna(0).astype("int64").sum()),
        spares=int(cents[spare].sum()),
        spare_seats=int(spare.sum()),
        contract_given=contract,
    )


def spare_rows(ledger: pd.DataFrame) -> pd.Series:
    """The ledger rows a spare allowance keeps (see :mod:`auditor.spares`)."""
    if "keep_reason" not in ledger:
        return pd.Series(False, index=ledger.index)
    return ledger.keep_reason.eq("spare allowance").fillna(False).astype(bool)


def renewals(ledger: pd.DataFrame, contract: pd.DataFrame | None, as_of: dt.date) -> pd.DataFrame:
    """The renewal calendar: per license type with seats to cancel, when and what by then."""
    cancels = ledger[ledger.waste & ledger.action.isin(CANCELS)] if "timing" in ledger else None
    if cancels is None or cancels.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in stored(RENEWAL_COLUMNS)})
    rows = []
    for name, seats in cancels.groupby("license_type", sort=False):
        term = _term(contract, str(name))
        stop, notice = renewal(term, as_of)
        now = seats.timing.eq(NOW)
        price = seats.price_cents
        saving = None if price.isna().any() else int(price.sum())
        fees = seats.buyout_fee_cents[now]
        rows.append(
            {
                "license_type": name,
                "renewal_date": stop,
                "notice_by": None if stop is None else stop - dt.timedelta(days=notice),
                "notice_days": notice,
                "auto_renew": None if term is None else term.auto_renew,
                "buyout": _rule_text(term),
                "seats_to_cancel": len(seats),
                "cancel_now": int(now.sum()),
                "cancel_at_renewal": int((~now).sum()),
                "monthly_saving_cents": saving,
                "annual_saving_cents": None if saving is None else saving * 12,
                "buyout_fees_cents": None if fees.isna().any() else int(fees.sum()),
            }
        )
    table = pd.DataFrame(rows, columns=stored(RENEWAL_COLUMNS))
    for column in ("monthly_saving_cents", "annual_saving_cents", "buyout_fees_cents"):
        table[column] = table[column].astype("Int64")  # NA, not NaN, where a price is unknown
    order = table.assign(_key=table.license_type.str.casefold(), _date=table.notice_by.isna())
    order = order.sort_values(["_date", "notice_by", "_key"], kind="mergesort", na_position="last")
    return order.loc[:, stored(RENEWAL_COLUMNS)].reset_index(drop=True)


def _rule_text(term: Term | None) -> str:
    if term is None:
        return "no contract"
    if term.buyout == BUYOUT_FIXED and term.fee_cents is not None:
        return f"fixed fee {term.fee_cents / 100:.2f} per seat"
    return term.buyout


__all__ = [
    "LEDGER_TERM_COLUMNS",
    "RENEWAL_COLUMNS",
    "TERM_COLUMNS",
    "TERM_DATE_COLUMNS",
    "TERM_MONEY_COLUMNS",
    "renewal",
    "renewals",
    "spare_rows",
    "split",
    "timed",
    "with_notice",
]
