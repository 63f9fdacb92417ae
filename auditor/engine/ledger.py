"""The seat ledger: one row per billed license, the single source of every money figure.

Two views of who holds what reach the audit, and real exports taken minutes apart disagree:
the users' (users.csv ``license_ids``, else ``licenses`` type names) and the inventory's
(licenses.csv status and ``assigned_to``). The ledger settles them once, by one precedence,
so no seat is ever counted twice or not at all:

1. a license's holder is the user whose ``license_ids`` lists it (two claimants: the one the
   inventory's ``assigned_to`` names, else the lowest user id);
2. else the inventory's ``assigned_to`` (on an ASSIGNED or SUSPENDED license);
3. users known only by type names take that type's still unheld ASSIGNED licenses first, then
   its UNASSIGNED ones (the inventory lags the users' view), in license id and user id order;
   past the pool's total they are over-assigned and hold no ledger row.

A per-pool inventory (counts only) gets one row per counted seat, with a synthetic id
``TYPE#n``: the assigned seats first, then the unassigned, then the suspended. Each row then
gets one disposition (``in-use``, ``stale-holder``, ``unassigned``, ``suspended``); the
``unassigned`` and ``stale-holder`` rows are the waste. Wherever the views disagreed, a row of
:attr:`Ledger.disagreements` says what each side said and which one the ledger followed; the
``sources-disagree`` rule turns those into findings.

Vectorised: ranks within a type and merges, never a loop over users or licenses.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from auditor.engine import idle_numbers
from auditor.frames import member
from auditor.model import InventoryForm, Kind, Ledger, LicenseStatus, Settings, Snapshot
from auditor.vocab import CC_LICENSE, CC_POOL, SEATS_PER_CC_LICENSE, WASTE, Disposition

#: Columns of the ledger as audit.json writes it (``monthly_price`` from ``price_cents``).
LEDGER_COLUMNS: Final = (
    "seat_id",
    "license_type",
    "kind",
    "country",
    "inventory_status",
    "holder",
    "holder_status",
    "monthly_price",
    "disposition",
    "waste",
    "action",
    "to_user",
    "finding_id",
)

#: Columns of :attr:`Ledger.disagreements`: one per license (or pool) the views disagree on.
DISAGREEMENT_COLUMNS: Final = ("entity_id", "license_type", "said", "followed", "seats")


def build(snapshot: Snapshot, settings: Settings) -> Ledger:
    """The ledger of ``snapshot`` on ``settings.as_of``; actions and findings come later."""
    if snapshot.inventory_form is InventoryForm.PER_LICENSE and snapshot.licenses is not None:
        rows, disagreements = _per_license(snapshot)
    else:
        rows, disagreements = _per_pool(snapshot)
    numbers = idle_numbers.ledger_rows(snapshot)  # after holders: nobody may claim one
    if numbers is not None:
        rows = pd.concat([rows, numbers], ignore_index=True)
    rows = _priced(rows, snapshot)
    rows = _disposed(rows, snapshot, settings)
    rows = contact_centre(rows, snapshot)
    rows = rows.sort_values("seat_id", kind="mergesort").reset_index(drop=True)
    licence_types, pool_types = roles(snapshot, CC_LICENSE), roles(snapshot, CC_POOL)
    listed = set(snapshot.pools.license_type) & (licence_types | pool_types)
    note = cc_sentence(cc_seats_in_use(snapshot), licence_types, pool_types) if listed else None
    return Ledger(
        rows=rows,
        disagreements=disagreements,
        cc_license_types=frozenset(licence_types),
        cc_note=note,
    )


def _per_license(snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per license in licenses.csv, its holder resolved by the precedence above."""
    units = snapshot.licenses
    assert units is not None  # the caller checked
    rows = pd.DataFrame(
        {
            "seat_id": units.license_id.astype(str).to_numpy(),
            "license_type": units.license_type.astype(str).to_numpy(),
            "inventory_status": units.status.astype(str).to_numpy(),
            "assigned_to": units.assigned_to.astype(str).to_numpy(),
            "country": _license_country(units).to_numpy(),
            "service_state": units.service_state_code.astype(object).to_numpy(),
        }
    ).sort_values("seat_id", kind="mergesort", ignore_index=True)
    claims = snapshot.holdings
    by_id = claims[claims.license_id.ne("")]
    by_type = claims[claims.license_id.eq("")]
    notes: list[pd.DataFrame] = []

    # 1. license_ids: the claimant assigned_to names wins, else the lowest user id.
    pinned = by_id.merge(rows[["seat_id", "assigned_to"]], left_on="license_id", right_on="seat_id")
    pinned = pinned.assign(_named=pinned.user_id.eq(pinned.assigned_to)).sort_values(
        ["seat_id", "_named", "user_id"], ascending=[True, False, True], kind="mergesort"
    )
    holder = rows.seat_id.map(pinned.drop_duplicates("seat_id").set_index("seat_id").user_id)
    holder = holder.astype(object)
    source = pd.Series("license_ids", index=rows.index).where(holder.notna(), "")
    several = pinned[pinned.seat_id.duplicated(keep=False)]
    claimants = several.groupby("seat_id").user_id.agg(lambda u: ", ".join(sorted(u)))
    notes.append(_note(claimants.index, "users.csv lists it for " + claimants))
    other = rows.assigned_to.ne("") & holder.notna() & rows.assigned_to.ne(holder.fillna(""))
    notes.append(
        _note(rows.seat_id[other], "licenses.csv assigns it to " + rows.assigned_to[other])
    )

    # 2. assigned_to, where no user listed the id.
    named = holder.isna() & rows.assigned_to.ne("") & rows.inventory_status.ne("UNASSIGNED")
    rows = rows.assign(
        holder=holder.where(~named, rows.assigned_to),
        source=source.where(~named, "assigned_to"),
    )

    # 3. type names: the type's unheld ASSIGNED licenses, then its UNASSIGNED ones.
    if len(by_type):
        rows = _match_types(rows, by_type)
    if snapshot.users_list_licenses:
        notes.append(_unlisted_assignments(rows, claims, snapshot))
    taken = rows.source.isin(["licenses", "license_ids"]) & rows.inventory_status.eq(
        LicenseStatus.UNASSIGNED.value
    )
    notes.append(_note(rows.seat_id[taken], "licenses.csv calls it UNASSIGNED"))
    return rows.drop(columns=["assigned_to"]), _disagreements(notes, rows)


