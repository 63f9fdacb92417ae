"""Load a snapshot folder (users, sites, licenses, prices, manifest) into a :class:`Snapshot`.

Everything the rules need is settled here, once: statuses, dates, sites resolved by id or by
name, states and countries normalised, license type names made canonical, and each user's
seats counted and priced. Bad input raises :class:`InputError` naming file, row and column;
doubtful input the audit can survive becomes a warning carried into every report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.frames import member
from auditor.model import Kind, LicenseStatus, Snapshot
from auditor.snapshot import normalize as norm
from auditor.snapshot.address_list import load_addresses
from auditor.snapshot.catalogue import Catalogue, load_prices
from auditor.snapshot.contract import load_contract
from auditor.snapshot.csvio import hashed_reads, input_file, read_table, remember
from auditor.snapshot.inventory import Inventory, load_inventory
from auditor.snapshot.phone_numbers import load_numbers
from auditor.snapshot.service_address import fill_site_lines, locate, territories
from auditor.snapshot.statement import load_statement
from auditor.snapshot.tables import SITES, USERS

#: Text columns every users table has after loading (blank when the file lacked them).
USER_TEXT_COLUMNS = tuple(c.name for c in USERS.columns if not c.name.endswith("_at"))
USER_DATE_COLUMNS = ("created_at", "last_updated_at", "deactivated_at")
#: Columns of ``Snapshot.holdings``: one row per license a user claims (id empty: by type).
HOLDING_COLUMNS = ("user_id", "license_type", "license_id")


@hashed_reads
def load(
    directory: Path,
    *,
    licenses: Path | None = None,
    prices: Path | None = None,
    origin: str | None = None,
    contract: Path | None = None,
    statement: Path | None = None,
) -> Snapshot:
    """Read and validate a snapshot folder; ``licenses``/``prices``/``contract`` replace the
    folder's own (contract.csv is optional: without one, no renewal or buy-out is known).

    ``origin`` says where the folder's users and sites came from (the API's URL) when the
    folder is only a scratch copy: messages then name it instead of a path that is gone by
    the time anyone reads them. ``statement`` is 8x8's monthly bill; without it the
    folder's own ``statement.csv`` is read when there is one (it is optional).
    """
    if not directory.exists():
        raise InputError(f"{directory}: the snapshot folder does not exist.")
    if not directory.is_dir():
        raise InputError(f"{directory}: expected a snapshot folder but found a file.")
    paths = {
        "users": directory / "users.csv",
        "sites": directory / "sites.csv",
        "licenses": licenses or directory / "licenses.csv",
        "prices": prices or directory / "prices.csv",
    }
    manifest_path = directory / "manifest.json"
    manifest = _manifest(manifest_path) if manifest_path.exists() else {}

    catalogue = load_prices(paths["prices"])
    inventory = load_inventory(paths["licenses"], catalogue)
    labels = {
        name: f"{name}.csv as collected from {origin}" if origin else str(paths[name])
        for name in ("users", "sites")
    }
    for name in ("numbers", "addresses"):
        path = directory / f"{name}.csv"
        labels[name] = f"{name}.csv as collected from {origin}" if origin else str(path)
    sites, site_warnings = _sites(paths["sites"], labels["sites"])
    users, columns, user_warnings = _users(paths["users"], sites, labels["users"])
    inventory = _resolve_assignees(inventory, users)
    holding_warnings: list[str] = []
    holdings, holdings_known = _holdings(
        users, columns, inventory, catalogue, labels["users"], holding_warnings
    )
    # Optional: the API's phone numbers and address list (``auditor collect`` writes them).
    numbers: pd.DataFrame | None = None
    number_warnings: list[str] = []
    numbers_path = _present(directory / "numbers.csv")
    if numbers_path is not None:
        numbers, number_warnings = load_numbers(numbers_path, catalogue, labels["numbers"])
    address_list: pd.DataFrame | None = None
    address_list_warnings: list[str] = []
    address_list_path = _present(directory / "addresses.csv")
    if address_list_path is not None:
        address_list, address_list_warnings = load_addresses(address_list_path, labels["addresses"])
    if inventory.licenses is not None:
        located, address_warnings = locate(
            inventory.licenses, holdings, users, sites, str(paths["licenses"])
        )
        inventory = dataclasses.replace(
            inventory, licenses=located, warnings=(*inventory.warnings, *address_warnings)
        )
    # Unknown types take their final spelling only now that every file's spellings are seen.
    holdings["license_type"] = catalogue.settle(holdings.license_type)
    if numbers is not None:
        numbers["license_type"] = catalogue.settle(numbers.license_type)
    inventory = _settled(inventory, catalogue)
    types = catalogue.types()
    users = _seat_figures(users, holdings, types)
    warnings = [
        *_manifest_warnings(manifest),
        *catalogue.warnings,
        *catalogue.unknown_warnings(paths["prices"].name),
        *inventory.warnings,
        *site_warnings,
        *user_warnings,
        *holding_warnings,
        *_assignee_warnings(inventory, users, str(paths["licenses"])),
        *_unpooled_warnings(holdings, inventory, types, str(paths["licenses"])),
        *number_warnings,
        *address_list_warnings,
    ]
    inputs = [input_file(p) for p in paths.values()]
    if manifest_path.exists():
        inputs.append(input_file(manifest_path))
    inputs += [input_file(p) for p in (numbers_path, address_list_path) if p is not None]
    contract_path = contract or directory / "contract.csv"
    terms = None
    if contract is not None or contract_path.exists():
        terms = load_contract(contract_path, catalogue, types.license_type)
        inputs.append(input_file(contract_path))
    statement_path = statement or _present(directory / "statement.csv")
    bill = None
    if statement_path is not None:
        bill, bill_warnings = load_statement(
            statement_path,
            catalogue.names(),
            catalogue.currency,
            sorted(sites.country.dropna().unique()),
        )
        warnings += bill_warnings
        inputs.append(input_file(statement_path))
    return Snapshot(
        users=users,
        sites=sites,
        holdings=holdings,
        licenses=inventory.licenses,
        pools=inventory.pools,
        types=types,
        currency=catalogue.currency,
        inventory_form=inventory.form,
        holdings_known=holdings_known,
        users_list_licenses=bool({"licenses", "license_ids"} & columns),
        country_prices=catalogue.country_prices,
        tenant=_text(manifest.get("tenant")),
        collected_at=_collected_at(manifest, manifest_path),
        inputs=tuple(inputs),
        warnings=tuple(warnings),
        contract=terms,
        statement=bill,
        numbers=numbers,
        addresses=address_list,
    )


def _present(path: Path) -> Path | None:
    return path if path.exists() else None


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _manifest(path: Path) -> dict[str, object]:
    try:
        raw = path.read_bytes()
        remember(path, raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable JSON manifest ({exc}).") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object.")
    return data


def _manifest_warnings(manifest: dict[str, object]) -> list[str]:
    """What the collector doubted (users with no status...), carried into every report."""
    said = manifest.get("warnings")
    return [str(w) for w in said] if isinstance(said, list) else []


def _collected_at(manifest: dict[str, object], path: Path) -> dt.date | None:
    value = manifest.get("collected_at")
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise InputError(f"{path}, key collected_at: {value!r} is not an ISO 8601 date.") from exc


def _sites(path: Path, label: str) -> tuple[pd.DataFrame, list[str]]:
    warnings: list[str] = []
    table = read_table(path, SITES, label, warnings)
    norm.require_rows(table, label, "site")
    for column in ("site_id", "name"):
        norm.require_nonblank(table[column], label, column)
    norm.require_unique(table.site_id, label, "site_id")
    for column in ("street", "city", "postal"):
        if column not in table:
            table[column] = ""
    table = fill_site_lines(table)
    table["country"] = norm.parse_countries(table.country, label, "country", allow_blank=False)
    table["state"], unknown = norm.parse_states(table.state, table.country, label, "state")
    table["country"], table["state"] = territories(table.country, table.state)
    return table, [*warnings, *unknown]


def _resolve_sites(refs: pd.Series, sites: pd.DataFrame) -> pd.Series:
    """Site id for each reference, matched by id, then id or name case-insensitively."""
    by_id = pd.Series(sites.site_id.to_numpy(), index=sites.site_id)
    resolved = refs.map(by_id)
    for column in ("site_id", "name"):
        keys = norm.key(sites[column])
        unique = ~keys.duplicated(keep=False)
        lookup = pd.Series(sites.site_id[unique].to_numpy(), index=keys[unique])
        resolved = resolved.fillna(norm.key(refs).map(lookup))
    return resolved


def _users(path: Path, sites: pd.DataFrame, label: str) -> tuple[pd.DataFrame, set[str], list[str]]:
    warnings: list[str] = []
    table = read_table(path, USERS, label, warnings)
    norm.require_rows(table, label, "user")
    columns = set(table.columns)
    norm.require_nonblank(table.user_id, label, "user_id")
    norm.require_unique(table.user_id, label, "user_id")
    for column in USER_TEXT_COLUMNS:
        if column not in table:
            table[column] = ""
    # UNKNOWN is what `auditor collect` writes for a user the API gave no status: kept, in
    # neither the active nor the inactive rules, counted apart in the summary.
    unknown = norm.key(table.status).eq("unknown")
    active = (
        norm.parse_choice(
            table.status.where(~unknown, "inactive"), norm.USER_STATUS, label, "status"
        ).astype(bool)
        & ~unknown
    )
    table["active"] = active
    table["status"] = active.map({True: "ACTIVE", False: "INACTIVE"}).astype(str)
    table.loc[unknown, "status"] = "UNKNOWN"
    if unknown.any():
        first = int(unknown.to_numpy().nonzero()[0][0])
        warnings.append(
            f"{label}: {int(unknown.sum())} user(s) have status UNKNOWN (first: row "
            f"{norm.spreadsheet_row(first)}, {table.user_id[first]!r}); they are in neither the "
            "active nor the inactive checks, and the seats they hold count as in use."
        )
    for column in USER_DATE_COLUMNS:
        raw = table[column] if column in table else pd.Series("", index=table.index)
        table[column] = norm.parse_dates(raw, label, column)
    table["deactivated_on"] = table.deactivated_at.fillna(table.last_updated_at)
    table["deactivation_source"] = (
        pd.Series("deactivated_at", index=table.index)
        .where(table.deactivated_at.notna(), "last_updated_at")
        .where(table.deactivated_on.notna(), "unknown")
    )
    site_id = _resolve_sites(table.site, sites)
    site_info = sites.set_index("site_id")
    table["site_id"] = site_id
    table["site_name"] = site_id.map(site_info["name"])
    table["site_state"] = site_id.map(site_info["state"])
    table["site_country"] = site_id.map(site_info["country"])
    unknown = site_id.isna()
    if unknown.any():
        first = int(unknown.to_numpy().nonzero()[0][0])
        warnings.append(
            f"{label}: {int(unknown.sum())} user(s) name a site sites.csv does not have "
            f"(first: row {norm.spreadsheet_row(first)}, {table.site[first]!r}); "
            "their licenses' tax addresses are not checked."
        )
    return table, columns, warnings


def _resolve_assignees(inventory: Inventory, users: pd.DataFrame) -> Inventory:
    """``assigned_to`` as user ids: the Licenses page names an assignee, and a sheet may hold
    their email or display name ("Jane Doe") instead of the id; SCIM users.csv has no
    licenses, so this column is who holds what. A name two users share stays unresolved."""
    units = inventory.licenses
    if units is None:
        return inventory
    named = units.assigned_to
    todo = named.ne("") & ~member(named, users.user_id)
    if not todo.any():
        return inventory
    display = (users.first_name + " " + users.last_name).str.strip()
    resolved = pd.Series(pd.NA, index=named.index[todo], dtype=object)
    wanted = norm.key(named[todo])
    for column in (users.email, users.username, display):
        keys = norm.key(column)
        unique = keys.ne("") & ~keys.duplicated(keep=False)
        lookup = pd.Series(users.user_id[unique].to_numpy(), index=keys[unique])
        resolved = resolved.fillna(wanted.map(lookup))
    ids = named.copy()
    ids[todo] = resolved.fillna(named[todo])
    return dataclasses.replace(inventory, licenses=units.assign(assigned_to=ids))


def _split(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per ``;``-separated item of ``column``, beside its user_id."""
    cells = frame[["user_id", column]]
    cells = cells[cells[column].ne("")]
    items = cells.assign(item=cells[column].str.split(";")).explode("item")
    items["item"] = items["item"].str.strip()
    return items[items["item"].ne("")][["user_id", "item"]]


