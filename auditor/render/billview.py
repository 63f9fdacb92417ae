"""The bill beside the licenses as the HTML page shows it: figures in money, rows as text.

Read by ``templates/_statement.html``; the numbers are the report's (:mod:`auditor.bill`),
turned into money once here, so the page never does arithmetic on money.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.bill import BILL_COLUMNS, money_table
from auditor.model import Report
from auditor.render.htmlview import records

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
        monthly_overbilled=report.summary.monthly_overbilled or 0.0,
        recurring_billed=totals.recurring_billed / 100,
        recurring_expected=totals.recurring_expected / 100,
        difference=totals.difference / 100,
        lines=totals.lines,
        lines_matched=totals.lines_matched,
        period=period,
        rows=rows,
        more_rows=max(0, len(table) - MAX_HTML_BILL_ROWS),
    )
