"""Reading a written audit.xlsx back: its sheets, typed cells and the Summary's money bridge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.ledger import LEDGER_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.engine.suppress import SUPPRESSED_COLUMNS
from auditor.engine.tax import TAX_COLUMNS
from auditor.engine.terms import LEDGER_TERM_COLUMNS, RENEWAL_COLUMNS
from auditor.history.changes import CHANGE_COLUMNS
from auditor.model import ALL_FINDING_COLUMNS, POOL_COLUMNS, Bridge, Report
from auditor.render.xlsx import USERS_SHEET_COLUMNS, write_xlsx
from auditor.render.xlsx import summary as summary_rows
from auditor.render.xlsx.history import TREND_COLUMNS
from auditor.render.xlsx.layout import label

SHEETS = ["Summary", "Findings", "Ledger", "Licenses", "Sites", "Users", "Cancellation",
          "Renewals", "Reassign", "Tax", "Changes", "Trend", "Suppressions"]  # fmt: skip


MONEY = '"USD" #,##0.00'


DATE = "yyyy-mm-dd"


#: Each data sheet's columns (the report's names, before they become headers).
COLUMNS: dict[str, tuple[str, ...]] = {
    "Findings": ALL_FINDING_COLUMNS,
    "Ledger": (*LEDGER_COLUMNS, "price_known", *LEDGER_TERM_COLUMNS),
    "Licenses": (*POOL_COLUMNS, "price_known"),
    "Sites": SITE_COLUMNS,
    "Users": USERS_SHEET_COLUMNS,
    "Cancellation": CANCELLATION_COLUMNS,
    "Renewals": RENEWAL_COLUMNS,
    "Reassign": PAIRING_COLUMNS,
    "Tax": TAX_COLUMNS,
    "Changes": CHANGE_COLUMNS,
    "Trend": TREND_COLUMNS,
    "Suppressions": SUPPRESSED_COLUMNS,
}


#: Sheets a report without a history or suppressions leaves empty (tests/render/
#: test_xlsx_history.py fills them through the real pipeline).
HISTORY_SHEETS = ("Changes", "Trend", "Suppressions")


WORK = ["Owner", "Decision", "Due"]


#: What each typed column must hold: money in the currency format, whole counts, dates.
MONEY_COLUMNS = {"monthly_cost", "monthly_price", "monthly_waste", "annual_waste",
                 "monthly_saving", "annual_saving", "realised_monthly_saving",
                 "buyout_fee", "buyout_fees", "saving_now", "saving_at_renewal"}  # fmt: skip


COUNT_COLUMNS = {"total", "assigned", "unassigned", "suspended", "holders", "users", "seats",
                 "seats_unassigned", "stale_seats", "unpriced_seats", "seat_count",
                 "reassign_to_contacts", "reassign_same_state", "seats_to_cancel",
                 "held_by_stale_users", "spares_kept", "findings", "suppressed_findings",
                 "days_open", "notice_days", "cancel_now", "cancel_at_renewal"}  # fmt: skip


DATE_COLUMNS = {"created_at", "last_updated_at", "deactivated_at", "notice_effective",
                "first_seen", "suppression_expires", "as_of", "expires", "renewal_date",
                "notice_by", "effective_date"}  # fmt: skip


BOOL_COLUMNS = {"cost_known", "price_known", "suppressed", "waste", "same_state", "auto_renew"}


def written(report: Report, tmp_path: Path) -> Workbook:
    """Write ``report`` and open the file again in normal (not read-only) mode."""
    path = tmp_path / "audit.xlsx"
    write_xlsx(report, path)
    return openpyxl.load_workbook(path)


def cells(wb: Workbook) -> Iterator[Cell]:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert isinstance(cell, Cell)
                yield cell


def header(ws: Worksheet) -> list[object]:
    return [c.value for c in ws[1]]


def column(ws: Worksheet, name: str) -> list[Cell]:
    """The data cells under the header of report column ``name`` (or a work column)."""
    index = header(ws).index(name if name in WORK else label(name)) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=index, max_col=index)]  # type: ignore[misc]


def summary_value(ws: Worksheet, text: str) -> Cell:
    for label_cell, value_cell in ws.iter_rows(min_row=2, max_col=2):
        if label_cell.value == text:
            assert isinstance(value_cell, Cell)
            return value_cell
    raise AssertionError(f"no Summary row {text!r}")


def assert_typed(ws: Worksheet, columns: tuple[str, ...], *, optional: frozenset[str]) -> None:
    """Every value of each column has its column's type; only ``optional`` ones may be empty."""
    assert ws.max_row > 1
    for name in columns:
        values = [c for c in column(ws, name) if c.value is not None]
        typed = name in MONEY_COLUMNS | COUNT_COLUMNS | DATE_COLUMNS
        assert values or not typed or name in optional, name
        if name in MONEY_COLUMNS:
            assert all(c.data_type == "n" and c.number_format == MONEY for c in values), name
        elif name in COUNT_COLUMNS:
            assert all(c.data_type == "n" and isinstance(c.value, int) for c in values), name
        elif name in DATE_COLUMNS:
            assert all(c.is_date and c.number_format == DATE for c in values), name
        elif name in BOOL_COLUMNS:
            assert all(c.data_type == "b" for c in values), name
        else:
            assert all(c.data_type == "s" for c in values), name


