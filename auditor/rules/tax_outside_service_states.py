"""The statement charges a tax or fee for a state where the tenant has no site and no license."""

from __future__ import annotations

import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import money_severity, results, rule
from auditor.rules._bill import needs_statement
from auditor.text import isolate, money
from auditor.vocab import TAXES

RULE_ID = "tax-outside-service-states"


@rule(
    id=RULE_ID,
    entity="bill_line",
    severity=Severity.MEDIUM,
    title="Tax or fee charged for a state with no service",
    rationale=(
        "State taxes and fees (E911, USF...) follow each license's service address; a "
        "license still carrying an old sales order's address, or a billing error, is taxed "
        "for a state where nobody works."
    ),
    remediation=(
        "Ask 8x8 which licenses carry that state's service address, correct them to the "
        "holders' sites, and claim the tax or fee back as a credit."
    ),
    requires=needs_statement,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per tax or fee line (description and jurisdiction) charged for a place
    that is neither a site's state nor any license's service state.

    Lines without a jurisdiction (federal charges) are not judged; a jurisdiction that is a
    country is compared with the tenant's countries.
    """
    lines = snapshot.statement
    assert lines is not None  # needs_statement
    taxed = lines[lines.category.isin(TAXES) & lines.jurisdiction.str.strip().ne("")]
    states, countries = _served(snapshot)
    state = taxed.jurisdiction_state
    by_state = state.notna()
    pairs = list(zip(taxed.jurisdiction_country, state, strict=True))
    outside_state = pd.Series(
        [
            (c, s) not in states if isinstance(c, str) else s not in {x for _, x in states}
            for c, s in pairs
        ],
        index=taxed.index,
        dtype=bool,
    )
    outside_country = ~taxed.jurisdiction_country.isin(countries)
    outside = (by_state & outside_state) | (~by_state & outside_country)
    hit_lines = taxed[outside]
    grouped = hit_lines.groupby(["description", "jurisdiction"], sort=True).agg(
        amount_cents=("amount_cents", "sum"),
        rows=("row", lambda r: ", ".join(str(v) for v in r)),
        place=("jurisdiction_state", "first"),
        country=("jurisdiction_country", "first"),
    )
    hits = grouped.reset_index()
    currency = snapshot.currency
    cost = hits.amount_cents.clip(lower=0).astype("Int64")
    place = isolate(hits.jurisdiction.astype(str))
    what = isolate(hits.description.astype(str))
    hits["title"] = what + " charged for " + place + ", where there is no site or license"
    hits["detail"] = (
        "The statement (row "
        + hits.rows.astype(str)
        + ") charges "
        + money(hits.amount_cents.astype("Int64"), currency)
        + " of "
        + what
        + " for "
        + place
        + ", but no site is there and no license has its service address there."
    )
    hits["recommendation"] = (
        "Claim a credit of "
        + money(cost, currency)
        + " from 8x8 and ask which licenses carry a service address in "
        + place
        + "; have them corrected to their holders' sites so the charge stops."
    )
    hits["entity_id"] = hits.description.astype(str) + " (" + hits.jurisdiction.astype(str) + ")"
    hits["severity"] = money_severity(cost, pd.Series(True, index=hits.index), settings)
    hits["monthly_cost_cents"] = cost.astype("int64")
    hits["cost_known"] = True
    hits["site"] = None
    hits["license_type"] = None
    return results(hits)


def _served(snapshot: Snapshot) -> tuple[set[tuple[str, str]], set[str]]:
    """The (country, state) pairs and countries the tenant has a site or a license in."""
    sites = snapshot.sites
    states = {
        (str(c), str(s))
        for c, s in zip(sites.country, sites.state, strict=True)
        if pd.notna(c) and pd.notna(s)
    }
    countries = {str(c) for c in sites.country.dropna()}
    units = snapshot.licenses
    if units is not None:
        countries |= {str(c) for c in units.service_country_code.dropna()}
        states |= {
            (str(c), str(s))
            for c, s in zip(units.service_country_code, units.service_state_code, strict=True)
            if pd.notna(c) and pd.notna(s)
        }
    return states, countries
