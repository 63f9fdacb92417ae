"""One plan for the waste: every waste seat of the ledger gets exactly one action.

An unassigned seat is billed until a partial cancellation takes effect (30 days after it is
filed), a deactivated user's seat is billed until it is removed *and* cancelled, and a Contact
who expects service (a ``medium`` ``contact-without-license`` finding) will otherwise get a
newly bought seat. So the plan, to make the bill as small as it can be:

- gives each such Contact (in user id order) the cheapest surplus seat that serves them: among
  equal prices, an unassigned seat before one that must first be reclaimed from a deactivated
  user, and a seat whose service address is in the Contact's site's state (and country) first,
  so it is taxed where it is used. A contact-centre seat (VCC Agent, X8 (Contact Center)...)
  never serves a Contact, and neither does an add-on or a number;
- cancels every other surplus seat, which is so the costliest;
- keeps the seats of a suppressed finding (spares kept on purpose, a user on legal hold).

The actions: ``reassign`` / ``reclaim-then-reassign`` (to ``to_user``), ``cancel`` /
``reclaim-then-cancel``, ``keep``. :func:`cancellation` and :func:`pairings` are the plan as
procurement's tables; :func:`recommend` writes the findings' recommendations from it, so a
finding never says "cancel 7" while the plan reassigns them.

Vectorised: one merge per price tier (a tenant has a handful), never a loop over users.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.frames import member
from auditor.model import Bridge, Kind, PlanTotals
from auditor.snapshot.catalogue import is_contact_centre
from auditor.text import isolate, join_ids, money, user_label
from auditor.vocab import Disposition, stored

#: Days of notice 8x8 needs for a partial cancellation.
NOTICE_DAYS: Final = 30

#: License ids a Cancellation row lists in full; past that it names the Ledger sheet.
MAX_LISTED_IDS: Final = 200


class Action(StrEnum):
    """What to do with one waste seat."""

    CANCEL = "cancel"
    REASSIGN = "reassign"
    RECLAIM_CANCEL = "reclaim-then-cancel"
    RECLAIM_REASSIGN = "reclaim-then-reassign"
    KEEP = "keep"


CANCELS: Final = frozenset({Action.CANCEL.value, Action.RECLAIM_CANCEL.value})
REASSIGNS: Final = frozenset({Action.REASSIGN.value, Action.RECLAIM_REASSIGN.value})

#: Columns of ``Report.pairings``: one Contact and the seat the plan gives them.
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
    "action",
    "from_user",
    "same_state",
)

#: Columns of ``Report.cancellation``, one row per license type with waste seats. Per row,
#: unassigned + held_by_stale_users = reassign_to_contacts + seats_to_cancel + spares_kept.
CANCELLATION_COLUMNS: Final = (
    "license_type",
    "kind",
    "unassigned",
    "held_by_stale_users",
    "reassign_to_contacts",
    "reassign_same_state",
    "seats_to_cancel",
    "spares_kept",
    "monthly_price",
    "monthly_saving",
    "annual_saving",
    "notice_effective",
    "license_ids_to_cancel",
)


def act(
    ledger: pd.DataFrame, users: pd.DataFrame, contacts: pd.Series, kept: set[str]
) -> pd.DataFrame:
    """``ledger`` with ``action`` and ``to_user`` set on every waste row.

    ``contacts``: user ids of the open Contacts who expect service; ``kept``: ids of the
    suppressed findings, whose seats are kept.
    """
    waste = ledger.waste.to_numpy(dtype=bool)
    keep = waste & member(ledger.finding_id.fillna(""), kept).to_numpy()
    stale = ledger.disposition.eq(Disposition.STALE.value).to_numpy()
    surplus = (
        waste
        & ~keep
        & ledger.kind.eq(Kind.SEAT.value).to_numpy()
        & ~is_contact_centre(ledger.license_type).to_numpy()
    )
    to_user = _match(ledger[surplus], users, contacts)
    given = ledger.seat_id.map(to_user)
    has = given.notna().to_numpy()
    action = np.select(
        [keep, has & stale, has, stale],
        [
            Action.KEEP.value,
            Action.RECLAIM_REASSIGN.value,
            Action.REASSIGN.value,
            Action.RECLAIM_CANCEL.value,
        ],
        Action.CANCEL.value,
    ).astype(object)
    action[~waste] = None
    if "keep_reason" in ledger:  # a spare allowance keeps these, outside the waste
        action[ledger.keep_reason.notna().to_numpy()] = Action.KEEP.value
    return ledger.assign(action=action, to_user=given.astype(object).where(given.notna(), None))


def _match(seats: pd.DataFrame, users: pd.DataFrame, contacts: pd.Series) -> pd.Series:
    """seat_id -> the Contact it goes to: cheapest seats first, same state first in a price."""
    people = users[member(users.user_id, contacts)].sort_values("user_id", kind="mergesort")
    people = people.assign(
        _place=people.site_country.astype(str) + "/" + people.site_state.astype(str)
    )[["user_id", "_place"]]
    seats = seats.assign(
        _price=seats.price_cents.astype("float64").fillna(np.inf),
        _reclaim=seats.disposition.eq(Disposition.STALE.value),
        _place=seats.country.astype(str) + "/" + seats.service_state.astype(str),
    ).sort_values(["_price", "_reclaim", "seat_id"], kind="mergesort")
    given: list[pd.DataFrame] = []
    for _, tier in seats.groupby("_price", sort=True):
        if people.empty:
            break
        local = _ranked_merge(tier, people, ["_place"])
        rest_seats = tier[~tier.seat_id.isin(local.seat_id)]
        rest_people = people[~people.user_id.isin(local.user_id)]
        anywhere = _ranked_merge(rest_seats, rest_people, [])
        matched = pd.concat([local, anywhere], ignore_index=True)
        given.append(matched)
        people = people[~member(people.user_id, matched.user_id)]
    if not given:
        return pd.Series(dtype=object)
    pairs = pd.concat(given, ignore_index=True)
    return pd.Series(pairs.user_id.to_numpy(), index=pairs.seat_id.to_numpy(), dtype=object)


def _ranked_merge(seats: pd.DataFrame, people: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Pair the n-th seat with the n-th person within each group of ``keys`` (all: one group)."""
    if seats.empty or people.empty:
        return pd.DataFrame(
            {"seat_id": pd.Series(dtype=object), "user_id": pd.Series(dtype=object)}
        )
    left = seats.assign(_n=seats.groupby(keys).cumcount() if keys else np.arange(len(seats)))
    right = people.assign(_n=people.groupby(keys).cumcount() if keys else np.arange(len(people)))
    if keys:  # an unknown place matches nothing, not every other unknown place
        left = left[~left._place.str.contains("None|nan|<NA>", regex=True)]
    return left[["seat_id", "_n", *keys]].merge(right[["user_id", "_n", *keys]], on=["_n", *keys])[
        ["seat_id", "user_id"]
    ]


