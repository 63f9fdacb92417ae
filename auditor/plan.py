"""Procurement's plan: reassign before you buy, then cancel what nobody will use.

Two facts make this money. An unassigned seat is billed until a partial cancellation takes
effect 30 days after it is filed, and a Contact who expects service (a ``medium``
``contact-without-license`` finding) will otherwise get a newly bought seat. So:

- :func:`pairings` gives each such Contact a specific unassigned seat whose service address is
  already in the state (and country) of the Contact's site: assigning it costs nothing new and
  leaves the seat taxed where it is used.
- :func:`cancellation` says, per license type, how many unassigned seats the Contacts can
  absorb and how many to cancel, what that saves, and when a notice filed on the audit date
  would take effect.

Both are vectorised (ranks within a group, merges, cumulative sums): no loop over users.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from auditor.frames import member
from auditor.model import Kind, LicenseStatus, Snapshot
from auditor.rules._base import isolate, join_ids, money, user_label

#: Days of notice 8x8 needs for a partial cancellation.
NOTICE_DAYS: Final = 30

#: Columns of ``Report.pairings``: one Contact and the seat they should get.
PAIRING_COLUMNS: Final = (
    "user_id",
    "user",
    "site_id",
    "site",
    "state",
    "country",
    "license_id",
    "license_type",
    "monthly_price",
)

#: Columns of ``Report.cancellation``, one row per license type with unassigned licenses.
CANCELLATION_COLUMNS: Final = (
    "license_type",
    "kind",
    "unassigned",
    "contacts_who_could_take_one",
    "reassign_same_state",
    "seats_to_cancel",
    "spares_kept",
    "monthly_price",
    "monthly_saving",
    "annual_saving",
    "notice_effective",
    "held_by_stale_users",
    "unassigned_license_ids",
)


def pairings(snapshot: Snapshot, contact_ids: pd.Series) -> pd.DataFrame:
    """Each Contact in ``contact_ids`` paired with an unassigned seat taxed in their site's state.

    Contacts are taken in ``user_id`` order and seats cheapest first, then by ``license_id``,
    so the same data always gives the same pairs; a Contact or a seat is used at most once.
    Both sides are ranked within their (country, state) and merged on (country, state, rank).
    """
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in PAIRING_COLUMNS})
    units = snapshot.licenses
    if units is None or contact_ids.empty:
        return empty
    users = snapshot.users
    people = users[member(users.user_id, contact_ids) & users.site_state.notna()]
    people = people[people.site_country.notna()].sort_values("user_id", kind="mergesort")
    people = people.assign(
        user=user_label(people).to_numpy(),
        country=people.site_country.astype(str),
        state=people.site_state.astype(str),
        _rank=people.groupby(["site_country", "site_state"]).cumcount(),
    )
    seats = units[units.status.eq(LicenseStatus.UNASSIGNED.value)].merge(
        snapshot.types[["license_type", "kind", "price_cents"]], how="left"
    )
    seats = seats[
        seats.kind.fillna(Kind.SEAT.value).eq(Kind.SEAT.value)
        & seats.service_state_code.notna()
        & seats.service_country_code.notna()
    ]
    seats = seats.assign(
        country=seats.service_country_code.astype(str), state=seats.service_state_code.astype(str)
    )
    seats = seats.sort_values(["price_cents", "license_id"], na_position="last", kind="mergesort")
    seats = seats.assign(_rank=seats.groupby(["country", "state"]).cumcount())
    pairs = people.merge(seats, on=["country", "state", "_rank"], suffixes=("", "_unit"))
    if pairs.empty:
        return empty
    pairs["site"] = pairs.site_name
    pairs["monthly_price"] = pairs.price_cents.astype("Float64").astype("float64") / 100
    return pairs.sort_values("user_id").loc[:, list(PAIRING_COLUMNS)].reset_index(drop=True)


def cancellation(
    snapshot: Snapshot,
    pairs: pd.DataFrame,
    contacts: int,
    stale_ids: pd.Series,
    as_of: dt.date,
    kept: pd.Series | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per license type with unassigned licenses (or seats held by stale users): what to cancel.

    ``contacts_who_could_take_one``: the ``contacts`` Contacts who expect service, each counted
    once: first on the type of the seat :func:`pairings` gave them (``reassign_same_state``),
    the others on the remaining unassigned seats cheapest type first (a person with no seat
    needs the basic one, and the costlier surplus is then what gets cancelled), never more than
    a type has unassigned. ``seats_to_cancel`` is the rest of the unassigned licenses, except on
    the ``kept`` types (their unassigned-seats finding is suppressed), where the rest is
    ``spares_kept``: kept on purpose, which Contacts may still take but nobody cancels. So
    unassigned = Contacts + to cancel + kept. The saving is unknown (NaN) where the price is.
    ``held_by_stale_users`` counts the seats of ``stale_ids``.
    """
    pools = snapshot.pools.merge(snapshot.types, on="license_type", how="left")
    pools["kind"] = pools.kind.fillna(Kind.SEAT.value)
    stale = snapshot.holdings[member(snapshot.holdings.user_id, stale_ids)]
    held = stale.groupby("license_type").size()
    pools["held_by_stale_users"] = (
        pools.license_type.map(held).fillna(0).astype("int64").where(pools.kind.eq("seat"), 0)
    )
    table = pools[pools.unassigned.gt(0) | pools.held_by_stale_users.gt(0)].copy()
    paired = pairs.groupby("license_type").size() if len(pairs) else pd.Series(dtype="int64")
    table["reassign_same_state"] = table.license_type.map(paired).fillna(0).astype("int64")
    free = (table.unassigned - table.reassign_same_state).where(table.kind.eq("seat"), 0)
    order = table.assign(_free=free).sort_values(
        ["price_cents", "license_type"], na_position="last", kind="mergesort"
    )
    before = order._free.cumsum() - order._free
    others = max(0, contacts - int(table.reassign_same_state.sum()))
    allocated = (others - before).clip(lower=0).clip(upper=order._free)
    table["contacts_who_could_take_one"] = (
        table.reassign_same_state + allocated.reindex(table.index)
    ).astype("int64")
    spare = member(table.license_type, kept)
    left = table.unassigned - table.contacts_who_could_take_one
    table["seats_to_cancel"] = left.where(~spare, 0)
    table["spares_kept"] = left.where(spare, 0)
    price = table.price_cents.astype("Int64")
    saving = (table.seats_to_cancel * price).astype("Float64")
    table["monthly_price"] = _floats(price.astype("Float64") / 100)
    table["monthly_saving"] = _floats(saving / 100)
    table["annual_saving"] = _floats(saving * 12 / 100)
    table["notice_effective"] = as_of + dt.timedelta(days=NOTICE_DAYS)
    ids = table.license_type.map(_unassigned_ids(snapshot)).astype(object)
    table["unassigned_license_ids"] = ids.where(ids.notna(), "")
    table = table.sort_values("license_type", key=lambda s: s.str.casefold(), kind="mergesort")
    return table.loc[:, list(CANCELLATION_COLUMNS)].reset_index(drop=True)


