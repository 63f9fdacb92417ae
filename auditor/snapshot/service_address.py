"""Where each license is taxed: its service address read, completed and normalised.

Runs once the users and sites are loaded, because a blank service country is taken from the
license's holder: PRODUCT.md's order is the license's own country (the Licenses page's country
group, the API's ``license.country``), else the holder's site's country, else the tenant's
only country; a license still without one is not compared for tax, and a warning says so.
One-line addresses are read into their parts first (:mod:`auditor.address`), accents are
folded, and a US territory written as a country is that US state.
"""

from __future__ import annotations

import pandas as pd

from auditor.snapshot import address
from auditor.snapshot import normalize as norm

_PARTS = ("service_street", "service_city", "service_state", "service_postal", "service_country")


def split_lines(units: pd.DataFrame) -> pd.DataFrame:
    """Fill blank state, postal and country cells from a one-line ``service_street``.

    Each distinct address is read once: a tenant's licenses share a handful of addresses.
    """
    cells = units.loc[:, list(_PARTS)].astype(str)
    distinct = cells.drop_duplicates()
    filled = {tuple(row): address.fill_from_lines(*row) for row in distinct.itertuples(index=False)}
    keys = list(cells.itertuples(index=False, name=None))
    out = pd.DataFrame([filled[k] for k in keys], columns=list(_PARTS), index=units.index)
    return units.assign(**{c: out[c] for c in _PARTS})


def fill_site_lines(sites: pd.DataFrame) -> pd.DataFrame:
    """sites.csv's blank state, postal and country cells from a one-line ``street``."""
    renamed = sites.rename(columns={c.removeprefix("service_"): c for c in _PARTS})
    return split_lines(renamed).rename(columns={c: c.removeprefix("service_") for c in _PARTS})


def locate(
    units: pd.DataFrame,
    holdings: pd.DataFrame,
    users: pd.DataFrame,
    sites: pd.DataFrame,
    label: str,
) -> tuple[pd.DataFrame, list[str]]:
    """``service_country_code`` and ``service_state_code`` for every license, and warnings."""
    country = units.service_country_code.astype(object)
    given = units.service_street.ne("") | units.service_state.ne("") | units.service_postal.ne("")
    if "country" in units:
        country = country.where(country.notna(), units.country.astype(object))
    by_id = holdings[holdings.license_id.ne("")].drop_duplicates("license_id")
    holder = units.license_id.map(by_id.set_index("license_id").user_id)
    holder = holder.where(holder.notna(), units.assigned_to.where(units.assigned_to.ne("")))
    site_country = holder.map(users.drop_duplicates("user_id").set_index("user_id").site_country)
    country = country.where(country.notna(), site_country)
    only = sites.country.dropna().unique()
    if len(only) == 1:
        country = country.where(country.notna() | ~given, only[0])
    states, warnings = norm.parse_states(units.service_state, country, label, "service_state")
    unknown = given & country.isna()
    states = states.where(~unknown, pd.NA)
    country, states = territories(country, states)
    located = units.assign(service_country_code=country, service_state_code=states)
    if unknown.any():
        first = units.license_id[unknown].iloc[0]
        warnings.append(
            f"{label}: {int(unknown.sum())} license(s) have a service address but no country, "
            f"and none could be inferred (first: {first!r}); their tax address is not compared. "
            "Add a service_country column."
        )
    return located, warnings


def territories(countries: pd.Series, states: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A place written "San Juan, Puerto Rico" is at (US, PR), as "PR, US" is."""
    pairs = [address.territory(c, s) for c, s in zip(_text(countries), _text(states), strict=True)]
    return (
        pd.Series([c for c, _ in pairs], index=countries.index, dtype=object),
        pd.Series([s for _, s in pairs], index=states.index, dtype=object),
    )


def _text(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]
