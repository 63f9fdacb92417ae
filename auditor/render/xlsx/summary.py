"""The Summary sheet: the money first, then what the plan saves, then how the audit was made.

Label/value rows a person reads top to bottom, and beside them a native bar chart of the
monthly waste per license type, drawn by the spreadsheet from a small table under the figures
(so the numbers behind every bar are in the sheet too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from auditor.model import Report, Severity
from auditor.plan import totals
from auditor.render.cells import is_missing, xlsx_cell, xlsx_value
from auditor.render.xlsx.history import history_rows
from auditor.render.xlsx.layout import add_filter, prepare, width

_Row = tuple[str, object, str | None]  # label, value, number format

#: The value column stays narrow so the chart sits beside the figures; longer text (warnings,
#: input hashes) runs on into the empty cells to its right.
VALUE_WIDTH: Final = 24.0

WASTE_COLOUR: Final = "B00020"

_UNPRICED: Final = (
    "{n:,} seats have no price in the price book: cost and waste leave them out. They are not free."
)


def write_summary(wb: Workbook, report: Report, money: str, notes: Sequence[str]) -> None:
    """Key figures as label/value rows, then the per-type waste table the chart draws from."""
    ws: WriteOnlyWorksheet = wb.create_sheet("Summary")
    rows = summary_rows(report, money, notes)
    waste = waste_by_type(report.pools)
    labels = ["Figure", *(r[0] for r in rows), *(t for t, _ in waste)]
    prepare(ws, [width(labels), VALUE_WIDTH], landscape=True)
    ws.append([xlsx_cell(ws, "Figure", bold=True), xlsx_cell(ws, "Value", bold=True)])
    for text, value, fmt in rows:
        ws.append([xlsx_value(ws, text), xlsx_value(ws, value, number_format=fmt)])
    add_filter(ws, f"A1:B{len(rows) + 1}")
    if not waste:
        return
    ws.append([])
    top = len(rows) + 3  # header of the chart's table, after one blank row
    ws.append([xlsx_cell(ws, "License type", bold=True), xlsx_cell(ws, "Monthly waste", bold=True)])
    for license_type, amount in waste:
        ws.append([xlsx_value(ws, license_type), xlsx_value(ws, amount, number_format=money)])
    chart = BarChart()
    chart.type = "bar"  # horizontal bars keep long license type names readable
    chart.title = f"Monthly waste by license type ({report.currency})"
    chart.legend = None
    chart.y_axis.number_format = money
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl hides both axes by default in recent Excel
    chart.y_axis.delete = False
    chart.height = max(7.5, 0.9 * len(waste) + 4)
    chart.width = 17
    bottom = top + len(waste)
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    chart.gapWidth = 60
    bars = chart.series[0].graphicalProperties
    bars.solidFill = WASTE_COLOUR  # the HTML report's waste red, so the two read alike
    bars.line.solidFill = WASTE_COLOUR
    ws.add_chart(chart, "D2")  # type: ignore[misc]  # stubs type add_chart for Worksheet only


def summary_rows(report: Report, money: str, notes: Sequence[str]) -> list[_Row]:
    """The Summary's label/value rows; money rows carry the currency number format."""
    s = report.summary
    plan = totals(report.as_of, report.cancellation, report.pairings)
    saving_note = "" if plan.saving_known else " (plus seats of unknown price)"
    rows: list[_Row] = [
        ("Tenant", report.tenant, None),
        ("As of", report.as_of, None),
        ("Monthly waste", s.monthly_waste, money),
        ("Annual waste", s.annual_waste, money),
        ("Monthly cost of all seats", s.monthly_cost, money),
        ("Seats paid for", s.seats_total, None),
        ("Seats in use (assigned)", s.seats_assigned, None),
        ("Seats unassigned", s.seats_unassigned, None),
        ("Seats suspended", s.seats_suspended, None),
        ("Seats with unknown price (not in the totals)", s.unpriced_seats, None),
        ("Contacts (no seat)", s.contacts, None),
        ("Contacts given a seat in their state", plan.pairs, None),
        ("Contacts who could take an unassigned seat", plan.contacts_placed, None),
        ("Seats to cancel (Cancellation sheet)", plan.seats_to_cancel, None),
        ("Monthly saving if cancelled" + saving_note, plan.monthly_saving, money),
        ("Annual saving if cancelled" + saving_note, plan.annual_saving, money),
        ("Notice filed on the audit date takes effect", plan.notice_effective, None),
        *history_rows(report, money),
        ("Users", s.users, None),
        ("Active users", s.active_users, None),
        ("Deactivated users", s.inactive_users, None),
        *((f"Findings: {v}", s.findings_by_severity.get(v, 0), None) for v in Severity),
        *((f"Findings: {rule}", n, None) for rule, n in s.findings_by_rule.items()),
        # long text last, below the chart, where it can run on to the right
        *(("Row limit", note, None) for note in notes),
        *(
            [("Price unknown", _UNPRICED.format(n=s.unpriced_seats), None)]
            if s.unpriced_seats > 0
            else []
        ),
        *((f"Skipped rule: {k.rule}", k.reason, None) for k in report.skipped),
        *(("Warning", w, None) for w in report.warnings),
        ("Currency", report.currency, None),
        ("Generated at", report.generated_at, None),
        ("seat-auditor version", report.tool_version, None),
        *((f"Input: {i.name}", f"sha256 {i.sha256}", None) for i in report.inputs),
    ]
    return rows


def waste_by_type(pools: pd.DataFrame) -> list[tuple[str, float]]:
    """(license type, monthly waste) for the chart: only types with a known, non-zero waste."""
    if not {"license_type", "monthly_waste"} <= set(pools.columns):
        return []
    pairs = zip(pools["license_type"], pools["monthly_waste"], strict=True)
    return [(str(t), float(w)) for t, w in pairs if not is_missing(w) and float(w) > 0]
