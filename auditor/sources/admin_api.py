"""Collect a tenant's users and sites from 8x8's Administration API, without losing a user.

Users come by scroll paging (``pageSize`` on the first request, then ``scrollId`` alone until
``pagination.hasMore`` is false), sites by ``pageSize`` + ``pageNumber``, the addresses from
the address list when it is cheaper than one ``/addresses/{id}`` per distinct site address
(:mod:`~auditor.sources.addresses`), and the numbers nobody is assigned from
``/phone-numbers`` (:mod:`~auditor.sources.numbers`). Every request goes through
:class:`~auditor.sources.client.ApiClient` (pacing, retries, error sentences).

What keeps the user list exact:

- A scroll id is a cursor: asking again with the same id (after a timeout or a dropped
  connection) returns the same page, so a retried page is neither lost nor doubled.
- A scroll that expires (or that the server no longer knows) restarts the listing once, from
  the first page, and the partial first pass is thrown away: the second pass is a complete
  listing on its own. A second expiry ends the run: a snapshot is never written short.
- Within a listing a user id seen twice is kept once (and counted in the manifest).
- A page that says more follow but gives no scroll id, or a listing that stops advancing,
  is an error, never a quiet end.

Page size: 1000 (the documented maximum) unless ``page_size`` says otherwise; when the server
refuses 1000 as a page size, the run falls back to 100 once, for users and sites alike.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pandas as pd

from auditor.errors import SourceError
from auditor.sources import addresses, audit_records, mapping, numbers
from auditor.sources.apikey import ApiKey
from auditor.sources.base import Collected, CollectStats
from auditor.sources.client import ApiClient, ApiError
from auditor.sources.ratelimit import DOCUMENTED, Clock, Limits, Sleep
from auditor.sources.scroll import next_page, next_scroll, restarted_once

DEFAULT_BASE_URL = "https://api.8x8.com/admin-provisioning"
MAX_PAGE_SIZE = 1000
FALLBACK_PAGE_SIZE = 100
#: Rate limits, backoff and timeout used unless a caller passes its own (looked up at call
#: time, so tests can shorten every wait of a command-line run).
CLIENT_LIMITS = DOCUMENTED
#: Users without serviceInfo in the list fetched one by one to compare the payloads.
SAMPLE = 3
#: Users named one by one in the status warnings before the rest are counted.
MAX_NAMED = 20
CLIENT_TIMEOUT = 30.0

Progress = Callable[[CollectStats], None]


class AdminApiSource:
    """The 8x8 Administration API as a :class:`~auditor.sources.base.Source`."""

    _client: ApiClient

    def __init__(
        self,
        base_url: str,
        api_key: ApiKey,
        *,
        page_size: int | None = None,
        transport: httpx.BaseTransport | None = None,
        limits: Limits | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        progress: Progress | None = None,
        audit_days: int | None = None,
    ) -> None:
        if page_size is not None and not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, not {page_size}")
        self.base_url = base_url.rstrip("/")
        self.stats = CollectStats(page_size=page_size or MAX_PAGE_SIZE)
        self._fixed_page_size = page_size is not None
        self._progress = progress
        self._clock = clock
        self._client_args: dict[str, Any] = {
            "transport": transport,
            "limits": limits or CLIENT_LIMITS,
            "timeout": timeout or CLIENT_TIMEOUT,
            "clock": clock,
            "sleep": sleep,
        }
        self._key = api_key
        #: Days of Audit Records to read for deactivation times; None reads none.
        self.audit_days = audit_days

    def collect(self) -> Collected:
        """Every user and site of the tenant, or a SourceError: never part of them."""
        start = self._clock()
        self.warnings: list[str] = []
        self._bare: list[str] = []
        with ApiClient(
            self.base_url, self._key, stats=self.stats, on_wait=self._report, **self._client_args
        ) as client:
            self._client = client
            users = self._users()
            self._check_list_payload()
            self._addresses: pd.DataFrame | None = None
            sites = self._sites()
            phone_numbers, said = numbers.collect(client, stats=self.stats, report=self._report)
            self.warnings.extend(said)
        if self.audit_days is not None:
            self._deactivation_times(users, self.audit_days)
        self._report()
        self.stats.elapsed_seconds = self._clock() - start
        return Collected(
            users=mapping.frame(users, mapping.USERS_FILE_COLUMNS),
            sites=mapping.frame(sites, mapping.SITES_FILE_COLUMNS),
            stats=self.stats,
            warnings=(*self._status_warnings(users, f"{self.base_url}/users"), *self.warnings),
            addresses=self._addresses,
            numbers=phone_numbers,
        )

    # -- progress -------------------------------------------------------------------------

    def _report(self) -> None:
        pacer = self._client.pacer
        self.stats.rate_limit_waits = pacer.waits
        self.stats.rate_limit_wait_seconds = pacer.waited
        self.stats.throttled = pacer.throttled
        if self._progress is not None:
            self._progress(self.stats)

    # -- paging ---------------------------------------------------------------------------

    def _first_page(self, path: str, resource: str, extra: dict[str, str | int]) -> dict[str, Any]:
        """The first page of a listing, falling back to 100 when 1000 is refused."""
        while True:
            try:
                return self._client.get_json(
                    path, resource, {"pageSize": self.stats.page_size, **extra}
                )
            except ApiError as exc:
                refused = exc.status == 400 and exc.mentions("pageSize")
                if not refused or self._fixed_page_size or self.stats.page_size <= 100:
                    raise
                self.stats.page_size = FALLBACK_PAGE_SIZE

    def _users(self) -> list[dict[str, str]]:
        return restarted_once(self._scroll_users, self._restarted)

    def _restarted(self) -> None:
        self.stats.scroll_restarts += 1

    def _scroll_users(self) -> list[dict[str, str]]:
        """One complete users listing, deduplicated by user id."""
        self.stats.users = self.stats.duplicates_dropped = 0
        self._bare = []
        rows: dict[str, dict[str, str]] = {}
        url = f"{self.base_url}/users"
        page = self._first_page("/users", "users", {})
        stuck = 0
        while True:
            self.stats.user_pages += 1
            before = len(rows)
            for record in _data(page, url):
                row = mapping.user_row(record)
                _require_fields(row, url)
                if row["user_id"] in rows:
                    self.stats.duplicates_dropped += 1
                    continue
                rows[row["user_id"]] = row
                if len(self._bare) < SAMPLE and not isinstance(record.get("serviceInfo"), dict):
                    self._bare.append(row["user_id"])
            self.stats.users = len(rows)
            self._report()
            stuck = stuck + 1 if len(rows) == before else 0
            scroll_id = next_scroll(page, url, "users", stuck)
            if scroll_id is None:
                return list(rows.values())
            page = next_page(self._client, "/users", "users", scroll_id, "users")

    def _deactivation_times(self, users: list[dict[str, str]], days: int) -> None:
        """Each INACTIVE user's ``deactivated_at`` from the Audit Records API, where found."""
        now = dt.datetime.fromtimestamp(self._clock(), dt.UTC)
        with ApiClient(
            audit_records.audit_base(self.base_url),
            self._key,
            stats=self.stats,
            on_wait=self._report,
            **self._client_args,
        ) as client:  # another API: its own pacing, same documented limits
            found, pages = audit_records.deactivations(client, now=now, days=days)
        self.stats.audit_pages = pages
        for row in users:
            if row["status"] == "INACTIVE" and row["user_id"] in found:
                row["deactivated_at"] = found[row["user_id"]]
                self.stats.deactivation_times += 1

    def _check_list_payload(self) -> None:
        """Fetch a few users the list gave no ``serviceInfo`` one by one, and compare.

        8x8 warns that the list and single-user payloads "may be different"; if the single
        user has licenses or extensions the list left out, users.csv under-reports who holds
        what, and every report must say so.
        """
        missing = []
        for user_id in self._bare:
            path = f"/users/{quote(user_id, safe='')}"
            one = self._client.get_json(path, "users")
            record = one.get("data") if isinstance(one.get("data"), dict) else one
            info = mapping.dig(record, "serviceInfo")
            if isinstance(info, dict) and (info.get("licenses") or info.get("extensions")):
                missing.append(user_id)
        if missing:
            self.warnings.append(
                f"GET {self.base_url}/users listed users without serviceInfo, but GET "
                f"/users/{{id}} gives {len(missing)} of the {len(self._bare)} checked "
                f"licenses or extensions (first: {missing[0]}); users.csv's licenses, "
                "extensions and phone numbers are incomplete, so use the per-license "
                "licenses.csv's assigned_to for who holds what."
            )

    @staticmethod
    def _status_warnings(rows: list[dict[str, str]], url: str) -> list[str]:
        """One warning per user whose status the API did not give as ACTIVE or INACTIVE."""
        odd = [r for r in rows if r["status"] == mapping.UNKNOWN]
        said = [
            f"GET {url} gave user {r['user_id']} ({r['email'] or 'no email'}) no basicInfo.status "
            "of ACTIVE or INACTIVE; kept with status UNKNOWN, in neither the active nor the "
            "inactive checks."
            for r in odd[:MAX_NAMED]
        ]
        if len(odd) > MAX_NAMED:
            said.append(f"... and {len(odd) - MAX_NAMED} more user(s) with status UNKNOWN.")
        return said

    def _sites(self) -> list[dict[str, str]]:
        url = f"{self.base_url}/sites"
        records: dict[str, dict[str, Any]] = {}
        page = self._first_page("/sites", "sites", {"pageNumber": 0})
        number = 0
        while True:
            self.stats.site_pages += 1
            data = _data(page, url)
            for record in data:
                site_id = mapping.text(record.get("id"))
                if not site_id:
                    raise SourceError(f"GET {url} listed a site without an id.")
                records.setdefault(site_id, record)
            self.stats.sites = len(records)
            self._report()
            pagination = page.get("pagination")
            if not isinstance(pagination, dict) or not pagination.get("hasMore"):
                break
            if not data:
                raise SourceError(
                    f"GET {url} page {number} was empty but said more sites follow; "
                    "the listing is not advancing."
                )
            number += 1
            page = self._client.get_json(
                "/sites", "sites", {"pageSize": self.stats.page_size, "pageNumber": number}
            )
        return self._with_addresses(list(records.values()))

    def _with_addresses(self, sites: list[dict[str, Any]]) -> list[dict[str, str]]:
        """Each site's row with its address: from the address list when that costs fewer
        requests than one per distinct site address, else (and for any it lacks) by id."""
        labels: dict[str, str] = {}
        wanted: list[str] = []
        for site in sites:
            label = f"site {mapping.text(site.get('name'))!r} ({mapping.text(site.get('id'))})"
            address_id = mapping.text(mapping.dig(site, "address", "id"))
            if not address_id:
                raise SourceError(
                    f"GET {self.base_url}/sites gave {label} no address, and the audit needs "
                    "each site's country and state; give the site a service address in "
                    "Admin Console, then collect again."
                )
            if address_id not in labels:
                labels[address_id] = label
                wanted.append(address_id)
        try:
            found = addresses.collect(
                self._client,
                wanted,
                first_page=lambda: self._first_page("/addresses", "addresses", {}),
                stats=self.stats,
                report=self._report,
            )
        except addresses.AddressMissing as exc:
            raise SourceError(
                f"{exc}: the address of {labels[exc.address_id]} does not exist."
            ) from exc
        self.warnings.extend(found.warnings)
        self._addresses = found.frame()
        rows = []
        for site in sites:
            address_id = mapping.text(mapping.dig(site, "address", "id"))
            row = mapping.site_row(site, found.by_id[address_id])
            if not row["country"]:
                raise SourceError(
                    f"GET {self.base_url}/addresses/{address_id} ({labels[address_id]}'s "
                    "address) has no country, and the audit needs each site's country."
                )
            rows.append(row)
        return rows


def _data(page: dict[str, Any], url: str) -> list[dict[str, Any]]:
    data = page.get("data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(f"GET {url} answered without a 'data' list of records.")
    return data


def _require_fields(row: dict[str, str], url: str) -> None:
    """A user the audit cannot judge ends the collection: a snapshot must never be wrong.

    8x8 documents every user as having an id and one site; a record without them is a broken
    page, not a user to skip. (A null status, which the schema allows, is kept as UNKNOWN.)
    """
    if not row["user_id"]:
        raise SourceError(f"GET {url} listed a user without basicInfo.userId.")
    if not row["site"]:
        raise SourceError(
            f"GET {url} listed user {row['user_id']} without basicInfo.site; no snapshot was "
            "written."
        )