def _license_country(units: pd.DataFrame) -> pd.Series:
    """A license's country: its service address's, else the license's own (API
    ``license.country``, the Licenses page's country group)."""
    service = units.service_country_code.astype(object)
    own = units.country.astype(object) if "country" in units else pd.Series(None, index=units.index)
    return service.where(service.notna(), own)


def _match_types(rows: pd.DataFrame, by_type: pd.DataFrame) -> pd.DataFrame:
    """Give each type-name claim a license of its type nobody holds yet, in a fixed order.

    A claim the user already holds through ``assigned_to`` is met by that license; the
    others take the type's unheld ASSIGNED licenses, then its UNASSIGNED ones, by license id,
    claims in user id order. Claims left over are over-assigned: no license to hold.
    """
    claims = by_type.sort_values(["license_type", "user_id"], kind="mergesort")
    claims = claims.assign(_nth=claims.groupby(["user_id", "license_type"]).cumcount())
    held = rows[rows.holder.notna()].groupby(["holder", "license_type"]).size()
    have = pd.MultiIndex.from_frame(claims[["user_id", "license_type"]])
    already = pd.Series(held.reindex(have).fillna(0).to_numpy(), index=claims.index)
    open_claims = claims[claims._nth.ge(already)]
    open_claims = open_claims.assign(_rank=open_claims.groupby("license_type").cumcount())
    free = rows[rows.holder.isna() & rows.inventory_status.ne(LicenseStatus.SUSPENDED.value)]
    free = free.assign(_unassigned=free.inventory_status.eq(LicenseStatus.UNASSIGNED.value))
    free = free.sort_values(["license_type", "_unassigned", "seat_id"], kind="mergesort")
    free = free.assign(_rank=free.groupby("license_type").cumcount())
    matched = free[["seat_id", "license_type", "_rank"]].merge(
        open_claims[["license_type", "_rank", "user_id"]], on=["license_type", "_rank"]
    )
    given = rows.seat_id.map(matched.set_index("seat_id").user_id).astype(object)
    return rows.assign(
        holder=rows.holder.where(given.isna(), given),
        source=rows.source.where(given.isna(), "licenses"),
    )


