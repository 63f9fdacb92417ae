"""The tenant's phone numbers nobody is assigned: ``GET /phone-numbers`` into numbers.csv.

A number whose status is AVAILABLE is claimed (and billed as a number licence) but reaches
nobody (S7 in reference/8x8-api.md). Assigned numbers are already on the users' extensions
(users.csv ``phone_number``), so the listing asks only for the others
(``filter=status!=ASSIGNED``): a tenant of 20,000 users with 150 idle numbers costs two pages,
not two hundred. Pages are 100 numbers, the phone-number guide's documented maximum (the
suite-wide 1000 is not promised for this API).

A key without the "UC & CC Number Admin" product (403) or a server without the endpoint
(404) leaves numbers.csv out with a warning, so the idle-number check is skipped, said so, and
the rest of the audit runs; a server that refuses the filter is asked for every number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from auditor.snapshot.tables import NUMBERS
from auditor.sources import mapping
from auditor.sources.base import CollectStats
from auditor.sources.client import ApiClient, ApiError
from auditor.sources.scroll import scroll

NUMBER_COLUMNS = tuple(c.name for c in NUMBERS.columns)
#: The phone-number guide's maximum page size.
PAGE_SIZE = 100
NOT_ASSIGNED = "status!=ASSIGNED"
PATH = "/phone-numbers"
RESOURCE = "phonenumbers"


def number_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One numbers.csv row from a phone number record."""
    return {
        "number": mapping.text(record.get("phoneNumber")),
        "status": mapping.text(record.get("status")).upper(),
        "category": mapping.text(record.get("category")).upper(),
        "origin": mapping.text(record.get("origin")).upper(),
        "country": mapping.text(record.get("country")),
    }


def collect(
    client: ApiClient, *, stats: CollectStats, report: Callable[[], None]
) -> tuple[pd.DataFrame | None, list[str]]:
    """numbers.csv's table (None when the API would not list the numbers) and warnings.

    Pages are :data:`PAGE_SIZE`, or the run's page size when that is smaller (``--page-size``,
    or the fallback after the server refused 1000).
    """
    url = f"{client.base_url}{PATH}"
    size = min(PAGE_SIZE, stats.page_size or PAGE_SIZE)
    query: dict[str, str | int] = {"pageSize": size, "filter": NOT_ASSIGNED}

    def first_page() -> dict[str, Any]:
        try:
            return client.get_json(PATH, RESOURCE, query)
        except ApiError as exc:
            if exc.status != 400 or not exc.mentions("filter") or "filter" not in query:
                raise
            del query["filter"]  # the listing is then every number; the rule reads status
            return client.get_json(PATH, RESOURCE, query)

    def pages_read(pages: int) -> None:
        stats.number_pages = pages
        report()

    try:
        listing = scroll(
            client,
            PATH,
            RESOURCE,
            first_page=first_page,
            key=lambda r: mapping.text(r.get("phoneNumber")),
            noun="phone numbers",
            on_page=pages_read,
        )
    except ApiError as exc:
        if exc.status not in (403, 404):
            raise
        why = (
            'the API key lacks the "UC & CC Number Admin" API product'
            if exc.status == 403
            else "the server does not list phone numbers"
        )
        return None, [
            f"GET {url} answered {exc.status}: {why}, so numbers.csv was not written and the "
            "idle-number check is skipped."
        ]
    rows = [number_row(r) for r in listing.records.values()]
    stats.numbers = len(rows)
    report()
    return mapping.frame(rows, NUMBER_COLUMNS), []
