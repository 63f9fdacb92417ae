"""The Tax worksheet's table: each mismatched license's service address beside its site's.

Whoever fixes a tax address works in Admin Console (Home > Licenses), one license at a time,
and needs the address the license carries next to the one it should carry. The rule
``tax-address-mismatch`` decides which licenses are wrong; this module only lays the two
addresses side by side for those licenses.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.model import Snapshot
from auditor.text import user_label
from auditor.vocab import stored

#: Columns of ``Report.tax``, in output order.
TAX_COLUMNS: Final = (
    "license_id",
    "license_type",
    "status",
    "assigned_to",
    "user",
    "site",
    "monthly_price",
    "service_street",
    "service_city",
    "service_state",
    "service_postal",
    "service_country",
    "site_street",
    "site_city",
    "site_state",
    "site_postal",
    "site_country",
    "recommendation",
)


def tax_table(snapshot: Snapshot, findings: pd.DataFrame, rule: str) -> pd.DataFrame:
    """One row per ``rule`` finding (a license), in the findings' order."""
    hits = findings[findings.rule.eq(rule)]
    if "entity_type" in hits:  # findings by address have no license to lay out here
        hits = hits[hits.entity_type.eq("license")]
    if snapshot.licenses is None or hits.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in stored(TAX_COLUMNS)})
    units = snapshot.licenses.set_index("license_id").reindex(hits.entity_id)
    if snapshot.ledger is not None:  # the holder is the ledger's, as the rule judged it
        holders = snapshot.ledger.rows.set_index("seat_id").holder
        units = units.assign(
            assigned_to=units.index.to_series().map(holders).fillna("").astype(str)
        )
    users = snapshot.users.set_index("user_id")
    labels = user_label(snapshot.users).set_axis(snapshot.users.user_id)
    site_ids = units.assigned_to.map(users.site_id)
    sites = snapshot.sites.set_index("site_id").reindex(site_ids)
    prices = snapshot.types.set_index("license_type").price_cents.astype("Int64")
    table = pd.DataFrame(
        {
            "license_id": hits.entity_id.to_numpy(),
            "license_type": units.license_type.to_numpy(),
            "status": units.status.to_numpy(),
            "assigned_to": units.assigned_to.to_numpy(),
            "user": units.assigned_to.map(labels).fillna("").to_numpy(),
            "site": hits.site.to_numpy(),
            "monthly_price_cents": units.license_type.map(prices).astype("Int64").to_numpy(),
        }
    )
    for part in ("street", "city", "postal"):
        table[f"service_{part}"] = units[f"service_{part}"].to_numpy()
        table[f"site_{part}"] = sites[part].to_numpy()
    table["service_state"] = units.service_state_code.fillna(units.service_state).to_numpy()
    table["service_country"] = units.service_country_code.fillna(units.service_country).to_numpy()
    table["site_state"] = sites.state.to_numpy()
    table["site_country"] = sites.country.to_numpy()
    table["recommendation"] = hits.recommendation.to_numpy()
    return table.loc[:, stored(TAX_COLUMNS)]
