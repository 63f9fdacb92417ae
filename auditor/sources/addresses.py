"""The tenant's addresses in as few requests as 8x8 allows: the list, else one by one.

The audit needs each site's address (country and state), and the address list also says,
per address, how many licenses have it as their service address (``addressUsage.license``):
the tax problem seen from the API. Two ways to get them (S6 in reference/8x8-api.md):

- ``GET /addresses/{id}`` per distinct site address: exactly one request per site address;
- ``GET /addresses`` by scroll paging, up to 1000 a page: every address of the tenant.

The choice is made from the first page of the list, which costs one request, no more than
the per-id way for any tenant with a site: a first page without ``hasMore`` is the whole
list. When more pages follow, the list is read on while the pages read stay fewer than the
site addresses (what the per-id way costs); a listing longer than that is left off, and
addresses.csv is not written (a partial list would hide licenses taxed elsewhere). Any site
address the list did not return is fetched by id, so sites.csv is always whole.

A server without the list (404, or a 400 that is not about the page size) falls back to the
per-id way with a warning; every other error is the run's, as for any request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pandas as pd

from auditor.errors import SourceError
from auditor.snapshot.tables import ADDRESSES
from auditor.sources import mapping
from auditor.sources.base import CollectStats
from auditor.sources.client import ApiClient, ApiError
from auditor.sources.scroll import scroll

ADDRESS_COLUMNS = tuple(c.name for c in ADDRESSES.columns)
#: addresses.csv's usage columns and the ``addressUsage`` counts they hold.
USAGE = {
    "license_count": "license",
    "site_count": "site",
    "user_extension_count": "userExtension",
    "user_personal_count": "userPersonal",
    "customer_count": "customer",
    "trunk_count": "trunk",
    "operator_connect_count": "operatorConnect",
}
assert set(USAGE) < set(ADDRESS_COLUMNS)


@dataclass
class Addresses:
    """The records found by id, and the whole list as rows when it was read to its end."""

    by_id: dict[str, dict[str, Any]]
    #: addresses.csv rows, or None when the list was not read whole.
    rows: list[dict[str, str]] | None
    warnings: list[str] = field(default_factory=list)

    def frame(self) -> pd.DataFrame | None:
        """addresses.csv as a table, or None when it is not to be written."""
        return None if self.rows is None else mapping.frame(self.rows, ADDRESS_COLUMNS)


def address_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One addresses.csv row from an address record."""
    usage = record.get("addressUsage")
    counts = usage if isinstance(usage, Mapping) else {}
    return {
        "address_id": mapping.text(record.get("id")),
        "state": mapping.text(record.get("state")),
        "country": mapping.text(record.get("country")),
        "street": mapping.street(record),
        "city": mapping.text(record.get("city")),
        "postal": mapping.text(record.get("postal")),
        "display_form": mapping.text(record.get("displayForm")),
        **{column: _count(counts.get(name)) for column, name in USAGE.items()},
    }


def _count(value: Any) -> str:
    """A usage count as text; anything but a whole number is written as blank (unknown)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def collect(
    client: ApiClient,
    site_addresses: list[str],
    *,
    first_page: Callable[[], dict[str, Any]],
    stats: CollectStats,
    report: Callable[[], None],
) -> Addresses:
    """The records of ``site_addresses`` (distinct ids), and the whole list when it is cheaper.

    ``first_page`` asks for the list's first page (the caller's page size and its fallback).
    """
    found: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, str]] | None = None
    warnings: list[str] = []
    url = f"{client.base_url}/addresses"
    if site_addresses:
        wanted = set(site_addresses)

        def pages_read(pages: int) -> None:
            stats.address_pages = pages
            report()

        try:
            listing = scroll(
                client,
                "/addresses",
                "addresses",
                first_page=first_page,
                key=lambda r: mapping.text(r.get("id")),
                noun="addresses",
                # Read on while the list has cost less than fetching each site address.
                go_on=lambda pages, _seen: pages < len(wanted),
                on_page=pages_read,
            )
        except ApiError as exc:
            refused = exc.status == 400 and not (exc.mentions("scroll") or exc.mentions("pageSize"))
            if exc.status == 404 or refused:
                warnings.append(
                    f"GET {url} answered {exc.status}, so each site's address was fetched by "
                    "id and addresses.csv was not written: the tax check by address is skipped."
                )
            else:
                raise
        else:
            found = {k: v for k, v in listing.records.items() if k in wanted}
            stats.addresses = len(found)
            stats.listed_addresses = len(listing.records)
            if listing.complete:
                rows = [address_row(r) for r in listing.records.values()]
            else:
                warnings.append(
                    f"GET {url} lists more addresses than the tenant has site addresses "
                    f"({len(wanted)}), so the listing was left after {listing.pages} pages and "
                    "addresses.csv was not written: the tax check by address is skipped."
                )
    for address_id in site_addresses:
        if address_id in found:
            continue
        found[address_id] = _one(client, address_id)
        stats.addresses += 1
        stats.addresses_by_id += 1
        report()
        if rows is not None:
            rows.append(address_row(found[address_id]))
    return Addresses(by_id=found, rows=rows, warnings=warnings)


def _one(client: ApiClient, address_id: str) -> dict[str, Any]:
    path = f"/addresses/{quote(address_id, safe='')}"
    try:
        return client.get_json(path, "addresses")
    except ApiError as exc:
        if exc.status != 404:
            raise
        raise AddressMissing(
            f"GET {client.base_url}{path} answered 404 Not Found", address_id
        ) from exc


class AddressMissing(SourceError):
    """A site's address id that the API does not know (the caller names the site)."""

    def __init__(self, message: str, address_id: str) -> None:
        super().__init__(message)
        self.address_id = address_id
