"""Per-site chargeback: what each site's licenses cost and waste a month, reconciled to the summary.

Finance charges sites back for their phones, so every license on the bill must land on exactly
one site (or on one visible "no site" row) and the sites must add up to the summary's figures.
Each row of the seat ledger is placed once:

- a seat with a holder is charged to the holder's site;
- a seat nobody holds is charged to the tenant's site in the state and country of its service
  address (the lowest ``site_id`` when several sites share a state), because that address is
  where 8x8 taxes and bills it;
- anything else (pool counts only, a holder with no site, an address where no site is) goes to
  the :data:`NO_SITE` row.

So the sites' ``seats`` add up to ``summary.seats_total``, their ``monthly_cost`` to
``summary.monthly_cost`` and their ``monthly_waste`` (the ledger rows an open finding covers)
to ``summary.monthly_waste``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.frames import member
from auditor.model import Snapshot
from auditor.vocab import Disposition, stored

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


def site_table(snapshot: Snapshot, ledger: pd.DataFrame, open_ids: set[str]) -> pd.DataFrame:
    """One row per site (plus :data:`NO_SITE` when anything lands there): seats, cost, waste.

    Waste follows the open findings: a suppressed one (spare seats kept on purpose, a user on
    legal hold) is not waste here either, so the sites still add up to the summary.
    """
    cents = ledger.price_cents.fillna(0).astype("int64")
    waste = ledger.waste & member(ledger.finding_id.fillna(""), open_ids)
    stale = ledger.disposition.eq(Disposition.STALE.value)
    charged = pd.DataFrame(
        {
            "key": _key(_site_of(snapshot, ledger).to_numpy()).to_numpy(),
            "seats": 1,
            "seats_unassigned": ledger.disposition.eq(Disposition.UNASSIGNED.value).astype("int64"),
            "stale_seats": stale.astype("int64"),
            "unpriced_seats": ledger.price_cents.isna().astype("int64"),
            "cost_cents": cents,
            "waste_cents": cents.where(waste, 0),
        }
    )
    per_site = pd.concat(
        [
            charged.groupby("key").sum(),
            _key(snapshot.users.site_id).value_counts().rename("users"),
        ],
        axis=1,
    )
    return _finish(per_site, snapshot.sites)


def _site_of(snapshot: Snapshot, ledger: pd.DataFrame) -> pd.Series:
    """Each ledger row's site: its holder's, else the site in its service address's state."""
    owner = ledger.holder.map(snapshot.users.set_index("user_id").site_id).astype(object)
    by_state = (
        pd.DataFrame({"country": ledger.country, "state": ledger.service_state})
        .astype(object)
        .merge(_state_site(snapshot), how="left", on=["country", "state"])
        .state_site
    )
    return owner.where(owner.notna() | ledger.holder.notna(), by_state.to_numpy())


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


def _finish(per_site: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Every tenant site (even an idle one), the no-site row if used, money in cents."""
    counts = ("users", "seats", "seats_unassigned", "stale_seats", "unpriced_seats")
    info = sites.set_index("site_id")[["name", "state", "country"]]
    index = pd.Index([*info.index, *(k for k in per_site.index if k not in info.index)])
    table = per_site.reindex(index)
    for column in (*counts, "cost_cents", "waste_cents"):
        table[column] = table[column].fillna(0).astype("int64")
    used = table.loc[~table.index.isin(info.index), list(counts)].ne(0).any(axis=1)
    table = table[table.index.isin(info.index) | used.reindex(table.index, fill_value=False)]
    out = table.join(info).reset_index(names="site_id")
    out["site"] = out.name.where(out.name.notna(), NO_SITE)
    out["site_id"] = out.site_id.where(out.site_id.ne(NO_SITE), "")
    waste = out.waste_cents
    out["monthly_cost_cents"] = out.cost_cents
    out["monthly_waste_cents"] = waste
    out["annual_waste_cents"] = waste * 12
    for column in ("state", "country"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out = out.assign(_last=out.site_id.eq("")).sort_values(
        ["_last", "site"], key=lambda s: s.str.casefold() if s.dtype != bool else s
    )
    columns = stored(SITE_COLUMNS)
    return out.loc[:, columns].reset_index(drop=True)
