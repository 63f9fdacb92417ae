"""What audit.html shows of the history and of the suppressions, as plain rows.

Like :mod:`auditor.render.html.view`, nothing here computes: the new and resolved findings are
the Report's ``changed`` table (:func:`auditor.history.changes.change_table`, worked out once
with the history), the accepted ones its ``suppressions``; this module only caps the lists (the
page stays small) and turns table rows into frozen dataclasses the template reads under
StrictUndefined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.history.changes import CHANGE_COLUMNS
from auditor.model import Report
from auditor.render.cells import shown
from auditor.render.html.charts import Chart, trend_chart
from auditor.render.html.view import typed_rows
from auditor.text import amount

#: New and resolved findings listed each; the workbook's Changes sheet has them all.
MAX_HTML_CHANGES: Final = 200
#: Suppressed findings listed; the workbook's Suppressions sheet has them all.
MAX_HTML_SUPPRESSED: Final = 200


@dataclass(frozen=True)
class ChangeRow:
    """A finding that is new since the previous audit, or resolved since then."""

    id: str
    rule: str
    severity: str
    title: str
    entity_id: str
    monthly_cost: float | None
    suppressed: bool


@dataclass(frozen=True)
class HistoryView:
    """The "Since the last audit" section: counts, the saving, two lists and the trend."""

    kept: bool
    previous_as_of: dt.date | None
    new: int
    resolved: int
    persisting: int
    realised_monthly_saving: float | None
    new_rows: list[ChangeRow]
    more_new: int
    resolved_rows: list[ChangeRow]
    more_resolved: int
    runs: int
    trend: Chart | None


@dataclass(frozen=True)
class SuppressedRow:
    """An accepted finding and the suppression it is under."""

    id: str
    rule: str
    entity_type: str
    entity_id: str
    title: str
    monthly_cost: float | None
    reason: str
    owner: str
    expires: dt.date | None


def history_view(report: Report) -> HistoryView:
    """The section's content; ``kept`` is False when the audit keeps no history."""
    changes = report.changes
    table = shown(report.changed, CHANGE_COLUMNS)
    new = table[table.change.eq("new")]
    gone = table[table.change.eq("resolved")]
    return HistoryView(
        kept=changes is not None,
        previous_as_of=None if changes is None else changes.previous_as_of,
        new=0 if changes is None else len(changes.new),
        resolved=0 if changes is None else len(changes.resolved),
        persisting=0 if changes is None else changes.persisting,
        realised_monthly_saving=amount(report.realised_monthly_saving_cents),
        new_rows=_change_rows(new),
        more_new=max(0, len(new) - MAX_HTML_CHANGES),
        resolved_rows=_change_rows(gone),
        more_resolved=max(0, len(gone) - MAX_HTML_CHANGES),
        runs=0 if report.trend is None else len(report.trend),
        trend=trend_chart(report),
    )


def suppressed_rows(table: pd.DataFrame) -> tuple[list[SuppressedRow], int]:
    """The first :data:`MAX_HTML_SUPPRESSED` suppressed findings, and how many more exist."""
    rows = typed_rows(SuppressedRow, table.head(MAX_HTML_SUPPRESSED))
    return rows, max(0, len(table) - len(rows))


def _change_rows(table: pd.DataFrame) -> list[ChangeRow]:
    return typed_rows(ChangeRow, table.head(MAX_HTML_CHANGES))
