"""Read one scroll-paged listing (addresses, phone numbers) whole, or say why not.

8x8's scroll paging (S1, S6, S7 in reference/8x8-api.md): the first request carries
``pageSize`` (and ``filter``); each next one carries only ``scrollId``, from the previous
page's ``pagination.nextScrollId``, until ``pagination.hasMore`` is false. The users listing
has its own loop (it also checks each user) and ends each page through :func:`next_scroll`;
this one serves the smaller listings with the same guarantees: a record seen twice is kept
once, a page that says more follow but gives no scroll id or that stops adding records is an
error, and an expired scroll restarts the listing once from the first page (a second expiry
is an error: never a short listing).

A caller may stop a listing early (``go_on``): the result then says it is not complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.errors import SourceError
from auditor.sources.client import ApiClient, ApiError

#: Pages in a row that add no new record before a listing is judged stuck.
STUCK_PAGES = 3

FirstPage = Callable[[], dict[str, Any]]
Key = Callable[[Mapping[str, Any]], str]
GoOn = Callable[[int, dict[str, dict[str, Any]]], bool]


@dataclass(frozen=True)
class Listing:
    """What one scroll listing gave: records by key, pages read, and whether it reached the end."""

    records: dict[str, dict[str, Any]]
    pages: int
    complete: bool


def next_scroll(page: Mapping[str, Any], url: str, noun: str, stuck: int) -> str | None:
    """The scroll id of the page after ``page``, or None when it was the last.

    ``stuck`` counts the pages in a row, this one included, that added no new record. A page
    that says more follow but gives no scroll id, or the :data:`STUCK_PAGES`-th page in a row
    adding nothing, is an error naming ``url`` and the ``noun`` listed: never a short listing
    nor an endless one. Every scroll listing, the users' included, ends a page through here.
    """
    pagination = page.get("pagination")
    if not isinstance(pagination, dict) or not pagination.get("hasMore"):
        return None
    scroll_id = pagination.get("nextScrollId")
    if not isinstance(scroll_id, str) or not scroll_id:
        raise SourceError(
            f"GET {url} said more {noun} follow (hasMore) but gave no nextScrollId, so the "
            "listing cannot go on."
        )
    if stuck >= STUCK_PAGES:
        raise SourceError(
            f"GET {url} returned {stuck} pages in a row with no new {noun} while saying "
            "more follow; the listing is not advancing."
        )
    return scroll_id


class ScrollExpired(SourceError):
    """The scroll expired or is unknown to the server; the listing must start over."""


_T = TypeVar("_T")


def next_page(
    client: ApiClient, path: str, resource: str, scroll_id: str, noun: str
) -> dict[str, Any]:
    """The page ``scroll_id`` points to; :class:`ScrollExpired` when the server no longer
    knows that scroll (a 400, 404 or 410 about it, but not a conflicting-parameter 400)."""
    try:
        return client.get_json(path, resource, {"scrollId": scroll_id})
    except ApiError as exc:
        conflicting = "CONFLICTING_QUERY_PARAMETER" in exc.codes
        if exc.status in (400, 404, 410) and exc.mentions("scroll") and not conflicting:
            raise ScrollExpired(
                f"GET {client.base_url}{path} answered {exc.status}: the {noun} scroll expired "
                "or is unknown to the server."
            ) from exc
        raise


def restarted_once(listing: Callable[[], _T], on_restart: Callable[[], None] | None = None) -> _T:
    """``listing()``, run again from its first page if its scroll expired; a second expiry is
    an error, never a short listing."""
    try:
        return listing()
    except ScrollExpired:
        if on_restart is not None:
            on_restart()
    try:
        return listing()
    except ScrollExpired as again:
        raise SourceError(
            f"{again} It expired again after the listing was restarted, so no snapshot "
            "was written; try again when the API is less busy."
        ) from again


def scroll(
    client: ApiClient,
    path: str,
    resource: str,
    *,
    first_page: FirstPage,
    key: Key,
    noun: str,
    go_on: GoOn | None = None,
    on_page: Callable[[int], None] | None = None,
) -> Listing:
    """Every record of ``path`` by ``key``; ``noun`` names them in sentences ("addresses").

    ``first_page`` sends the first request (so the caller chooses page size and filter);
    ``go_on(pages, records)`` is asked before each further page; ``on_page(pages)`` is told
    after each page (pages of every pass, for the request counts).
    """
    pages = 0

    def counted() -> None:
        nonlocal pages
        pages += 1
        if on_page is not None:
            on_page(pages)

    records, complete = restarted_once(
        lambda: _one_pass(client, path, resource, first_page, key, noun, go_on, counted)
    )
    return Listing(records=records, pages=pages, complete=complete)


def _one_pass(
    client: ApiClient,
    path: str,
    resource: str,
    first_page: FirstPage,
    key: Key,
    noun: str,
    go_on: GoOn | None,
    counted: Callable[[], None],
) -> tuple[dict[str, dict[str, Any]], bool]:
    url = f"{client.base_url}{path}"
    records: dict[str, dict[str, Any]] = {}
    page = first_page()
    read = stuck = 0
    while True:
        read += 1
        counted()
        before = len(records)
        data = page.get("data")
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise SourceError(f"GET {url} answered without a 'data' list of {noun}.")
        for record in data:
            name = key(record)
            if not name:
                raise SourceError(f"GET {url} listed one of its {noun} without its id.")
            records.setdefault(name, record)
        stuck = stuck + 1 if len(records) == before else 0
        scroll_id = next_scroll(page, url, noun, stuck)
        if scroll_id is None:
            return records, True
        if go_on is not None and not go_on(read, records):
            return records, False
        page = next_page(client, path, resource, scroll_id, noun)
