"""When each user was deactivated, from 8x8's Audit Records API.

The Administration API has no deactivation time, and ``lastUpdatedTime`` moves on any edit
(removing the licenses included), so a user deactivated in March and cleaned up in October
looks deactivated in October. The Audit Records API records every Admin Console change:
``GET https://api.8x8.com/administration/audit/v1/audits`` with ``startTime``/``endTime`` at
most 31 days apart, ``service=platform``, ``entityTypes=user``, ``eventTypes=update``,
``size`` up to 100, then the answer's ``meta.scrollId`` until it is null. A user record's
``details`` is a JSON string whose ``new.status`` says what the change set it to; the last
change to INACTIVE in the window is the user's deactivation time.

Requests go through the same paced :class:`~auditor.sources.client.ApiClient` as the rest of
the collection (the Administration suite's documented limits: 100 a minute, 20 per 10 s).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import SourceError
from auditor.sources.client import ApiClient

AUDIT_PATH = "/administration/audit/v1"
#: The longest window one request may ask for (documented).
WINDOW = dt.timedelta(days=31)
#: The largest page the API serves (documented: default 20, maximum 100).
PAGE_SIZE = 100
DEFAULT_DAYS = 365


def audit_base(admin_base: str) -> str:
    """The Audit Records API's base on the host of the Administration API's base URL."""
    parts = urlsplit(admin_base)
    return f"{parts.scheme}://{parts.netloc}{AUDIT_PATH}"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def windows(now: dt.datetime, days: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """``days`` back from ``now`` in windows of at most 31 days, oldest first."""
    start = now - dt.timedelta(days=days)
    spans = []
    while start < now:
        end = min(start + WINDOW, now)
        spans.append((start, end))
        start = end
    return spans


def deactivations(
    client: ApiClient, *, now: dt.datetime, days: int = DEFAULT_DAYS
) -> tuple[dict[str, str], int]:
    """User id -> the time (ISO 8601) the last audit record set the user INACTIVE, for users
    whose last status change in the period is that one; and the pages read."""
    changes: dict[str, tuple[str, str]] = {}
    pages = 0
    for start, end in windows(now, days):
        first: dict[str, str | int] = {
            "startTime": _stamp(start),
            "endTime": _stamp(end),
            "service": "platform",
            "entityTypes": "user",
            "eventTypes": "update",
            "size": PAGE_SIZE,
        }
        params = dict(first)
        seen: set[str] = set()
        while True:
            page = client.get_json("/audits", "audits", params, accept="application/json")
            pages += 1
            data = page.get("data")
            if not isinstance(data, list):
                raise SourceError(
                    f"GET {client.base_url}/audits answered without a 'data' list of records."
                )
            for record in data:
                _read(record, changes)
            meta = page.get("meta")
            scroll = meta.get("scrollId") if isinstance(meta, dict) else None
            if not data or not isinstance(scroll, str) or not scroll:
                break
            if scroll in seen:
                raise SourceError(
                    f"GET {client.base_url}/audits gave the same scrollId twice; the listing "
                    "is not advancing."
                )
            seen.add(scroll)
            params = {**first, "scrollId": scroll}
    found = {user: when for user, (when, status) in changes.items() if status == "INACTIVE"}
    return found, pages


def _read(record: Any, changes: dict[str, tuple[str, str]]) -> None:
    """Note a user record's status change, keeping each user's latest."""
    if not isinstance(record, dict) or str(record.get("entityType", "")).lower() != "user":
        return
    details = record.get("details")
    try:
        parsed = json.loads(details) if isinstance(details, str) else details
    except json.JSONDecodeError:
        return
    new = parsed.get("new") if isinstance(parsed, dict) else None
    status = str(new.get("status", "")).upper() if isinstance(new, dict) else ""
    user, when = str(record.get("entityKey") or ""), str(record.get("auditTimestamp") or "")
    if status not in ("ACTIVE", "INACTIVE") or not user or not when:
        return
    moment = _parse(when)
    if moment is None:
        return
    before = changes.get(user)
    if before is None or _parse(before[0]) <= moment:  # type: ignore[operator]
        changes[user] = (moment.isoformat().replace("+00:00", "Z"), status)


def _parse(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
