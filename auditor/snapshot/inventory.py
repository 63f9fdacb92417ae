"""licenses.csv in either of its two shapes, reduced to pools (and licenses when per license).

Per license (the Licenses page's detail panel): one row per license unit with its status,
assignee and service address; pools are counts of rows by status. Per pool (only the page's
counts at hand): one row per type with total, unassigned and suspended; no addresses, so the
tax rule cannot run and says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.model import InventoryForm, LicenseStatus
from auditor.snapshot import normalize as norm
from auditor.snapshot.catalogue import Catalogue
from auditor.snapshot.csvio import header_key, read_raw, select_columns
from auditor.snapshot.service_address import split_lines
from auditor.snapshot.tables import LICENSES, POOLS

SERVICE_COLUMNS = (
    "service_street",
    "service_city",
    "service_state",
    "service_postal",
    "service_country",
)


@dataclass(frozen=True)
class Inventory:
    """What licenses.csv says: its form, the units (per license only) and the pools."""

    form: InventoryForm
    licenses: pd.DataFrame | None
    pools: pd.DataFrame
    warnings: tuple[str, ...] = ()


def _form(raw: pd.DataFrame, label: str) -> InventoryForm:
    keys = {header_key(str(h)) for h in raw.columns}
    if any(header_key(s) in keys for s in LICENSES.column("license_id").spellings):
        return InventoryForm.PER_LICENSE
    if any(header_key(s) in keys for s in POOLS.column("total").spellings):
        return InventoryForm.PER_POOL
    raise InputError(
        f"{label} is in neither licenses.csv form: expected license_id, license_type, status "
        "(one row per license) or license_type, total, unassigned (one row per type)."
    )


def load_inventory(path: Path, catalogue: Catalogue) -> Inventory:
    """Read licenses.csv, whichever form it is in, with types resolved through ``catalogue``."""
    label = str(path)
    warnings: list[str] = []
    raw = read_raw(path, label, warnings)
    if _form(raw, label) is InventoryForm.PER_POOL:
        found = _per_pool(select_columns(raw, POOLS, label), catalogue, label)
    else:
        found = _per_license(select_columns(raw, LICENSES, label), catalogue, label)
    if raw.empty:
        warnings.append(f"{label} lists no licenses.")
    return dataclasses.replace(found, warnings=(*warnings, *found.warnings))


def _per_pool(table: pd.DataFrame, catalogue: Catalogue, label: str) -> Inventory:
    norm.require_nonblank(table.license_type, label, "license_type")
    types = catalogue.resolve(table.license_type)
    # Licenses are per country (the Licenses page groups a type by country): a type may
    # repeat once per country, never twice for one.
    country = norm.parse_countries(
        table.get("country", pd.Series("", index=table.index)), label, "country", allow_blank=True
    )
    if "country" in table:
        where = types + " in " + country.fillna("no country")
        norm.require_unique(where, label, "license_type and country")
    else:
        norm.require_unique(types, label, "license_type")
    total = norm.parse_count(table.total, label, "total", default=None)
    unassigned = norm.parse_count(table.unassigned, label, "unassigned", default=0)
    suspended = (
        norm.parse_count(table.suspended, label, "suspended", default=0)
        if "suspended" in table
        else pd.Series(0, index=table.index, dtype="int64")
    )
    over = unassigned + suspended > total
    if over.any():
        i = int(over.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{label} row {norm.spreadsheet_row(i)}: unassigned ({unassigned[i]}) plus suspended "
            f"({suspended[i]}) exceed total ({total[i]}) for {types[i]!r}."
        )
    pools = pd.DataFrame(
        {
            "license_type": types,
            "total": total,
            "unassigned": unassigned,
            "suspended": suspended,
        }
    )
    if "country" in table:
        pools["country"] = country.astype(object).where(country.notna(), None)
    return Inventory(InventoryForm.PER_POOL, None, pools)


def _per_license(table: pd.DataFrame, catalogue: Catalogue, label: str) -> Inventory:
    norm.require_nonblank(table.license_id, label, "license_id")
    norm.require_unique(table.license_id, label, "license_id")
    norm.require_nonblank(table.license_type, label, "license_type")
    status = norm.parse_choice(table.status, norm.LICENSE_STATUS, label, "status").astype(str)
    licenses = pd.DataFrame(
        {
            "license_id": table.license_id,
            "license_type": catalogue.resolve(table.license_type),
            "status": status,
            "assigned_to": table.get("assigned_to", pd.Series("", index=table.index)),
        }
    )
    for column in SERVICE_COLUMNS:
        licenses[column] = table.get(column, pd.Series("", index=table.index))
    licenses = split_lines(licenses)  # "7 W 34TH ST, 613, New York NY, 10001" in one cell
    licenses["country"] = norm.parse_countries(
        table.get("country", pd.Series("", index=table.index)), label, "country", allow_blank=True
    )
    countries = norm.parse_countries(
        licenses.service_country, label, "service_country", allow_blank=True
    )
    # States are read once the blank countries are inferred from the holders' sites
    # (auditor.service_address.locate, when the users are loaded).
    licenses["service_country_code"] = countries
    licenses["service_state_code"] = pd.Series(pd.NA, index=licenses.index, dtype=object)
    counts = pd.crosstab(licenses.license_type, licenses.status)
    pools = pd.DataFrame(
        {
            "license_type": counts.index.astype(str),
            "total": counts.sum(axis=1).to_numpy(),
            "unassigned": counts.get(
                LicenseStatus.UNASSIGNED.value, pd.Series(0, index=counts.index)
            ).to_numpy(),
            "suspended": counts.get(
                LicenseStatus.SUSPENDED.value, pd.Series(0, index=counts.index)
            ).to_numpy(),
        }
    ).astype({"total": "int64", "unassigned": "int64", "suspended": "int64"})
    return Inventory(
        InventoryForm.PER_LICENSE,
        licenses,
        pools,
    )