def bridge(ledger: pd.DataFrame, open_ids: set[str]) -> Bridge:
    """The monthly cost of priced seats split into in use and waste, the waste by action."""
    cents = ledger.price_cents.fillna(0).astype("int64")

    def total(mask: pd.Series) -> int:
        return int(cents[mask].sum())

    waste = ledger.waste
    return Bridge(
        monthly_cost=total(pd.Series(True, index=ledger.index)),
        in_use=total(~waste),
        waste=total(waste),
        cancel=total(waste & ledger.action.eq(Action.CANCEL.value)),
        reclaim_then_cancel=total(waste & ledger.action.eq(Action.RECLAIM_CANCEL.value)),
        reassign=total(waste & ledger.action.isin(REASSIGNS)),
        kept=total(waste & ledger.action.eq(Action.KEEP.value)),
        open_waste=total(waste & member(ledger.finding_id.fillna(""), open_ids)),
        unpriced_seats=int(ledger.price_cents.isna().sum()),
    )


def pairings(ledger: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """One row per seat the plan gives a Contact, in the Contacts' user id order."""
    given = ledger[ledger.action.isin(REASSIGNS)]
    people = users.set_index("user_id").reindex(given.to_user).rename_axis("user_id")
    state = people.site_state.astype(object).to_numpy()
    country = people.site_country.astype(object).to_numpy()
    table = pd.DataFrame(
        {
            "user_id": given.to_user.to_numpy(),
            "user": user_label(people.reset_index()).to_numpy() if len(given) else [],
            "site_id": people.site_id.to_numpy(),
            "site": people.site_name.to_numpy(),
            "state": state,
            "country": country,
            "license_id": given.seat_id.to_numpy(),
            "license_type": given.license_type.to_numpy(),
            "monthly_price_cents": given.price_cents.astype("Int64").to_numpy(),
            "action": given.action.to_numpy(),
            "from_user": given.holder.where(
                given.disposition.eq(Disposition.STALE.value)
            ).to_numpy(),
            "same_state": _same_place(given, state, country),
        }
    )
    return table.sort_values("user_id", kind="mergesort").reset_index(drop=True)


def cancellation(ledger: pd.DataFrame, pairs: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per license type with waste seats: what is reassigned, cancelled and kept, and the saving.

    Seats a spare allowance keeps are counted with the unassigned ones and in ``spares_kept``.
    """
    spare = ledger.keep_reason.notna() if "keep_reason" in ledger else False
    waste = ledger[ledger.waste | spare]
    if waste.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in stored(CANCELLATION_COLUMNS)})
    cancels = waste.action.isin(CANCELS)
    flags = pd.DataFrame(
        {
            "license_type": waste.license_type,
            "unassigned": waste.disposition.eq(Disposition.UNASSIGNED.value),
            "held_by_stale_users": waste.disposition.eq(Disposition.STALE.value),
            "reassign_to_contacts": waste.action.isin(REASSIGNS),
            "seats_to_cancel": cancels,
            "spares_kept": waste.action.eq(Action.KEEP.value),
        }
    )
    table = flags.groupby("license_type").sum().astype("int64")
    same = pairs[pairs.same_state.astype(bool)].groupby("license_type").size()
    table["reassign_same_state"] = same.reindex(table.index).fillna(0).astype("int64")
    first = waste.drop_duplicates("license_type").set_index("license_type")
    price = first.price_cents.reindex(table.index).astype("Int64")
    saving = (table.seats_to_cancel * price).astype("Int64")
    table["kind"] = first.kind.reindex(table.index)
    table["monthly_price_cents"] = price
    table["monthly_saving_cents"] = saving
    table["annual_saving_cents"] = saving * 12
    table["notice_effective"] = as_of + dt.timedelta(days=NOTICE_DAYS)
    ids = waste[cancels].sort_values("seat_id").groupby("license_type").seat_id
    listed = ids.agg(lambda s: join_ids(s, limit=MAX_LISTED_IDS))
    table["license_ids_to_cancel"] = listed.reindex(table.index).fillna("")
    out = table.reset_index(names="license_type")
    out = out.sort_values("license_type", key=lambda s: s.str.casefold(), kind="mergesort")
    return out.loc[:, stored(CANCELLATION_COLUMNS)].reset_index(drop=True)


def _same_place(seats: pd.DataFrame, state: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Whether each seat's service (state, country) is the given one; unknown is never equal."""

    def text(values: object) -> np.ndarray:
        series = pd.Series(values, dtype=object)
        return series.where(series.notna(), None).astype(str).to_numpy()

    known = pd.Series(state, dtype=object).notna().to_numpy()
    return np.asarray(
        known
        & (text(seats.service_state.to_numpy()) == text(state))
        & (text(seats.country.to_numpy()) == text(country)),
        dtype=bool,
    )


def recommend(
    findings: pd.DataFrame,
    ledger: pd.DataFrame,
    users: pd.DataFrame,
    currency: str,
    rules: dict[str, str],
) -> pd.DataFrame:
    """``findings`` with the waste and Contact findings' recommendations written from the plan.

    ``rules`` names the rule ids: ``unassigned``, ``stale`` and ``contact``.
    """
    out = findings.copy()
    waste = ledger[ledger.waste]
    labels = user_label(users).set_axis(users.user_id)
    per_finding = _counts(waste)
    for rule_key, writer in (("unassigned", _pool_text), ("stale", _stale_text)):
        mine = out.rule.eq(rules[rule_key]) & member(out.id, per_finding.index)
        if mine.any():
            counts = per_finding.reindex(out.id[mine])
            out.loc[mine, "recommendation"] = writer(counts, currency).to_numpy()
    given = waste[waste.action.isin(REASSIGNS)].set_index("to_user")
    contact = out.rule.eq(rules["contact"])
    paired = contact & member(out.entity_id, given.index)
    if paired.any():
        seats = given.reindex(out.entity_id[paired])
        out.loc[paired, "recommendation"] = _contact_text(seats, users, labels, currency).to_numpy()
    unpaired = contact & ~paired & out.severity.eq("medium") & ~out.suppressed.astype(bool)
    out.loc[unpaired, "recommendation"] = (
        "No surplus seat is left for this user once the plan has placed the others, so a seat "
        "for them is a new purchase; first check that they need phone service."
    )
    return out


def _counts(waste: pd.DataFrame) -> pd.DataFrame:
    """Per finding: its seats by action, the ids to cancel, who gets the reassigned ones."""
    cancels = waste.action.isin(CANCELS)
    frame = pd.DataFrame(
        {
            "finding_id": waste.finding_id,
            "seats": 1,
            "cancel": cancels.astype("int64"),
            "reassign": waste.action.isin(REASSIGNS).astype("int64"),
            "keep": waste.action.eq(Action.KEEP.value).astype("int64"),
            "cancel_cents": waste.price_cents.fillna(0).astype("int64").where(cancels, 0),
        }
    )
    counts = frame.groupby("finding_id").agg(
        seats=("seats", "sum"),
        cancel=("cancel", "sum"),
        reassign=("reassign", "sum"),
        keep=("keep", "sum"),
        cancel_cents=("cancel_cents", "sum"),
    )
    unknown = (cancels & waste.price_cents.isna()).groupby(waste.finding_id).any()
    counts["cancel_cents"] = counts.cancel_cents.astype("Int64").mask(unknown.reindex(counts.index))
    cancelled = waste[cancels]
    counts["cancel_ids"] = _joined(cancelled.seat_id, cancelled.finding_id).reindex(counts.index)
    counts["cancel_ids"] = counts.cancel_ids.fillna("")
    counts["all_ids"] = _joined(waste.seat_id, waste.finding_id).reindex(counts.index)
    return counts


def _joined(ids: pd.Series, keys: pd.Series, limit: int = 10) -> pd.Series:
    """Per key, its first ``limit`` ids in order, then how many more: :func:`join_ids` for
    thousands of groups at once (one pass over the column, not one Series per group)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "id": isolate(ids.astype(str)).to_numpy()})
    frame = frame.assign(_order=ids.astype(str).to_numpy()).sort_values(
        ["key", "_order"], kind="mergesort"
    )
    nth = frame.groupby("key").cumcount()
    first = frame[nth.lt(limit) & frame.key.notna()]
    # Arrow's list aggregation keeps each group's rows in order when it runs single-threaded;
    # pandas' agg(", ".join) calls Python once per group (seconds at 100,000 findings).
    ids_text = pa.array(first.id.astype(str).to_numpy(), type=pa.large_string())
    table = pa.table({"key": first.key.astype(str).to_numpy(), "id": ids_text})
    grouped = table.group_by("key", use_threads=False).aggregate([("id", "list")])
    shown = pd.Series(
        pc.binary_join(grouped["id_list"], pa.scalar(", ", pa.large_string())).to_numpy(
            zero_copy_only=False
        ),
        index=pd.Index(grouped["key"].to_numpy(zero_copy_only=False)),
        dtype=object,
    )
    more = frame.groupby("key").size() - limit
    tail = (" and " + more.astype(str) + " more").where(more.gt(0), "")
    return shown + tail.reindex(shown.index)


def _n(count: pd.Series, word: str) -> pd.Series:
    return count.astype(str) + " " + word + np.where(count.eq(1), "", "s")


def _cancel_request(c: pd.DataFrame) -> pd.Series:
    """``file a partial cancellation request with 8x8 for 2 licenses: L1, L2`` (its count first,
    so the sentence and the plan say the same number)."""
    return (
        "file a partial cancellation request with 8x8 for "
        + _n(c.cancel, "license")
        + ": "
        + isolate(c.cancel_ids)
    )


def _pool_text(c: pd.DataFrame, currency: str) -> pd.Series:
    """An unassigned-seats finding: which go to Contacts, which to cancel, which are kept."""
    reassign = (
        "Give " + c.reassign.astype(str) + " of them to Contacts who need a seat (the "
        "Reassign sheet says who gets which license); "
    ).where(c.reassign.gt(0), "")
    cancel = (
        _cancel_request(c)
        + " (30 days' notice; billing continues until then; saves "
        + money(c.cancel_cents.astype("Int64"), currency)
        + " a month)."
    ).where(c.cancel.gt(0), "")
    keep = (_n(c.keep, "seat") + " kept on purpose (a suppression covers them).").where(
        c.keep.gt(0), ""
    )
    text = (reassign + cancel + " " + keep).str.strip()
    text = text.str.replace(r";$", ".", regex=True)
    return text.str[:1].str.upper() + text.str[1:]


def _stale_text(c: pd.DataFrame, currency: str) -> pd.Series:
    """A deactivated user's seats: reclaim them, then reassign or cancel each."""
    start = (
        "Save the user's voicemail and call recordings, then remove "
        + _n(c.seats, "license")
        + " ("
        + isolate(c.all_ids)
        + ") from them"
    )
    reassign = (
        "; give " + c.reassign.astype(str) + " to a Contact (see the Reassign sheet)"
    ).where(c.reassign.gt(0), "")
    cancel = ("; " + _cancel_request(c) + " (30 days' notice)").where(c.cancel.gt(0), "")
    keep = "Kept as they are: a suppression covers this user."
    text = start + reassign + cancel + ". Delete the user 30 to 90 days after deactivation."
    return text.where(c.keep.eq(0), keep)


def _contact_text(
    seats: pd.DataFrame, users: pd.DataFrame, labels: pd.Series, currency: str
) -> pd.Series:
    """A Contact the plan gives a seat: which license, and what to do first."""
    people = users.set_index("user_id").reindex(seats.index)
    same = pd.Series(
        _same_place(seats, people.site_state.to_numpy(), people.site_country.to_numpy()),
        index=seats.index,
    )
    reclaim = seats.disposition.eq(Disposition.STALE.value)
    holder = seats.holder.map(labels).fillna(seats.holder).fillna("").astype(str)
    first = (" Remove it from " + isolate(holder) + ", deactivated, first.").where(reclaim, "")
    place = pd.Series(
        " It is already taxed in the state of this user's site.", index=seats.index
    ).where(
        same,
        " Then set its service address to this user's site, so it is taxed where it is used.",
    )
    return (
        "Reassign before you buy: assign license "
        + isolate(seats.seat_id.astype(str))
        + " ("
        + isolate(seats.license_type.astype(str))
        + ", "
        + money(seats.price_cents.astype("Int64"), currency)
        + " a month), already billed, so this needs no new purchase."
        + first
        + place
    )


def totals(as_of: dt.date, table: pd.DataFrame, pairs: pd.DataFrame) -> PlanTotals:
    """Sum a :func:`cancellation` table; an empty one plans nothing."""
    frame = table.reindex(columns=stored(CANCELLATION_COLUMNS))
    cents = frame.monthly_saving_cents.astype("Int64")
    known = cents.notna() | frame.seats_to_cancel.fillna(0).eq(0)
    saving = int(cents.fillna(0).sum())
    return PlanTotals(
        seats_to_cancel=int(frame.seats_to_cancel.fillna(0).sum()),
        monthly_saving_cents=saving,
        annual_saving_cents=saving * 12,
        saving_known=bool(known.all()),
        contacts_placed=len(pairs),
        same_state=int(pairs.same_state.astype(bool).sum()) if len(pairs) else 0,
        notice_effective=as_of + dt.timedelta(days=NOTICE_DAYS),
    )
