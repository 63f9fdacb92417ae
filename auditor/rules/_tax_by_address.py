"""``tax-address-mismatch`` from the API alone: addresses serving licenses where no site is.

8x8's address list counts, per address, the licenses whose service address it is
(``addressUsage.license``). An address serving licenses whose (country, state) is no site's
means licenses taxed (E911, USF, state fees) where nobody of the tenant works: the tax
problem seen without the per-license Licenses page export. Which licenses they are, the
API does not say, so the money is an estimate, and says so: the count at the tenant's most
common seat price (the ledger's seat rows; the lowest among equally common prices), or
unknown when no seat has a price. As for an unassigned license, a postal-code-only
difference is not a mismatch: an address in a state where a site is, is not flagged.
"""

from __future__ import annotations

import pandas as pd

from auditor.model import Kind, Settings, Severity, Snapshot
from auditor.rules._base import ENTITY_TYPE, ledger_rows, results
from auditor.text import isolate, money, money_text


def common_seat_price(snapshot: Snapshot) -> int | None:
    """The most common known price among the ledger's seat rows (lowest on a tie), or None."""
    rows = ledger_rows(snapshot)
    prices = rows.price_cents[rows.kind.eq(Kind.SEAT.value) & rows.price_cents.notna()]
    if prices.empty:
        return None
    counts = prices.astype("int64").value_counts()
    return int(min(counts.index[counts.eq(counts.max())]))


def _where(frame: pd.DataFrame) -> pd.Series:
    state = isolate(frame.state.fillna("").astype(str))
    country = isolate(frame.country.fillna("").astype(str))
    return (state + ", " + country).str.strip(", ")


def by_address(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per address of addresses.csv with licenses in a (country, state) no site
    is in; entity the address."""
    table = snapshot.addresses
    assert table is not None  # the rule's requirement
    serving = table[table.license_count.fillna(0).gt(0)]
    places = snapshot.sites[["state", "country"]].drop_duplicates()
    matches = pd.Series(False, index=serving.index)
    for site_state, site_country in places.itertuples(index=False):
        same_country = (
            serving.country.isna() | pd.isna(site_country) | serving.country.eq(site_country)
        )
        same_state = serving.state.isna() | pd.isna(site_state) | serving.state.eq(site_state)
        matches |= same_country & same_state
    hits = serving[~matches].copy()
    price = common_seat_price(snapshot)
    count = hits.license_count.astype("int64")
    cost = (
        (count * price).astype("Int64")
        if price is not None
        else pd.Series(pd.NA, index=hits.index, dtype="Int64")
    )
    where = _where(hits)
    line = hits.display_form.where(hits.display_form.ne(""), "")
    parts = hits.street + ", " + hits.city + ", " + hits.state.fillna("") + " " + hits.postal
    line = isolate(line.where(line.ne(""), parts.str.strip(", ")).astype(str))
    many = count.ne(1)
    licenses = (
        count.astype(str)
        + pd.Series(" license", index=hits.index)
        + many.map({True: "s", False: ""})
    )
    if price is not None:
        each = money_text(price, snapshot.currency)
        basis = (
            f"Priced at the tenant's most common seat price, {each} a month each (8x8's list "
            "does not say which licenses they are), that is "
        )
    else:
        basis = "No seat has a known price, so what these licenses cost is "
    hits["entity_id"] = hits.address_id
    hits[ENTITY_TYPE] = "address"
    hits["severity"] = Severity.MEDIUM.value
    hits["title"] = licenses + " taxed at " + line + " (" + where + "), where no site is"
    hits["detail"] = (
        "8x8's address list counts "
        + licenses
        + " whose service address is "
        + line
        + "; the tenant has no site in "
        + where
        + ", so their E911 and state taxes and fees are charged for "
        + where
        + ". "
        + basis
        + money(cost, snapshot.currency)
        + " a month."
    )
    hits["recommendation"] = (
        "In Admin Console (Home > Licenses), find the licenses with this service address and "
        "change each to the address of the site where it is used, or cancel those not needed."
    )
    hits["monthly_cost_cents"] = cost.fillna(0).astype("int64")
    hits["cost_known"] = cost.notna()
    hits["site"] = None
    hits["license_type"] = None
    return results(hits)