def _holdings(
    users: pd.DataFrame,
    columns: set[str],
    inventory: Inventory,
    catalogue: Catalogue,
    label: str,
    warnings: list[str],
) -> tuple[pd.DataFrame, bool]:
    """What each user says they hold: one row per license claimed (``user_id``,
    ``license_type``, ``license_id``), so a user listing two X2s holds two.

    A user whose ``license_ids`` cell names licenses (with a per-license inventory) claims
    those ids; any other user claims the type names of their ``licenses`` cell, with an
    empty ``license_id``. Without either column the inventory's ``assigned_to`` is the only
    view; with none of these nobody can say who is licensed, and the rules that need it are
    skipped rather than guessed. Which license each claim lands on is the ledger's work.
    """
    frames = []
    by_id: set[str] = set()
    if "license_ids" in columns and inventory.licenses is not None:
        items = _split(users, "license_ids")
        types = inventory.licenses.set_index("license_id").license_type
        held = pd.DataFrame(
            {
                "user_id": items.user_id,
                "license_type": items.item.map(types),
                "license_id": items.item,
            }
        )
        unknown = held.license_type.isna()
        if unknown.any() and "licenses" not in columns:
            raise InputError(
                f"{label}, column license_ids: license {items.item[unknown].iloc[0]!r} is not "
                "in licenses.csv."
            )
        if unknown.any():
            # The API's license ids are not the Licenses page's: read the type names instead.
            warnings.append(
                f"{label}, column license_ids: {int(unknown.sum())} id(s) are not in "
                f"licenses.csv (first: {items.item[unknown].iloc[0]!r}), so who holds what is "
                "read from the licenses column instead."
            )
        else:
            frames.append(held.drop_duplicates())
            by_id = set(held.user_id)
    if "licenses" in columns:
        items = _split(users, "licenses")
        items = items[~member(items.user_id, by_id)] if by_id else items
        frames.append(
            pd.DataFrame(
                {
                    "user_id": items.user_id,
                    "license_type": catalogue.resolve(items.item),
                    "license_id": "",
                }
            )
        )
    units = inventory.licenses
    if not frames and units is not None and units.assigned_to.ne("").any():
        units = units[units.status.ne(LicenseStatus.UNASSIGNED.value) & units.assigned_to.ne("")]
        frames.append(
            pd.DataFrame(
                {
                    "user_id": units.assigned_to,
                    "license_type": units.license_type,
                    "license_id": units.license_id,
                }
            )
        )
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=str) for c in HOLDING_COLUMNS})
        return empty, False
    held = pd.concat(frames, ignore_index=True).astype(str)
    return held.loc[:, list(HOLDING_COLUMNS)].reset_index(drop=True), True


