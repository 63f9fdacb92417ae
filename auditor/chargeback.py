"""Per-site chargeback: what each site's licenses cost and waste a month, reconciled to the summary.

Finance charges sites back for their phones, so every license on the bill must land on exactly
one site (or on one visible "no site" row) and the sites must add up to the summary's figures.

**Cost** follows the per-license inventory, the same view as ``summary.monthly_cost`` (every
pool's total x price): each license row is charged to the site of the user it is assigned to
(ASSIGNED and SUSPENDED rows with an ``assigned_to``); a license with no such user (UNASSIGNED,
or its user has no site) is charged to the tenant's site in the state and country of its
service address, the lowest ``site_id`` when several sites share a state, because that address
is where 8x8 taxes and bills it; anything else goes to the :data:`NO_SITE` row. So the sites'
``seats`` add up to ``summary.seats_total`` and their ``monthly_cost`` to
``summary.monthly_cost``.

With pool counts only (no per-license rows) a license cannot be placed, so the users' view
stands in: each site is charged the licenses its users hold, and the :data:`NO_SITE` row holds
the rest of each pool (negative when users hold more than the pool counts: see
``license-overassigned``), which keeps the totals reconciled.

**Waste** is the summary's two parts placed the same way: each unassigned license on the site
its cost is on, and each stale deactivated user's seats on that user's site. The sites'
``monthly_waste`` adds up to ``summary.monthly_waste``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.model import InventoryForm, LicenseStatus, Snapshot

#: The row for what no site can be charged for.
NO_SITE: Final = "(no site)"

#: Columns of ``Report.sites``, in output order; ``*_cents`` twins follow for exact sums.
SITE_COLUMNS: Final = (
    "site_id",
    "site",
    "state",
    "country",
    "users",
    "seats",
    "seats_unassigned",
    "stale_seats",
    "unpriced_seats",
    "monthly_cost",
    "monthly_waste",
    "annual_waste",
)


def site_table(
    snapshot: Snapshot, findings: pd.DataFrame, stale_rule: str, unassigned_rule: str
) -> pd.DataFrame:
    """One row per site (plus :data:`NO_SITE` when anything lands there): seats, cost, waste.

    Waste follows the open findings: a suppressed one (spare seats kept on purpose, a user on
    legal hold) is not waste here either, so the sites still add up to the summary.
    """
    if "suppressed" in findings:
        findings = findings[~findings.suppressed.astype(bool)]
    idle = set(findings.entity_id[findings.rule.eq(unassigned_rule)])
    if snapshot.licenses is not None and snapshot.inventory_form is InventoryForm.PER_LICENSE:
        charged = _per_license(snapshot, idle)
    else:
        charged = _per_pool(snapshot, idle)
    stale_ids = findings.entity_id[findings.rule.eq(stale_rule)]
    stale_cents = findings.monthly_cost_cents[findings.rule.eq(stale_rule)].to_numpy()
    users = snapshot.users.set_index("user_id")
    stale = pd.DataFrame(
        {
            "key": _key(users.site_id.reindex(stale_ids).to_numpy()),
            "stale_seats": users.seat_count.reindex(stale_ids).fillna(0).to_numpy(),
            "waste_cents": stale_cents,
        }
    )
    per_site = pd.concat(
        [
            charged.groupby("key").agg(
                seats=("seats", "sum"),
                seats_unassigned=("unassigned", "sum"),
                unpriced_seats=("unpriced", "sum"),
                cost_cents=("cost_cents", "sum"),
                waste_cents=("waste_cents", "sum"),
            ),
            stale.groupby("key").agg(
                stale_seats=("stale_seats", "sum"), stale_cents=("waste_cents", "sum")
            ),
            _key(snapshot.users.site_id).value_counts().rename("users"),
        ],
        axis=1,
    )
    return _finish(per_site, snapshot.sites)


def _key(site_ids: object) -> pd.Series:
    """Site ids as group keys, with :data:`NO_SITE` where there is none."""
    series = pd.Series(site_ids, dtype=object)
    return series.where(series.notna() & series.ne(""), NO_SITE)


def _state_site(snapshot: Snapshot) -> pd.DataFrame:
    """(country, state) -> the site taxed there: the lowest site_id when several share it."""
    sites = snapshot.sites.sort_values("site_id", kind="mergesort")
    sites = sites[sites.state.notna() & sites.country.notna()]
    first = sites.drop_duplicates(["country", "state"])
    first = first.rename(columns={"site_id": "state_site"})[["country", "state", "state_site"]]
    return first.astype(object)  # merge keys: an empty column must not turn float


def _per_license(snapshot: Snapshot, idle: set[str]) -> pd.DataFrame:
    """Each license row charged to its user's site, else its service address's site."""
    units = snapshot.licenses
    assert units is not None  # the caller checked
    units = units.merge(snapshot.types[["license_type", "price_cents"]], how="left")
    owner_site = units.assigned_to.map(snapshot.users.set_index("user_id").site_id)
    owned = units.status.ne(LicenseStatus.UNASSIGNED.value) & units.assigned_to.ne("")
    by_state = (
        units.astype({"service_country_code": object, "service_state_code": object})
        .merge(
            _state_site(snapshot),
            how="left",
            left_on=["service_country_code", "service_state_code"],
            right_on=["country", "state"],
        )
        .state_site
    )
    site = owner_site.where(owned).astype(object)
    site = site.where(site.notna(), by_state.to_numpy())
    unassigned = units.status.eq(LicenseStatus.UNASSIGNED.value)
    cents = units.price_cents.astype("Int64").fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "key": _key(site.to_numpy()).to_numpy(),
            "seats": 1,
            "unassigned": unassigned.astype("int64").to_numpy(),
            "unpriced": units.price_cents.isna().astype("int64").to_numpy(),
            "cost_cents": cents.to_numpy(),
            "waste_cents": cents.where(unassigned & units.license_type.isin(idle), 0).to_numpy(),
        }
    )


def _per_pool(snapshot: Snapshot, idle: set[str]) -> pd.DataFrame:
    """Pool counts only: users' holdings on their sites, each pool's remainder on no site."""
    prices = snapshot.types.set_index("license_type").price_cents.astype("Int64")
    held = snapshot.holdings.assign(
        site_id=snapshot.holdings.user_id.map(snapshot.users.set_index("user_id").site_id)
    )
    held_price = held.license_type.map(prices)
    on_sites = pd.DataFrame(
        {
            "key": _key(held.site_id.to_numpy()).to_numpy(),
            "seats": 1,
            "unassigned": 0,
            "unpriced": held_price.isna().astype("int64").to_numpy(),
            "cost_cents": held_price.fillna(0).astype("int64").to_numpy(),
            "waste_cents": 0,
        }
    )
    pools = snapshot.pools.set_index("license_type")
    held_count = held.groupby("license_type").size().reindex(pools.index, fill_value=0)
    pool_price = prices.reindex(pools.index)
    rest = pools.total - held_count
    pool_cents = pool_price.fillna(0).astype("int64")
    remainder = pd.DataFrame(
        {
            "key": NO_SITE,
            "seats": rest.to_numpy(),
            "unassigned": pools.unassigned.to_numpy(),
            "unpriced": rest.where(pool_price.isna(), 0).to_numpy(),
            "cost_cents": (rest * pool_cents).to_numpy(),
            "waste_cents": (
                pools.unassigned.where(pools.index.isin(idle), 0) * pool_cents
            ).to_numpy(),
        }
    )
    # held types missing from the inventory are not on the bill: take them off again
    billed = held.license_type.isin(pools.index).to_numpy()
    return pd.concat([on_sites[billed], remainder], ignore_index=True)


def _finish(per_site: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Every tenant site (even an idle one), the no-site row if used, cents made into money."""
    counts = ("users", "seats", "seats_unassigned", "stale_seats", "unpriced_seats")
    info = sites.set_index("site_id")[["name", "state", "country"]]
    index = pd.Index([*info.index, *(k for k in per_site.index if k not in info.index)])
    table = per_site.reindex(index)
    for column in (*counts, "cost_cents", "waste_cents", "stale_cents"):
        table[column] = table[column].fillna(0).astype("int64")
    used = table.loc[~table.index.isin(info.index), list(counts)].ne(0).any(axis=1)
    table = table[table.index.isin(info.index) | used.reindex(table.index, fill_value=False)]
    out = table.join(info).reset_index(names="site_id")
    out["site"] = out.name.where(out.name.notna(), NO_SITE)
    out["site_id"] = out.site_id.where(out.site_id.ne(NO_SITE), "")
    waste = out.waste_cents + out.stale_cents
    out["monthly_cost_cents"] = out.cost_cents
    out["monthly_waste_cents"] = waste
    out["monthly_cost"] = out.cost_cents / 100
    out["monthly_waste"] = waste / 100
    out["annual_waste"] = waste * 12 / 100
    for column in ("state", "country"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out = out.assign(_last=out.site_id.eq("")).sort_values(
        ["_last", "site"], key=lambda s: s.str.casefold() if s.dtype != bool else s
    )
    columns = [*SITE_COLUMNS, "monthly_cost_cents", "monthly_waste_cents"]
    return out.loc[:, columns].reset_index(drop=True)
