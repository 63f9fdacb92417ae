"""The words the stages share: what a ledger row is doing, what a bill line is, what a catalogue
entry plays, which way a bill differs.

They live below every stage so a rule can speak of a disposition, or a renderer of a bill
category, without importing the stage that produces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final


class Disposition(StrEnum):
    """What a billed license is doing this month; exactly one per ledger row."""

    IN_USE = "in-use"
    STALE = "stale-holder"
    UNASSIGNED = "unassigned"
    SUSPENDED = "suspended"


#: The dispositions that are waste: billed and doing nothing for anyone.
WASTE: Final = frozenset({Disposition.UNASSIGNED.value, Disposition.STALE.value})

#: A statement line billed every month for a license type.
RECURRING: Final = "recurring"
#: The statement categories whose lines are charged for a place (``jurisdiction``).
TAXES: Final = ("tax", "fee")

#: Role of "X Series X8 (Contact Center)": each license gives this many contact-centre seats.
CC_LICENSE: Final = "cc-license"
#: Role of the "Additional Named User" pool those seats are counted in (shown, never billed).
CC_POOL: Final = "cc-pool"
SEATS_PER_CC_LICENSE: Final = 5

#: The directions a difference between the bill and the licenses can take.
OVER, UNDER, MISSING, UNEXPECTED, EQUAL, UNKNOWN = (
    "over",
    "under",
    "missing",
    "unexpected",
    "equal",
    "unknown",
)


#: The amounts the reports show. The Report holds each as integer cents in a column named
#: ``<name>_cents`` (:func:`stored`); only a renderer turns it into an amount.
MONEY_COLUMNS: Final = frozenset(
    {
        "monthly_cost",
        "monthly_price",
        "monthly_waste",
        "annual_waste",
        "monthly_saving",
        "annual_saving",
        "realised_monthly_saving",
        # the contract's (auditor.engine.terms)
        "buyout_fee",
        "buyout_fees",
        "saving_now",
        "saving_at_renewal",
        # the Statement and Credits sheets (auditor.engine.bill)
        "billed_amount",
        "billed_unit_price",
        "contract_price",
        "expected_amount",
        "over_inventory",
        "price_over",
        "claim",
        "monthly_overbilled",
        "realised_monthly_credit",
    }
)


def stored(columns: Iterable[str]) -> list[str]:
    """The Report's names for the shown ``columns``: each amount as its ``_cents`` column."""
    return [f"{c}_cents" if c in MONEY_COLUMNS else c for c in columns]
