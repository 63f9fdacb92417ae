"""Licenses taxed at a service address in another state than where they are used."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.model import LicenseStatus, Settings, Severity, Snapshot
from auditor.rules._base import ledger_rows, results, rule
from auditor.rules._tax_by_address import by_address
from auditor.text import isolate, money, user_label

RULE_ID = "tax-address-mismatch"


def _per_license_reason(snapshot: Snapshot) -> str | None:
    """Why the per-license form cannot run, or None when it can (it then wins)."""
    units = snapshot.licenses
    if units is None:
        return "licenses.csv gives pool counts only, with no per-license service addresses"
    if len(units) and units.service_state.eq("").all() and units.service_country.eq("").all():
        return "licenses.csv has no service_state or service_country for any license"
    return None


def _needs_addresses(snapshot: Snapshot) -> str | None:
    reason = _per_license_reason(snapshot)
    if reason is None or snapshot.addresses is not None:
        return None
    return (
        f"{reason}, and there is no addresses.csv (auditor collect writes it from the API's "
        "address list, with how many licenses each address serves)"
    )


@rule(
    id=RULE_ID,
    entity="license",
    severity=Severity.MEDIUM,
    title="Licenses taxed for the wrong state",
    rationale=(
        "State taxes and fees (E911, USF) follow a license's service address, and an "
        "unassigned license keeps the address of the original sales order, so a seat used in "
        "one state can be taxed at another state's rates."
    ),
    remediation=(
        "Update the license's service address in Admin Console (Home > Licenses) to the "
        "site where it is used, or cancel it if it is not needed."
    ),
    requires=_needs_addresses,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """Held (by the ledger's holder): service (country, state) differs from the holder's site;
    unassigned and held by nobody: matches no site of the tenant. A postal-code-only
    difference is not a mismatch; a side that is blank is not compared.

    Without a per-license inventory, the by-address form (:mod:`auditor.rules._tax_by_address`)
    reads addresses.csv: one finding per address serving licenses in a (country, state)
    where no site is. With one, the per-license form wins and the by-address form does not
    run, so no license is counted twice.
    """
    if _per_license_reason(snapshot) is not None:
        return by_address(snapshot, settings)
    units = snapshot.licenses
    assert units is not None  # guaranteed by _needs_addresses
    units = units.merge(snapshot.types[["license_type", "price_cents"]], on="license_type")
    # Who holds each license is the ledger's word (license_ids, then assigned_to, then types).
    holders = ledger_rows(snapshot).set_index("seat_id").holder
    units = units.assign(assigned_to=units.license_id.map(holders).astype(object).fillna(""))
    assigned = _assigned(units, snapshot)
    unassigned = _unassigned(units, snapshot)
    hits = pd.concat([assigned, unassigned], ignore_index=True)
    known = hits.price_cents.notna()
    hits["entity_id"] = hits.license_id
    hits["severity"] = Severity.MEDIUM.value
    hits["monthly_cost_cents"] = hits.price_cents.fillna(0).astype("int64")
    hits["cost_known"] = known
    hits["detail"] = (
        hits.detail
        + " The license costs "
        + money(hits.price_cents.astype("Int64"), snapshot.currency)
        + " a month, and its taxes are computed for the service address."
    )
    return results(hits)


def _where(state: pd.Series, country: pd.Series) -> pd.Series:
    """``CA, US`` from code columns, leaving out a blank part."""
    s = isolate(state.fillna("").astype(str))  # a state pycountry does not know stays as written
    c = isolate(country.fillna("").astype(str))
    both = s.ne("") & c.ne("")
    return (s + np.where(both, ", ", "") + c).where(s.ne("") | c.ne(""), "an unknown place")


def _address(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """A one-line address from street, city, state and postal columns named with ``prefix``."""
    parts = [isolate(frame[f"{prefix}{p}"].fillna("").astype(str)) for p in ("street", "city")]
    line = parts[0].str.cat(parts[1], sep=", ").str.strip(", ")
    tail = (
        isolate(frame[f"{prefix}state_code"].fillna("").astype(str))
        + " "
        + isolate(frame[f"{prefix}postal"].fillna("").astype(str))
    ).str.strip()
    return line.str.cat(tail, sep=", ").str.strip(", ")


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where both sides are known and differ."""
    return a.notna() & b.notna() & a.ne(b)


def _assigned(units: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    owners = snapshot.users[["user_id", "site_id", "site_name", "site_state", "site_country"]]
    live = units[units.assigned_to.ne("") & units.status.ne(LicenseStatus.SUSPENDED.value)]
    live = live.merge(owners, left_on="assigned_to", right_on="user_id", how="inner")
    live = live[live.site_id.notna()]
    mismatch = _differs(live.service_country_code, live.site_country) | _differs(
        live.service_state_code, live.site_state
    )
    # Text is built for the mismatches only: at a million licenses that is most of the cost.
    hits = live[mismatch].rename(columns={"site_name": "site"}).reset_index(drop=True)
    people = snapshot.users.set_index("user_id").loc[hits.user_id].reset_index()
    hits["owner"] = user_label(people)
    sites = snapshot.sites.set_index("site_id")
    site_rows = sites.loc[hits.site_id].reset_index()
    site_address = _address(site_rows.rename(columns={"state": "state_code"}), "")
    service = _where(hits.service_state_code, hits.service_country_code)
    site_where = _where(hits.site_state, hits.site_country)
    hits["license_type"] = hits.license_type
    license_id, license_type = isolate(hits.license_id), isolate(hits.license_type)
    hits["title"] = (
        "License "
        + license_id
        + " ("
        + license_type
        + ") is taxed in "
        + service
        + " but used in "
        + site_where
    )
    hits["detail"] = (
        "Assigned to "
        + hits.owner
        + " at site "
        + isolate(hits.site)
        + " ("
        + site_where
        + "), but its service address is "
        + _address(hits, "service_")
        + "."
    )
    hits["recommendation"] = (
        "Change license "
        + license_id
        + "'s service address to the site's, "
        + site_address
        + ", in Admin Console (Home > Licenses)."
    )
    return hits


def _unassigned(units: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    idle = units[units.status.eq(LicenseStatus.UNASSIGNED.value) & units.assigned_to.eq("")].copy()
    sites = snapshot.sites
    state = idle.service_state_code
    country = idle.service_country_code
    matches = pd.Series(False, index=idle.index)
    for site_state, site_country in (
        sites[["state", "country"]].drop_duplicates().itertuples(index=False)
    ):
        same_country = country.isna() | pd.isna(site_country) | country.eq(site_country)
        same_state = state.isna() | pd.isna(site_state) | state.eq(site_state)
        matches |= same_country & same_state
    known = state.notna() | country.notna()
    hits = idle[known & ~matches].copy()
    service = _where(hits.service_state_code, hits.service_country_code)
    hits["site"] = None
    hits["title"] = (
        "Unassigned license "
        + isolate(hits.license_id)
        + " ("
        + isolate(hits.license_type)
        + ") is taxed in "
        + service
        + ", where no site is"
    )
    hits["detail"] = (
        "The license is unassigned and kept the service address of its original order, "
        + _address(hits, "service_")
        + "; the tenant has no site in "
        + service
        + "."
    )
    hits["recommendation"] = (
        "If the seat is needed, assign it and set its service address to the user's site in "
        "Admin Console (Home > Licenses); otherwise file a partial cancellation (30 days' notice)."
    )
    return hits