def _unlisted_assignments(
    rows: pd.DataFrame, claims: pd.DataFrame, snapshot: Snapshot
) -> pd.DataFrame:
    """Licenses held through ``assigned_to`` by a known user whose own row does not list them.

    A user listing ids does not list it (or the ledger would hold it by ``license_ids``); a
    user listing type names lists fewer of the type than the inventory assigns them (the
    first ones by license id count as the listed ones); an empty cell lists none.
    """
    pinned = rows.source.eq("assigned_to") & member(rows.holder.fillna(""), snapshot.users.user_id)
    mine = rows[pinned]
    by_name = claims[claims.license_id.eq("")].groupby(["user_id", "license_type"]).size()
    nth = mine.groupby(["holder", "license_type"]).cumcount()
    keys = pd.MultiIndex.from_frame(mine[["holder", "license_type"]])
    listed = pd.Series(by_name.reindex(keys).fillna(0).to_numpy(), index=mine.index)
    unlisted = mine[nth.ge(listed)]
    return _note(
        unlisted.seat_id,
        "licenses.csv assigns it to " + unlisted.holder.astype(str) + ", whose users.csv row "
        "does not list it",
    )


def _note(seat_ids: pd.Index | pd.Series, said: str | pd.Series) -> pd.DataFrame:
    """Disagreement notes: which license, and what one side said against the other."""
    ids = pd.Series(list(seat_ids), dtype=object)
    text = said if isinstance(said, str) else pd.Series(list(said), dtype=object)
    return pd.DataFrame({"entity_id": ids, "said": text})


def _disagreements(notes: list[pd.DataFrame], rows: pd.DataFrame) -> pd.DataFrame:
    """One row per license the two views disagree on, every reason in one sentence."""
    found = pd.concat(notes, ignore_index=True)
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in DISAGREEMENT_COLUMNS})
    merged = found.groupby("entity_id", sort=True).said.agg(lambda s: "; ".join(dict.fromkeys(s)))
    info = rows.set_index("seat_id").reindex(merged.index)
    holder = info.holder.astype(object)
    followed = ("held by " + holder.fillna("").astype(str)).where(holder.notna(), "unassigned")
    return pd.DataFrame(
        {
            "entity_id": merged.index.astype(str),
            "license_type": info.license_type.astype(str).to_numpy(),
            "said": merged.to_numpy(),
            "followed": followed.to_numpy(),
            "seats": 1,
        }
    )


