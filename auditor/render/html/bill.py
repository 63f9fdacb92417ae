"""The bill beside the licenses as the HTML page shows it: figures in money, rows as text.

Read by ``templates/_statement.html``; the numbers are the report's (:mod:`auditor.bill`),
turned into money once here, so the page never does arithmetic on money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from auditor.engine.bill import BILL_COLUMNS, money_table
from auditor.model import Report
from auditor.render.html.view import records
from auditor.rules._bill import CLAIM_RULES
from auditor.text import amount

#: Bill rows inlined in the page; a statement names a few dozen products, so this is only a
#: guard against a statement of thousands of unmatched descriptions.
MAX_HTML_BILL_ROWS = 500


@dataclass(frozen=True)
class BillView:
    """The statement block and the reconciliation rows, in money."""

    monthly_overbilled: float
    recurring_billed: float
    recurring_expected: float
    difference: float
    lines: int
    lines_matched: int
    period: str
    rows: list[dict[str, object]]
    more_rows: int
    #: With a history: the previous run's date and the credits obtained since then.
    previous_as_of: dt.date | None
    realised_credit: float | None
    #: Open over-billing claims first seen in an earlier audit: unresolved, with their age.
    unresolved: list[dict[str, object]]


def bill_view(report: Report) -> BillView | None:
    """What the page's bill section shows; None when no statement was given."""
    totals = report.statement
    if totals is None:
        return None
    table = money_table(report.bill)
    rows = records(table.head(MAX_HTML_BILL_ROWS), BILL_COLUMNS)
    given = [d.isoformat() for d in (totals.period_start, totals.period_end) if d is not None]
    period = " to ".join(given) if given else "not given"
    return BillView(
        monthly_overbilled=amount(report.summary.monthly_overbilled_cents) or 0.0,
        recurring_billed=amount(totals.recurring_billed) or 0.0,
        recurring_expected=amount(totals.recurring_expected) or 0.0,
        difference=amount(totals.difference) or 0.0,
        lines=totals.lines,
        lines_matched=totals.lines_matched,
        period=period,
        rows=rows,
        more_rows=max(0, len(table) - MAX_HTML_BILL_ROWS),
        previous_as_of=report.changes.previous_as_of if report.changes is not None else None,
        realised_credit=amount(report.realised_monthly_credit_cents),
        unresolved=_unresolved(report),
    )


def _unresolved(report: Report) -> list[dict[str, object]]:
    """Open claims the history saw before this audit, oldest first."""
    found = report.findings
    if "days_open" not in found or found.empty:
        return []
    days = pd.to_numeric(found.days_open, errors="coerce").fillna(0)
    claims = found[found.rule.isin(CLAIM_RULES) & ~found.suppressed.astype(bool) & days.gt(0)]
    claims = claims.assign(days_open=days[claims.index].astype(int))
    ordered = claims.sort_values(["days_open", "id"], ascending=[False, True], kind="mergesort")
    return records(ordered, ("id", "title", "monthly_cost", "first_seen", "days_open"))