#: The bridge's rows, in the order the Summary shows them, right after Tenant and As of.
BRIDGE_ROWS = [
    summary_rows.BRIDGE_HEADING, summary_rows.COST, summary_rows.IN_USE, summary_rows.WASTE,
    summary_rows.CANCEL, summary_rows.RECLAIM_CANCEL, summary_rows.REASSIGN, summary_rows.KEPT,
    summary_rows.OPEN_WASTE, summary_rows.ANNUAL_WASTE, summary_rows.SAVING,
    summary_rows.ANNUAL_SAVING,
]  # fmt: skip


def cents(cell: Cell) -> int | None:
    """A money cell's amount in whole cents (None when empty), once it is checked to be money."""
    value = cell.value
    if value is None:
        return None
    assert isinstance(value, int | float), cell.coordinate
    assert (cell.data_type, cell.number_format) == ("n", MONEY), cell.coordinate
    return round(value * 100)


def bridge_cents(ws: Worksheet) -> dict[str, int]:
    """The Summary's money bridge read back, each line in whole cents."""
    values: dict[str, int] = {}
    for text in BRIDGE_ROWS[1:]:
        amount = cents(summary_value(ws, text))
        assert amount is not None, text
        values[text] = amount
    return values


def assert_bridge_adds_up(ws: Worksheet, bridge: Bridge) -> None:
    """Cost = in use + waste, waste = its four parts, open = waste - kept, saving = the cancels;
    each line equal to the report's bridge, to the cent."""
    b = bridge_cents(ws)
    s = summary_rows
    assert b[s.COST] == b[s.IN_USE] + b[s.WASTE]
    assert b[s.WASTE] == b[s.CANCEL] + b[s.RECLAIM_CANCEL] + b[s.REASSIGN] + b[s.KEPT]
    assert b[s.OPEN_WASTE] == b[s.WASTE] - b[s.KEPT]
    assert b[s.SAVING] == b[s.CANCEL] + b[s.RECLAIM_CANCEL]
    assert (b[s.ANNUAL_WASTE], b[s.ANNUAL_SAVING]) == (12 * b[s.OPEN_WASTE], 12 * b[s.SAVING])
    assert [b[s.COST], b[s.IN_USE], b[s.WASTE], b[s.CANCEL], b[s.RECLAIM_CANCEL],
            b[s.REASSIGN], b[s.KEPT], b[s.OPEN_WASTE], b[s.SAVING]] == [
        bridge.monthly_cost, bridge.in_use, bridge.waste, bridge.cancel,
        bridge.reclaim_then_cancel, bridge.reassign, bridge.kept, bridge.open_waste,
        bridge.saving,
    ]  # fmt: skip


def ledger_sums(ws: Worksheet) -> dict[str, int]:
    """The Ledger sheet's priced rows summed in cents: all, in use, waste, and by plan action."""
    prices = [cents(c) or 0 for c in column(ws, "monthly_price")]
    waste = [c.value for c in column(ws, "waste")]
    actions = [str(c.value or "") for c in column(ws, "action")]
    assert len(prices) == len(waste) == len(actions)

    def total(keep: list[bool]) -> int:
        return sum(p for p, k in zip(prices, keep, strict=True) if k)

    by_action = {
        name: total([w is True and (a in names) for w, a in zip(waste, actions, strict=True)])
        for name, names in (
            ("cancel", {"cancel"}),
            ("reclaim-then-cancel", {"reclaim-then-cancel"}),
            ("reassign", {"reassign", "reclaim-then-reassign"}),
            ("keep", {"keep"}),
        )
    }
    return {
        "all": sum(prices),
        "in use": total([w is False for w in waste]),
        "waste": total([w is True for w in waste]),
        **by_action,
    }