def _settled(inventory: Inventory, catalogue: Catalogue) -> Inventory:
    """The inventory with unknown license types in their final spelling."""
    pools = inventory.pools.assign(license_type=catalogue.settle(inventory.pools.license_type))
    units = inventory.licenses
    if units is not None:
        units = units.assign(license_type=catalogue.settle(units.license_type))
    return dataclasses.replace(inventory, licenses=units, pools=pools)


def _seat_figures(users: pd.DataFrame, holdings: pd.DataFrame, types: pd.DataFrame) -> pd.DataFrame:
    """Per user: seats held, their known monthly cents, and how many have no price."""
    seats = holdings.merge(types, on="license_type", how="left")
    seats = seats[seats.kind.eq(Kind.SEAT.value)].assign(unpriced=lambda f: f.price_cents.isna())
    per_user = seats.groupby("user_id").agg(
        seat_count=("license_type", "size"),
        seat_cents=("price_cents", "sum"),
        unpriced_seats=("unpriced", "sum"),
    )
    out = users.join(per_user, on="user_id")
    for column in ("seat_count", "seat_cents", "unpriced_seats"):
        out[column] = out[column].fillna(0).astype("int64")
    return out


def _assignee_warnings(inventory: Inventory, users: pd.DataFrame, label: str) -> list[str]:
    if inventory.licenses is None:
        return []
    assignees = inventory.licenses.assigned_to
    unknown = assignees.ne("") & ~member(assignees, users.user_id)
    if not unknown.any():
        return []
    first = int(unknown.to_numpy().nonzero()[0][0])
    return [
        f"{label}: {int(unknown.sum())} license(s) are assigned to a user users.csv does not "
        f"have (first: row {norm.spreadsheet_row(first)}, {assignees[first]!r})."
    ]


def _unpooled_warnings(
    holdings: pd.DataFrame, inventory: Inventory, types: pd.DataFrame, label: str
) -> list[str]:
    """Types users hold that the inventory does not list.

    A seat type is over-assigned by definition; a number licence or add-on is only missing
    from the copy of the Licenses page (the API lists DIDs on every user with a number), so
    it is not compared, and the warning says so.
    """
    held = holdings.groupby("license_type").user_id.nunique()
    missing = held[~held.index.isin(inventory.pools.license_type)]
    kinds = types.set_index("license_type").kind
    return [
        f"{label} lists no {name!r} licenses, yet {count} user(s) hold that type; it is "
        + (
            "reported as over-assigned."
            if kinds.get(name, Kind.SEAT.value) == Kind.SEAT.value
            else f"a{'n' if kinds.get(name) == Kind.ADDON.value else ''} "
            f"{kinds.get(name)} licence, so it is not counted against the inventory."
        )
        for name, count in missing.items()
    ]
