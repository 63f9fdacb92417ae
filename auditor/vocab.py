"""The words the stages share: what a ledger row is doing, what a bill line is, what a catalogue
entry plays, which way a bill differs.

They live below every stage so a rule can speak of a disposition, or a renderer of a bill
category, without importing the stage that produces it.
"""

from __future__ import annotations

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
