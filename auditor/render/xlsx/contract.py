"""The workbook's contract lines: the saving split by when to stop each seat, the spares, and
the Renewals sheet (per license type: renewal date, notice deadline, seats, saving).

The Summary's bridge gains these rows after the saving (:func:`contract_rows`), so the note
on what the saving assumes sits in the bridge itself, not in a footnote.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.engine.terms import RENEWAL_COLUMNS
from auditor.model import Report
from auditor.render.cells import shown
from auditor.render.json import saving_note
from auditor.text import amount

SAVING_NOW: Final = "of which from now (stopped after the notice period)"
SAVING_AT_RENEWAL: Final = "of which at renewal (no buy-out fee; see the Renewals sheet)"
BUYOUT_FEES: Final = "Buy-out fees for the seats stopped now (once)"
SPARES: Final = "Spare seats kept by the allowance (part of In use)"
SAVING_NOTE: Final = "What the saving assumes"

#: How far these labels are indented under the saving.
CONTRACT_INDENT: Final = {SAVING_NOW: 2, SAVING_AT_RENEWAL: 2, BUYOUT_FEES: 2, SPARES: 1}

_Row = tuple[str, object, str | None]


def contract_rows(report: Report, money: str) -> list[_Row]:
    """The saving split now / at renewal, the fees, the spares, and what the saving assumes."""
    b = report.bridge
    rows: list[_Row] = [
        (SAVING_NOW, amount(b.saving_now), money),
        (SAVING_AT_RENEWAL, amount(b.saving_at_renewal), money),
        (BUYOUT_FEES, amount(b.buyout_fees), money),
    ]
    if b.spare_seats:
        rows.append((SPARES, amount(b.spares), money))
    rows.append((SAVING_NOTE, saving_note(b), None))
    return rows


def renewals_table(report: Report) -> pd.DataFrame:
    """The Renewals sheet's rows: the report's renewal calendar over its columns."""
    return shown(report.renewals, RENEWAL_COLUMNS)
