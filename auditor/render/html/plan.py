"""What audit.html shows of the plan: the money bridge, sites (chargeback), the cancellation
plan and pairs.

Plain rows as in :mod:`auditor.render.htmlview`: frozen dataclasses built from the report's
tables without computing anything, so the template needs no pandas; the sites and pairs are
capped so the page stays small at any tenant size. The bridge is the report's own
:class:`~auditor.model.Bridge` (sums over the seat ledger), never re-added here, so the page
says exactly what audit.json and the workbook say; the ledger's rows are never inlined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.plan import PAIRING_COLUMNS
from auditor.model import Bridge
from auditor.render.cells import shown
from auditor.render.html.view import as_text, records, typed_rows
from auditor.text import user_label

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
    """One license type of the plan: its waste seats, and what happens to each of them.

    unassigned + held_by_stale_users = reassign_to_contacts + seats_to_cancel + spares_kept,
    so the row says where every waste seat of the type goes.
    """

    license_type: str
    kind: str
    unassigned: int | None
    held_by_stale_users: int | None
    reassign_to_contacts: int | None
    reassign_same_state: int | None
    seats_to_cancel: int | None
    spares_kept: int | None
    monthly_price: float | None
    monthly_saving: float | None
    annual_saving: float | None
    notice_effective: dt.date | None
    #: The exact ids to name in the cancellation request (past a cap, a pointer to the Ledger).
    license_ids_to_cancel: str


@dataclass(frozen=True)
class PairRow:
    """A Contact and the surplus seat the plan gives them instead of a new purchase.

    ``from_user`` is the deactivated holder to remove it from first (action
    ``reclaim-then-reassign``); ``same_state`` says the seat is already taxed where the
    Contact's site is, so it needs no address change.
    """

    user_id: str
    user: str
    site: str
    state: str
    license_id: str
    license_type: str
    monthly_price: float | None
    action: str
    from_user: str | None
    same_state: bool


def site_rows(sites: pd.DataFrame) -> tuple[list[SiteRow], int]:
    """The costliest :data:`MAX_HTML_SITES` sites by waste then cost, and how many more exist."""
    table = shown(sites, SITE_COLUMNS)
    order = table.sort_values(
        ["monthly_waste", "monthly_cost"], ascending=False, kind="mergesort"
    ).head(MAX_HTML_SITES)
    place = _place(order)
    rows = typed_rows(SiteRow, order.assign(state=place.where(place.ne(""), None)))
    return rows, max(0, len(table) - len(rows))


def plan_rows(cancellation: pd.DataFrame) -> list[PlanRow]:
    """The cancellation plan, one row per license type, as the report orders it."""
    return typed_rows(PlanRow, cancellation)


def pair_rows(pairings: pd.DataFrame, users: pd.DataFrame | None = None) -> list[PairRow]:
    """The first :data:`MAX_HTML_PAIRS` pairs, in the report's (user id) order.

    ``from_user`` is named as the findings name a user (name and email) when ``users`` knows
    them, so the reader need not look an id up; otherwise it stays the id.
    """
    pairs = shown(pairings, PAIRING_COLUMNS).head(MAX_HTML_PAIRS)
    return typed_rows(
        PairRow, pairs.assign(state=_place(pairs), from_user=_names(pairs.from_user, users))
    )


def _names(ids: pd.Series, users: pd.DataFrame | None) -> pd.Series:
    """User ids as user labels where ``users`` has them; missing ids stay missing."""
    needed = {"user_id", "first_name", "last_name", "email"}
    if users is None or not needed <= set(users.columns) or ids.isna().all():
        return ids
    known = users.drop_duplicates("user_id")
    labels = pd.Series(user_label(known).to_numpy(), index=known.user_id.to_numpy(), dtype=object)
    return ids.map(labels).where(ids.notna() & ids.isin(labels.index), ids)


@dataclass(frozen=True)
class BridgePart:
    """One line of the bridge, in cents, and its slice of the bar."""

    #: The line's name in the page: its ``data-bridge`` attribute and its colour's class.
    key: str
    label: str
    note: str
    cents: int
    #: Its width in the bar, a percentage of the monthly cost with three decimals.
    width: str


@dataclass(frozen=True)
class BridgeView:
    """How the money adds up: monthly cost = in use + waste; waste = the plan's four parts."""

    monthly_cost: int
    in_use: BridgePart
    waste: int
    #: cancel, reclaim-then-cancel, reassign, kept: in the order the page adds them.
    parts: tuple[BridgePart, ...]
    kept: int
    open_waste: int
    saving: int
    unpriced_seats: int

    @property
    def bar(self) -> tuple[BridgePart, ...]:
        """The bar's segments: in use, then each waste part that is not zero."""
        return (self.in_use, *(p for p in self.parts if p.cents))


#: In use, then the waste parts in the order the product adds them: (Bridge field, key, label,
#: note).
_LINES: Final = (
    ("in_use", "in-use", "In use",
     "seats held by active users (or in a deactivated user's grace period), and suspended ones"),
    ("cancel", "cancel", "Cancel now",
     "unassigned seats nobody needs: a partial cancellation stops them"),
    ("reclaim_then_cancel", "reclaim-then-cancel", "Reclaim, then cancel",
     "seats deactivated users hold: remove them from the user, then cancel"),
    ("reassign", "reassign", "Reassign to Contacts",
     "purchases avoided: Contacts who expect service get a seat already paid for"),
    ("kept", "kept", "Kept on purpose",
     "a suppression keeps them (spares, a legal hold): not in the headline"),
)  # fmt: skip


def bridge_view(bridge: Bridge) -> BridgeView:
    """The report's bridge as the page shows it; the amounts are the bridge's, unchanged."""

    def part(key: str, label: str, note: str, cents: int) -> BridgePart:
        share = 100 * cents / bridge.monthly_cost if bridge.monthly_cost else 0.0
        return BridgePart(key, label, note, cents, f"{share:.3f}")

    in_use, *parts = (
        part(key, label, note, getattr(bridge, name)) for name, key, label, note in _LINES
    )
    return BridgeView(
        monthly_cost=bridge.monthly_cost,
        in_use=in_use,
        waste=bridge.waste,
        parts=tuple(parts),
        kept=bridge.kept,
        open_waste=bridge.open_waste,
        saving=bridge.saving,
        unpriced_seats=bridge.unpriced_seats,
    )


def _place(table: pd.DataFrame) -> pd.Series:
    """``NY, US`` from the state and country columns, leaving out a missing part."""
    places = [
        ", ".join(x for x in (as_text(r["state"]), as_text(r["country"])) if x)
        for r in records(table, ("state", "country"))
    ]
    return pd.Series(places, index=table.index, dtype=object)