def recommend(
    findings: pd.DataFrame, pairs: pd.DataFrame, currency: str, contact_rule: str
) -> pd.DataFrame:
    """``findings`` with each paired Contact's recommendation naming the seat to assign."""
    if pairs.empty:
        return findings
    by_user = pairs.set_index("user_id")
    paired = findings.rule.eq(contact_rule) & member(findings.entity_id, by_user.index)
    hits = by_user.reindex(findings.entity_id[paired])
    cents = (hits.monthly_price * 100).round().astype("Int64")
    where = isolate(hits.state.astype(str)) + ", " + isolate(hits.country.astype(str))
    text = (
        "Reassign before you buy: assign license "
        + isolate(hits.license_id.astype(str))
        + " ("
        + isolate(hits.license_type.astype(str))
        + ", "
        + money(cents, currency).to_numpy()
        + " a month), unassigned and already taxed in "
        + where
        + " where this user's site is. It is billed already, so this needs no new purchase "
        "and no service-address change."
    )
    out = findings.copy()
    out.loc[paired, "recommendation"] = text.to_numpy()
    return out


def _floats(values: pd.Series) -> np.ndarray:
    """A nullable money column as plain floats, NaN where unknown (as the pools table has it)."""
    return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _unassigned_ids(snapshot: Snapshot) -> pd.Series:
    """Per type, the unassigned license ids as one short text (per-license inventory only)."""
    units = snapshot.licenses
    if units is None:
        return pd.Series(dtype=str)
    free = units[units.status.eq(LicenseStatus.UNASSIGNED.value)].sort_values("license_id")
    return free.groupby("license_type").license_id.agg(lambda ids: join_ids(ids, limit=50))


@dataclass(frozen=True)
class PlanTotals:
    """The cancellation plan in one line, for the reports' headline figures."""

    seats_to_cancel: int
    #: Sum over the types whose price is known; ``saving_known`` says whether that is all.
    monthly_saving: float
    annual_saving: float
    saving_known: bool
    contacts_placed: int
    pairs: int
    notice_effective: dt.date


def totals(report_as_of: dt.date, table: pd.DataFrame, pairs: pd.DataFrame) -> PlanTotals:
    """Sum a :func:`cancellation` table; an empty one plans nothing."""
    frame = table.reindex(columns=list(CANCELLATION_COLUMNS))
    cents = (frame.monthly_saving.astype("float64") * 100).round()
    known = frame.monthly_saving.notna() | frame.seats_to_cancel.fillna(0).eq(0)
    saving = int(cents.fillna(0).sum())
    return PlanTotals(
        seats_to_cancel=int(frame.seats_to_cancel.fillna(0).sum()),
        monthly_saving=saving / 100,
        annual_saving=saving * 12 / 100,
        saving_known=bool(known.all()),
        contacts_placed=int(frame.contacts_who_could_take_one.fillna(0).sum()),
        pairs=len(pairs),
        notice_effective=report_as_of + dt.timedelta(days=NOTICE_DAYS),
    )
