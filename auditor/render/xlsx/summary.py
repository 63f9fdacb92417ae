"""The Summary sheet: the money first, then what the plan saves, then how the audit was made.

The money is a bridge a finance reader can add up (:func:`bridge_rows`): the monthly cost
split into in use and waste, the waste by what the plan does with it, then the open waste
(the headline) and the saving. Label/value rows a person reads top to bottom, under one
filter, and beside them a native bar chart of the monthly waste per license type, drawn by
the spreadsheet from the last rows ("Monthly waste: X4"), so the numbers behind every bar are
in the sheet too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from auditor.model import POOL_COLUMNS, Report, Severity
from auditor.render.cells import is_missing, shown, xlsx_cell, xlsx_value
from auditor.render.xlsx.contract import CONTRACT_INDENT, contract_rows
from auditor.render.xlsx.history import history_rows
from auditor.render.xlsx.layout import add_filter, prepare, width
from auditor.text import amount

_Row = tuple[str, object, str | None]  # label, value, number format

#: The value column stays narrow so the chart sits beside the figures; longer text (warnings,
#: input hashes) runs on into the empty cells to its right.
VALUE_WIDTH: Final = 24.0

WASTE_COLOUR: Final = "B00020"


def write_summary(wb: Workbook, report: Report, money: str, notes: Sequence[str]) -> None:
    """Key figures as label/value rows, then the per-type waste table the chart draws from."""
    ws: WriteOnlyWorksheet = wb.create_sheet("Summary")
    rows = summary_rows(report, money, notes)
    waste = waste_by_type(shown(report.pools, POOL_COLUMNS))
    # the chart's figures are rows of the same table, so the one filter covers every row
    rows += [(f"{WASTE_BY_TYPE}{t}", amount, money) for t, amount in waste]
    labels = ["Figure", *(r[0] for r in rows)]
    prepare(ws, [width(labels), VALUE_WIDTH], landscape=True)
    ws.append([xlsx_cell(ws, "Figure", bold=True), xlsx_cell(ws, "Value", bold=True)])
    for text, value, fmt in rows:
        ws.append([_label(ws, text), xlsx_value(ws, value, number_format=fmt)])
    add_filter(ws, f"A1:B{len(rows) + 1}")
    if not waste:
        return
    top = len(rows) + 1 - len(waste)  # the last row before the chart's figures
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
    chart.add_data(Reference(ws, min_col=2, min_row=top + 1, max_row=bottom))
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    chart.gapWidth = 60
    bars = chart.series[0].graphicalProperties
    bars.solidFill = WASTE_COLOUR  # the HTML report's waste red, so the two read alike
    bars.line.solidFill = WASTE_COLOUR
    ws.add_chart(chart, "D2")  # type: ignore[misc]  # stubs type add_chart for Worksheet only


def summary_rows(report: Report, money: str, notes: Sequence[str]) -> list[_Row]:
    """The Summary's label/value rows; money rows carry the currency number format."""
    s = report.summary
    plan = report.plan()
    rows: list[_Row] = [
        ("Tenant", report.tenant, None),
        ("As of", report.as_of, None),
        *bridge_rows(report, money),
        # the bill's claim sits beside the waste, never inside it (Statement, Credits sheets)
        *(
            [(OVERBILLED, amount(s.monthly_overbilled_cents), money)]
            if s.monthly_overbilled_cents is not None
            else []
        ),
        ("Seats paid for", s.seats_total, None),
        ("Seats assigned (deactivated holders too)", s.seats_assigned, None),
        ("Seats unassigned", s.seats_unassigned, None),
        ("Seats suspended", s.seats_suspended, None),
        ("Contacts (no seat)", s.contacts, None),
        # the plan's rows are proposals, worded so none reads as already done
        (CONTACTS_PLACED, plan.contacts_placed, None),
        (SAME_STATE, plan.same_state, None),
        (SEATS_TO_CANCEL, plan.seats_to_cancel, None),
        ("A notice filed on the audit date would take effect", plan.notice_effective, None),
        *history_rows(report, money),
        ("Users", s.users, None),
        ("Active users", s.active_users, None),
        ("Deactivated users", s.inactive_users, None),
        *((f"Findings: {v}", s.findings_by_severity.get(v, 0), None) for v in Severity),
        *((f"Findings: {rule}", n, None) for rule, n in s.findings_by_rule.items()),
        # long text last, below the chart, where it can run on to the right
        *(("Continued sheets", note, None) for note in notes),
        *(
            [("Price unknown", _unpriced_text(report), None)]
            if report.bridge.unpriced_seats
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


#: The bridge's heading and lines, in the order they add up (see :func:`bridge_rows`).
BRIDGE_HEADING: Final = "How the money adds up"
COST: Final = "Monthly cost of priced seats"
IN_USE: Final = "In use"
WASTE: Final = "Waste"
CANCEL: Final = "of which Cancel now"
RECLAIM_CANCEL: Final = "Reclaim then cancel"
REASSIGN: Final = "Reassign to Contacts (purchases avoided)"
KEPT: Final = "Kept on purpose"
OPEN_WASTE: Final = "Open waste: the monthly waste (waste - kept)"
ANNUAL_WASTE: Final = "Annual waste (open waste x 12)"
SAVING: Final = "Monthly saving if the plan is filed (cancel + reclaim then cancel)"
ANNUAL_SAVING: Final = "Annual saving if the plan is filed"
UNPRICED: Final = "Seats of unknown price (in none of these sums)"
OVERBILLED: Final = "Overbilled: a credit to claim from 8x8 (Credits sheet; not in the waste)"
#: The label of a chart row: this, then the license type.
WASTE_BY_TYPE: Final = "Monthly waste: "

#: The plan's proposals, worded as what the plan would do, not as what was done.
CONTACTS_PLACED: Final = "Contacts the plan would give a surplus seat (Reassign sheet)"
SAME_STATE: Final = "of which the plan would give a seat taxed in their state"
SEATS_TO_CANCEL: Final = "Seats the plan would cancel (Cancellation sheet)"

#: How far a label is indented under the figure it is part of.
INDENT: Final = {
    IN_USE: 1,
    WASTE: 1,
    CANCEL: 2,
    RECLAIM_CANCEL: 2,
    REASSIGN: 2,
    KEPT: 2,
    SAME_STATE: 1,
    **CONTRACT_INDENT,
}


def bridge_rows(report: Report, money: str) -> list[_Row]:
    """The bill as a finance reader checks it: every line a sum over the Ledger sheet.

    Cost = in use + waste; waste = cancel now + reclaim then cancel + reassign + kept; open
    waste (the headline everywhere) = waste - kept; the saving = cancel + reclaim then cancel.
    Straight from ``report.bridge`` (integer cents, so the lines add up to the cent), never
    re-derived here, so no other figure on the sheet can disagree with it.
    """
    b = report.bridge
    rows: list[_Row] = [
        (BRIDGE_HEADING, f"{report.currency} a month, unless it says annual", None),
        (COST, amount(b.monthly_cost), money),
        (IN_USE, amount(b.in_use), money),
        (WASTE, amount(b.waste), money),
        (CANCEL, amount(b.cancel), money),
        (RECLAIM_CANCEL, amount(b.reclaim_then_cancel), money),
        (REASSIGN, amount(b.reassign), money),
        (KEPT, amount(b.kept), money),
        (OPEN_WASTE, amount(b.open_waste), money),
        (ANNUAL_WASTE, amount(b.open_waste * 12), money),
        (SAVING, amount(b.saving), money),
        (ANNUAL_SAVING, amount(b.saving * 12), money),
    ]
    if b.unpriced_seats > 0:  # the sentence is the "Price unknown" row, below the chart
        rows.append((UNPRICED, b.unpriced_seats, None))
    rows += contract_rows(report, money)  # the saving now / at renewal, and what it assumes
    return rows


def _unpriced_text(report: Report) -> str:
    """Unknown prices stay unknown: say how many seats are left out, that they are not free,
    and if the plan cancels some, that the saving is more than the sum shows."""
    n = report.bridge.unpriced_seats
    text = f"{n:,} seat of unknown price is" if n == 1 else f"{n:,} seats of unknown price are"
    text += " in none of these sums (cost, waste, saving)"
    plan = shown(report.cancellation, ("monthly_price", "seats_to_cancel"))
    unpriced = plan[plan.monthly_price.isna()].seats_to_cancel.fillna(0)
    cancelled = int(unpriced.sum())
    if cancelled:
        text += f"; the plan cancels {cancelled:,} of them, so it saves more than shown"
    return text + ". They are not free: the price book has no price for them."


def _label(ws: WriteOnlyWorksheet, text: str) -> Cell:
    """A row's label cell: the bridge's heading bold, its parts indented under their whole."""
    cell = xlsx_cell(ws, text, bold=text == BRIDGE_HEADING)
    if text in INDENT:
        cell.alignment = Alignment(indent=INDENT[text])
    return cell


def waste_by_type(pools: pd.DataFrame) -> list[tuple[str, float]]:
    """(license type, monthly waste) for the chart: only types with a known, non-zero waste."""
    if not {"license_type", "monthly_waste"} <= set(pools.columns):
        return []
    pairs = zip(pools["license_type"], pools["monthly_waste"], strict=True)
    return [(str(t), float(w)) for t, w in pairs if not is_missing(w) and float(w) > 0]
