"""What audit.html shows of the plan: sites (chargeback), the cancellation plan and pairs.

Plain rows as in :mod:`auditor.render.htmlview`: frozen dataclasses built from the report's
tables without computing anything, so the template needs no pandas; the sites and pairs are
capped so the page stays small at any tenant size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.chargeback import SITE_COLUMNS
from auditor.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.render.htmlview import as_integer, as_number, as_text, records

#: Site rows and pairs inlined in the page; the workbook's Sites and Reassign sheets have all.
MAX_HTML_SITES: Final = 100
MAX_HTML_PAIRS: Final = 200


@dataclass(frozen=True)
class SiteRow:
    """One site's chargeback line; the no-site row has no state or country."""

    site: str
    state: str | None
    users: int | None
    seats: int | None
    seats_unassigned: int | None
    stale_seats: int | None
    unpriced_seats: int | None
    monthly_cost: float | None
    monthly_waste: float | None
    annual_waste: float | None


@dataclass(frozen=True)
class PlanRow:
    """One license type of the cancellation plan."""

    license_type: str
    kind: str
    unassigned: int | None
    contacts_who_could_take_one: int | None
    reassign_same_state: int | None
    seats_to_cancel: int | None
    spares_kept: int | None
    monthly_price: float | None
    monthly_saving: float | None
    annual_saving: float | None
    notice_effective: object
    held_by_stale_users: int | None


@dataclass(frozen=True)
class PairRow:
    """A Contact and the unassigned seat, already taxed in their state, to give them."""

    user_id: str
    user: str
    site: str
    state: str
    license_id: str
    license_type: str
    monthly_price: float | None


def site_rows(sites: pd.DataFrame) -> tuple[list[SiteRow], int]:
    """The costliest :data:`MAX_HTML_SITES` sites by waste then cost, and how many more exist."""
    table = sites.reindex(columns=list(SITE_COLUMNS))
    order = table.sort_values(
        ["monthly_waste", "monthly_cost"], ascending=False, kind="mergesort"
    ).head(MAX_HTML_SITES)
    rows = [
        SiteRow(
            site=as_text(r["site"]) or "",
            state=", ".join(x for x in (as_text(r["state"]), as_text(r["country"])) if x) or None,
            users=as_integer(r["users"]),
            seats=as_integer(r["seats"]),
            seats_unassigned=as_integer(r["seats_unassigned"]),
            stale_seats=as_integer(r["stale_seats"]),
            unpriced_seats=as_integer(r["unpriced_seats"]),
            monthly_cost=as_number(r["monthly_cost"]),
            monthly_waste=as_number(r["monthly_waste"]),
            annual_waste=as_number(r["annual_waste"]),
        )
        for r in records(order, SITE_COLUMNS)
    ]
    return rows, max(0, len(table) - len(rows))


def plan_rows(cancellation: pd.DataFrame) -> list[PlanRow]:
    """The cancellation plan, one row per license type, as the report orders it."""
    return [
        PlanRow(
            license_type=as_text(r["license_type"]) or "",
            kind=as_text(r["kind"]) or "",
            unassigned=as_integer(r["unassigned"]),
            contacts_who_could_take_one=as_integer(r["contacts_who_could_take_one"]),
            reassign_same_state=as_integer(r["reassign_same_state"]),
            seats_to_cancel=as_integer(r["seats_to_cancel"]),
            spares_kept=as_integer(r["spares_kept"]),
            monthly_price=as_number(r["monthly_price"]),
            monthly_saving=as_number(r["monthly_saving"]),
            annual_saving=as_number(r["annual_saving"]),
            notice_effective=r["notice_effective"],
            held_by_stale_users=as_integer(r["held_by_stale_users"]),
        )
        for r in records(cancellation, CANCELLATION_COLUMNS)
    ]


def pair_rows(pairings: pd.DataFrame) -> list[PairRow]:
    """The first :data:`MAX_HTML_PAIRS` pairs, in the report's (user id) order."""
    return [
        PairRow(
            user_id=as_text(r["user_id"]) or "",
            user=as_text(r["user"]) or "",
            site=as_text(r["site"]) or "",
            state=", ".join(x for x in (as_text(r["state"]), as_text(r["country"])) if x),
            license_id=as_text(r["license_id"]) or "",
            license_type=as_text(r["license_type"]) or "",
            monthly_price=as_number(r["monthly_price"]),
        )
        for r in records(pairings.head(MAX_HTML_PAIRS), PAIRING_COLUMNS)
    ]
