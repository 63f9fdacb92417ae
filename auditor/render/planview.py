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
from auditor.plan import PAIRING_COLUMNS
from auditor.render.htmlview import as_text, records, typed_rows

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
    place = _place(order)
    rows = typed_rows(SiteRow, order.assign(state=place.where(place.ne(""), None)))
    return rows, max(0, len(table) - len(rows))


def plan_rows(cancellation: pd.DataFrame) -> list[PlanRow]:
    """The cancellation plan, one row per license type, as the report orders it."""
    return typed_rows(PlanRow, cancellation)


def pair_rows(pairings: pd.DataFrame) -> list[PairRow]:
    """The first :data:`MAX_HTML_PAIRS` pairs, in the report's (user id) order."""
    shown = pairings.reindex(columns=list(PAIRING_COLUMNS)).head(MAX_HTML_PAIRS)
    return typed_rows(PairRow, shown.assign(state=_place(shown)))


def _place(table: pd.DataFrame) -> pd.Series:
    """``NY, US`` from the state and country columns, leaving out a missing part."""
    places = [
        ", ".join(x for x in (as_text(r["state"]), as_text(r["country"])) if x)
        for r in records(table, ("state", "country"))
    ]
    return pd.Series(places, index=table.index, dtype=object)
