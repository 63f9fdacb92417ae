"""What audit.html shows of the contract: the saving now against at renewal, the renewal
calendar, the spare allowance, or, without a contract, that the saving assumes no buy-out.

Plain rows built from the report's bridge and renewal table, nothing computed but the display
order, as in :mod:`auditor.render.planview`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditor.engine.terms import RENEWAL_COLUMNS
from auditor.model import Report
from auditor.render.cells import shown
from auditor.render.html.view import typed_rows
from auditor.render.json import saving_note


@dataclass(frozen=True)
class RenewalRow:
    """One license type's renewal: when to file by, and what stopping its seats saves."""

    license_type: str
    renewal_date: dt.date | None
    notice_by: dt.date | None
    notice_days: int | None
    buyout: str
    seats_to_cancel: int | None
    cancel_now: int | None
    cancel_at_renewal: int | None
    monthly_saving: float | None
    buyout_fees: float | None


@dataclass(frozen=True)
class ContractView:
    """The bridge's contract lines, in cents, and the renewal calendar."""

    given: bool
    note: str
    saving: int
    saving_now: int
    saving_at_renewal: int
    buyout_fees: int
    spares: int
    spare_seats: int
    renewals: list[RenewalRow]


def contract_view(report: Report) -> ContractView:
    """The report's bridge split and renewals as the page shows them."""
    b = report.bridge
    table = shown(report.renewals, RENEWAL_COLUMNS)
    return ContractView(
        given=b.contract_given,
        note=saving_note(b),
        saving=b.saving,
        saving_now=b.saving_now,
        saving_at_renewal=b.saving_at_renewal,
        buyout_fees=b.buyout_fees,
        spares=b.spares,
        spare_seats=b.spare_seats,
        renewals=typed_rows(RenewalRow, table) if b.contract_given else [],
    )