def _per_pool(snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per counted seat, ``TYPE#n``: assigned first, then unassigned, then suspended.

    A pool given per country (``country`` column) numbers its seats ``TYPE (US)#n``; users
    known by type name take the type's assigned seats first, whatever their country.
    """
    pools = snapshot.pools
    if "country" not in pools:
        pools = pools.assign(country=None)
    total = pools.total.to_numpy(dtype="int64")
    types = np.repeat(pools.license_type.astype(str).to_numpy(), total)
    country = np.repeat(pools.country.astype(object).to_numpy(), total)
    named = pd.Series(types, dtype=object) + pd.Series(
        [f" ({c})" if isinstance(c, str) and c else "" for c in country], dtype=object
    )
    nth = named.groupby(named.to_numpy()).cumcount().to_numpy()
    assigned = np.repeat((pools.total - pools.unassigned - pools.suspended).to_numpy(), total)
    unassigned = np.repeat(pools.unassigned.to_numpy(), total)
    status = np.where(
        nth < assigned,
        LicenseStatus.ASSIGNED.value,
        np.where(nth < assigned + unassigned, "UNASSIGNED", LicenseStatus.SUSPENDED.value),
    )
    order = pd.Series(np.select([status == "ASSIGNED", status == "UNASSIGNED"], [0, 1], 2))
    rows = pd.DataFrame(
        {
            "seat_id": named + "#" + pd.Series(nth + 1).astype(str),
            "license_type": types,
            "inventory_status": status,
            "country": country,
            "service_state": None,
            "_order": order,
            "_nth": nth,
        }
    )
    ranked = rows.sort_values(["license_type", "_order", "_nth"], kind="mergesort")
    rows["_rank"] = ranked.groupby("license_type").cumcount().reindex(rows.index)
    rows = rows.drop(columns=["_order", "_nth"])
    claims = snapshot.holdings.sort_values(["license_type", "user_id"], kind="mergesort")
    claims = claims.assign(_rank=claims.groupby("license_type").cumcount())
    usable = rows[rows.inventory_status.ne(LicenseStatus.SUSPENDED.value)]
    matched = usable[["seat_id", "license_type", "_rank"]].merge(
        claims[["license_type", "_rank", "user_id"]], on=["license_type", "_rank"]
    )
    holder = rows.seat_id.map(matched.set_index("seat_id").user_id).astype(object)
    rows = rows.assign(holder=holder, source=pd.Series("licenses", index=rows.index))
    rows["source"] = rows.source.where(holder.notna(), "")
    taken = rows[holder.notna() & rows.inventory_status.eq("UNASSIGNED")]
    per_type = taken.groupby("license_type").size()
    if per_type.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in DISAGREEMENT_COLUMNS})
        return rows.drop(columns=["_rank"]), empty
    counts = pools.groupby("license_type")[["total", "unassigned", "suspended"]].sum()
    counts = counts.reindex(per_type.index)
    assigned = (counts.total - counts.unassigned - counts.suspended).astype(str).to_numpy()
    notes = pd.DataFrame(
        {
            "entity_id": per_type.index.astype(str),
            "license_type": per_type.index.astype(str),
            "said": "licenses.csv counts "
            + assigned
            + " assigned and "
            + counts.unassigned.astype(str).to_numpy()
            + " unassigned, but users.csv lists more holders",
            "followed": per_type.astype(str).to_numpy() + " of the unassigned held by users",
            "seats": per_type.to_numpy(),
        }
    )
    return rows.drop(columns=["_rank"]), notes


def _priced(rows: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """Each row's kind and price in cents (NA: unknown) from the catalogue.

    A price prices.csv gives for the row's country wins over the type's price for any
    country (8x8 prices per country).
    """
    types = snapshot.types.set_index("license_type")
    kind = rows.license_type.map(types.kind).fillna(Kind.SEAT.value).astype(str)
    price = rows.license_type.map(types.price_cents).astype("Int64")
    local = snapshot.country_prices
    if local is not None and len(local):
        keys = pd.MultiIndex.from_arrays([rows.license_type, rows.country.fillna("")])
        table = local.set_index(["license_type", "country"]).price_cents
        found = pd.Series(table.reindex(keys).to_numpy(), index=rows.index, dtype="Int64")
        price = found.where(found.notna(), price)
    # .array keeps the nullable Int64 cents (to_numpy would make them NaN floats)
    return rows.assign(kind=kind.to_numpy(), price_cents=price.array)


def _disposed(rows: pd.DataFrame, snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """Holder status and disposition; a seat of a holder deactivated long enough is stale."""
    users = snapshot.users.set_index("user_id")
    has_holder = rows.holder.notna()
    status = rows.holder.map(users.status)
    holder_status = status.where(status.notna(), "UNKNOWN").where(has_holder, None)
    since = rows.holder.map(users.deactivated_on)
    days = (pd.Timestamp(settings.as_of) - pd.to_datetime(since)).dt.days
    stale = (
        holder_status.eq("INACTIVE")
        & (days.ge(settings.stale_after_days) | since.isna())
        & rows.kind.eq(Kind.SEAT.value)
    )
    disposition = np.select(
        [
            rows.inventory_status.eq(LicenseStatus.SUSPENDED.value),
            stale,
            has_holder | rows.inventory_status.eq(LicenseStatus.ASSIGNED.value),
        ],
        [Disposition.SUSPENDED.value, Disposition.STALE.value, Disposition.IN_USE.value],
        Disposition.UNASSIGNED.value,
    )
    out = rows.assign(
        holder=rows.holder.astype(object).where(has_holder, None),
        holder_status=holder_status.astype(object),
        disposition=disposition,
    )
    out["waste"] = out.disposition.isin(WASTE)
    out["action"] = None
    out["to_user"] = None
    out["finding_id"] = None
    return out


def roles(snapshot: Snapshot, role: str) -> set[str]:
    """The license types the built-in catalogue gives ``role`` (``cc-license``, ``cc-pool``)."""
    types = snapshot.types
    if "role" not in types:
        return set()
    return set(types.license_type[types.role.eq(role)].astype(str))


def cc_seats_in_use(snapshot: Snapshot) -> int:
    """Contact-centre seats in use: the Additional Named User pool's assigned count, or its
    holders in users.csv when they are more (the inventory lags the users' view)."""
    pool_types = roles(snapshot, CC_POOL)
    if not pool_types:
        return 0
    pools = snapshot.pools[member(snapshot.pools.license_type, pool_types)]
    assigned = int((pools.total - pools.unassigned - pools.suspended).sum())
    held = snapshot.holdings[member(snapshot.holdings.license_type, pool_types)]
    return max(assigned, int(held.user_id.nunique()))


def cc_licenses_needed(seats: int) -> int:
    """X8 (Contact Center) licenses ``seats`` contact-centre seats take: 5 seats each."""
    return -(-seats // SEATS_PER_CC_LICENSE)


def cc_sentence(seats: int, licence_types: set[str], pool_types: set[str]) -> str:
    """Why the Contact Center pools are counted the way they are, for every report."""
    licence = " / ".join(sorted(licence_types)) or "X Series X8 (Contact Center)"
    pool = " / ".join(sorted(pool_types)) or "Additional Named User"
    need = cc_licenses_needed(seats)
    return (
        f"Contact Center: each {licence} license gives {SEATS_PER_CC_LICENSE} contact-centre "
        f"seats, counted in the {pool} pool, so the {licence} pool's own unassigned count never "
        f"moves. {seats} contact-centre seat(s) in use need {need} {licence} license(s); any "
        f"more are counted as unassigned at the {licence} price. The {pool} pool is shown "
        "with its counts but is not billed on its own."
    )


def contact_centre(rows: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """8x8's Contact Center pools, as billed: the seats live in one pool, the bill in another.

    Each "X Series X8 (Contact Center)" license gives 5 contact-centre seats, tracked in the
    Additional Named User pool, so the X8 (Contact Center) pool's own unassigned count never
    moves. The ANU rows leave the ledger (they are not billed: the pool is shown, never
    priced), and the X8 (Contact Center) licenses are disposed by need: ceil(ANU seats in
    use / 5) of them (or more, when more are held) are in use, the rest are unassigned, waste
    at the X8 (Contact Center) price. Stale and suspended rows keep their disposition.
    """
    pool_types = roles(snapshot, CC_POOL)
    licence_types = roles(snapshot, CC_LICENSE)
    rows = rows[~member(rows.license_type, pool_types)] if pool_types else rows
    if not licence_types:
        return rows
    cc = member(rows.license_type, licence_types) & rows.disposition.isin(
        [Disposition.IN_USE.value, Disposition.UNASSIGNED.value]
    )
    if not cc.any():
        return rows
    mine = rows[cc].assign(
        _held=rows.holder[cc].notna(),
        _assigned=rows.inventory_status[cc].eq(LicenseStatus.ASSIGNED.value),
    )
    mine = mine.sort_values(
        ["_held", "_assigned", "seat_id"], ascending=[False, False, True], kind="mergesort"
    )
    keep = max(cc_licenses_needed(cc_seats_in_use(snapshot)), int(mine._held.sum()))
    in_use = pd.Series(np.arange(len(mine)) < keep, index=mine.index)
    disposition = rows.disposition.copy()
    disposition[in_use.index] = np.where(
        in_use, Disposition.IN_USE.value, Disposition.UNASSIGNED.value
    )
    return rows.assign(disposition=disposition, waste=disposition.isin(WASTE))
