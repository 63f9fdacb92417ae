"""The contract in words and as a gate: when to file, per finding, and notice deadlines near.

Split from :mod:`auditor.terms`, which works the figures out; this module only reads them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from auditor.engine.plan import CANCELS
from auditor.engine.terms import RENEWAL
from auditor.frames import member
from auditor.snapshot.contract import DEFAULT_NOTICE_DAYS
from auditor.text import isolate, money


def timing_text(findings: pd.DataFrame, ledger: pd.DataFrame, currency: str) -> pd.DataFrame:
    """``findings`` whose seats are cancelled under a contract, with when to file appended.

    Per finding and license type (the seats of one type share their dates and figures):
    "file by 2027-02-14 to stop paying on 2027-03-16", and whether filing today is better.
    Without a contract the recommendations are left as the plan wrote them.
    """
    if "timing" not in ledger:
        return findings
    seats = ledger[ledger.waste & ledger.action.isin(CANCELS) & ledger.finding_id.notna()]
    if seats.empty:
        return findings
    first = seats.sort_values("seat_id", kind="mergesort").drop_duplicates(
        ["finding_id", "license_type"]
    )
    stop = first.effective_date.map(_iso)
    by = first.notice_by.map(_iso)
    fee = money(first.buyout_fee_cents.astype("Int64"), currency)
    now = money(first.saving_now_cents.astype("Int64"), currency)
    later = money(first.saving_at_renewal_cents.astype("Int64"), currency)
    no_fee = first.buyout_fee_cents.fillna(-1).eq(0)
    kind = isolate(first.license_type.astype(str))
    wait = (
        " For each "
        + kind
        + " seat: file by "
        + by
        + " to stop paying on "
        + stop
        + " with no buy-out fee; filing today instead costs a buy-out fee of "
        + fee
        + ". Up to a full term after "
        + stop
        + ", waiting saves "
        + later
        + " a seat and filing today "
        + now
        + "."
    )
    today = (
        " For each "
        + kind
        + " seat: file today, even with a buy-out fee of "
        + fee
        + ": up to a full term after the renewal on "
        + stop
        + ", that saves "
        + now
        + " a seat against "
        + later
        + " by filing by "
        + by
        + "."
    )
    free = " For each " + kind + " seat: no term holds it; billing stops on " + stop + "."
    clause = wait.where(first.timing.eq(RENEWAL), today.where(~no_fee, free))
    per_finding = clause.groupby(first.finding_id.to_numpy()).agg("".join)
    out = findings.copy()
    mine = member(out.id, per_finding.index)
    # the plan's sentence says 30 days' notice; a finding whose seats all need another
    # notice under the contract says theirs
    days = pd.Series(
        [(a - b).days for a, b in zip(first.effective_date, first.notice_by, strict=True)],
        index=first.index,
    )
    notice = days.groupby(first.finding_id.to_numpy()).agg(["min", "max"])
    other = notice[notice["min"].eq(notice["max"]) & notice["min"].ne(DEFAULT_NOTICE_DAYS)]
    for finding_id, n in other["min"].items():
        at = out.id.eq(str(finding_id))
        out.loc[at, "recommendation"] = out.recommendation[at].str.replace(
            f"{DEFAULT_NOTICE_DAYS} days' notice", f"{n} days' notice", regex=False
        )
    out.loc[mine, "recommendation"] = (
        out.recommendation[mine].astype(str) + out.id[mine].map(per_finding)
    ).to_numpy()
    return out


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else "an unknown date"


def deadline_gate(renewal_table: pd.DataFrame, as_of: dt.date, days: int) -> list[str]:
    """Types whose notice deadline, with money on it, is within ``days`` of ``as_of``.

    Money on it: seats to stop whose saving is not zero (an unknown price counts: it is not
    known to be nothing). A type without a term has no deadline.
    """
    reasons = []
    for row in renewal_table.to_dict("records"):
        stop, notice_by = row["renewal_date"], row["notice_by"]
        if not isinstance(stop, dt.date) or not isinstance(notice_by, dt.date):
            continue
        seats = int(row["seats_to_cancel"])
        left = (notice_by - as_of).days
        saving = row["monthly_saving_cents"]
        if seats and 0 <= left <= days and (pd.isna(saving) or saving != 0):
            reasons.append(
                f"the notice deadline for {row['license_type']} is {notice_by.isoformat()}, "
                f"{left} day(s) away, with {seats} seat(s) to stop by the renewal on "
                f"{stop.isoformat()} (--fail-before-notice {days})."
            )
    return reasons
