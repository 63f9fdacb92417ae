"""Users from 8x8's SCIM 2.0 API, for tenants without an Administration API key.

The Administration API is in beta; many customers have SCIM instead, through their identity
provider (Admin Console > Identity and Security > User Provisioning Integration: the
"8x8 URL" and "8x8 API Token"). ``GET {url}/Users?startIndex=1&count=100`` with
``Authorization: Bearer <token>`` returns ``Resources`` and ``totalResults``; the next page
starts at ``startIndex`` plus the page's length. SCIM gives users, ``active``,
``meta.created``/``meta.lastModified`` and the 8x8 ``site`` extension, but no licenses and no
sites: users.csv is written without a ``licenses`` column (who holds what then comes from the
per-license licenses.csv's ``assigned_to``), and the folder's own sites.csv is kept.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from auditor.errors import InputError, SourceError, UsageError
from auditor.sources import mapping
from auditor.sources.apikey import ApiKey
from auditor.sources.base import Collected, CollectStats
from auditor.sources.client import ApiClient
from auditor.sources.ratelimit import DOCUMENTED, Clock, Limits, Sleep

TOKEN_VAR = "EIGHTX8_SCIM_TOKEN"
PAGE_SIZE = 100
#: SCIM documents no rate limits: the Administration API's are the polite default (looked up
#: at call time, so tests can shorten every wait).
CLIENT_LIMITS = DOCUMENTED
SITE_EXTENSION = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#: users.csv columns SCIM can fill: no licenses, extensions or DIDs (so no empty ``licenses``
#: column claims that every user holds none).
COLUMNS = (
    "user_id",
    "email",
    "status",
    "site",
    "first_name",
    "last_name",
    "username",
    "department",
    "created_at",
    "last_updated_at",
)


def resolve_token(env: Mapping[str, str], token_file: Path | None) -> ApiKey:
    """The SCIM token from ``token_file``, else ``EIGHTX8_SCIM_TOKEN``; masked when printed."""
    if token_file is not None:
        try:
            value = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{token_file}: the SCIM token file cannot be read.") from exc
        if not value or len(value.split()) != 1:
            raise UsageError(f"{token_file}: expected the SCIM token alone on one line.")
        return ApiKey(value)
    value = env.get(TOKEN_VAR, "").strip()
    if not value:
        raise UsageError(
            f"no SCIM token: set {TOKEN_VAR} or pass --scim-token-file FILE (Admin Console > "
            "Identity and Security > User Provisioning Integration shows the 8x8 API Token)."
        )
    return ApiKey(value)


def user_row(user: Mapping[str, Any]) -> dict[str, str]:
    """One users.csv row from one SCIM User resource."""
    emails = [e for e in user.get("emails") or [] if isinstance(e, Mapping)]
    work = [e for e in emails if e.get("type") == "work"] or emails
    active = user.get("active")
    status = ("ACTIVE" if active else "INACTIVE") if isinstance(active, bool) else mapping.UNKNOWN
    return {
        "user_id": mapping.text(user.get("id")),
        "email": mapping.text(work[0].get("value")) if work else mapping.text(user.get("userName")),
        "status": status,
        "site": mapping.text(mapping.dig(user, SITE_EXTENSION, "site")),
        "first_name": mapping.text(mapping.dig(user, "name", "givenName")),
        "last_name": mapping.text(mapping.dig(user, "name", "familyName")),
        "username": mapping.text(user.get("userName")),
        "department": mapping.text(mapping.dig(user, ENTERPRISE, "department")),
        "created_at": mapping.text(mapping.dig(user, "meta", "created")),
        "last_updated_at": mapping.text(mapping.dig(user, "meta", "lastModified")),
    }


class ScimSource:
    """8x8's SCIM ``/Users`` as a :class:`~auditor.sources.base.Source` (users only)."""

    def __init__(
        self,
        url: str,
        token: ApiKey,
        *,
        transport: httpx.BaseTransport | None = None,
        limits: Limits | None = None,
        timeout: float = 30.0,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        progress: Callable[[CollectStats], None] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.stats = CollectStats(page_size=PAGE_SIZE)
        self._token = token
        self._progress = progress
        self._clock = clock
        self._args: dict[str, Any] = {
            "transport": transport,
            "limits": limits or CLIENT_LIMITS,
            "timeout": timeout,
            "clock": clock,
            "sleep": sleep,
        }

    def collect(self) -> Collected:
        """Every user SCIM lists, or a SourceError: never part of them."""
        start = self._clock()
        hint = f"{TOKEN_VAR} or the --scim-token-file"
        with ApiClient(
            self.url, self._token, stats=self.stats, bearer=True, key_hint=hint, **self._args
        ) as client:
            rows = self._users(client)
        self.stats.elapsed_seconds = self._clock() - start
        odd = [r["user_id"] for r in rows if r["status"] == mapping.UNKNOWN]
        warnings = [
            f"GET {self.url}/Users gave user {user_id} no 'active' value; kept with status "
            "UNKNOWN, in neither the active nor the inactive checks."
            for user_id in odd
        ]
        return Collected(
            users=mapping.frame(rows, COLUMNS),
            sites=mapping.frame([], mapping.SITES_FILE_COLUMNS),
            stats=self.stats,
            warnings=tuple(warnings),
            has_sites=False,
        )

    def _users(self, client: ApiClient) -> list[dict[str, str]]:
        url = f"{self.url}/Users"
        rows: dict[str, dict[str, str]] = {}
        index = 1
        while True:
            page = client.get_json(
                "/Users",
                "scim",
                {"startIndex": index, "count": PAGE_SIZE},
                accept="application/scim+json, application/json",
            )
            self.stats.user_pages += 1
            resources = page.get("Resources", [])
            total = page.get("totalResults")
            if not isinstance(resources, list) or not isinstance(total, int):
                raise SourceError(f"GET {url} answered without Resources and totalResults.")
            for resource in resources:
                row = user_row(resource) if isinstance(resource, Mapping) else {}
                if not row.get("user_id"):
                    raise SourceError(f"GET {url} listed a user without an id.")
                if row["user_id"] in rows:
                    self.stats.duplicates_dropped += 1
                rows.setdefault(row["user_id"], row)
            self.stats.users = len(rows)
            if self._progress is not None:
                self._progress(self.stats)
            index += len(resources)
            if index > total:
                return list(rows.values())
            if not resources:
                raise SourceError(
                    f"GET {url} gave an empty page at startIndex {index} of {total} users; "
                    "the listing stopped short, so no snapshot was written."
                )


def scim_source(url: str, token_file: Path | None, **options: Any) -> ScimSource:
    """A SCIM source with the token from the file or the environment."""
    return ScimSource(url, resolve_token(os.environ, token_file), **options)
