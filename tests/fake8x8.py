"""A fake 8x8 Administration API: real HTTP on 127.0.0.1, paging, limits and faults.

It follows reference/8x8-api.md section 6: users by scroll paging (opaque scroll ids that work
as cursors, ``scrollId`` with ``filter``/``sort`` refused), sites by ``pageSize`` +
``pageNumber``, addresses one by one or as a scroll listing, phone numbers as a scroll
listing (both with their documented filters, at most 100 numbers a page); the versioned
``Accept`` enforced (406), ``x-api-key`` checked (401), problem-JSON errors, a
sliding-window rate limit over several windows answering 429, ``x-ratelimit-*`` headers on
every answer, and faults injected on request: status codes, slow answers, dropped
connections, expired scrolls, malformed pages, random 5xx (seeded), a lower maximum page
size. Used by the tests and by benchmarks/collect.py.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import json
import math
import random
import re
import secrets
import selectors
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BASE_PATH = "/admin-provisioning"
AUDIT_PATH = "/administration/audit/v1/audits"
SCIM_PATH = "/udi/customers/0012J00042NkZQIQA3/scim/v2"
RESOURCES = ("users", "sites", "addresses", "phone-numbers")
CONTENT_TYPES = {
    "users": "application/vnd.users.v1+json",
    "sites": "application/json",
    "addresses": "application/vnd.addresses.v1+json",
    "phone-numbers": "application/vnd.phonenumbers.v1+json",
}
#: The versioned media type's resource name, where it is not the path's (S1: ``phonenumbers``).
MEDIA_NAMES = {"phone-numbers": "phonenumbers"}
#: Fields each scroll listing filters on (S6, S7), as RSQL ``field==value`` / ``field!=value``
#: terms joined by ``;`` (AND); ``*`` is a wildcard.
FILTER_FIELDS = {
    "addresses": ("country", "state", "displayForm"),
    "phone-numbers": ("phoneNumber", "status", "country", "category"),
}


@dataclass
class Fault:
    """Hit the ``at``-th to ``at + times - 1``-th request whose path starts with ``path``.

    kinds: ``status`` (answer ``status`` with a problem body), ``drop`` (close the connection
    without an answer), ``slow`` (hold the answer ``delay`` seconds, or until the fake
    stops: a delay longer than the client's timeout cannot lose the race), ``malformed`` (a
    200 whose body is cut-off JSON), ``expire`` (only requests carrying a scrollId count: the
    scroll is forgotten and the answer is 400 BAD_REQUEST about the scroll).
    """

    kind: str
    path: str = "/"
    at: int = 1
    times: int = 1
    status: int = 503
    delay: float = 0.0
    seen: int = 0


@dataclass
class Tenant:
    """What the fake serves: user and site records as the API shapes them, addresses by id."""

    users: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    addresses: dict[str, dict[str, Any]]
    #: Audit Records API records (``GET /administration/audit/v1/audits``), any order.
    audits: list[dict[str, Any]] = field(default_factory=list)
    #: SCIM User resources (``GET /udi/customers/{id}/scim/v2/Users``).
    scim_users: list[dict[str, Any]] = field(default_factory=list)
    #: Phone number records (``GET /phone-numbers``), every status.
    numbers: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """One request the fake received, and what it did with it (0: dropped)."""

    path: str
    query: dict[str, str]
    status: int


@dataclass
class _Scroll:
    users: list[dict[str, Any]]
    offset: int
    size: int
    next_id: str | None = None


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


def problem(
    status: int, title: str, detail: str = "", errors: Sequence[dict[str, str]] = ()
) -> dict[str, Any]:
    """An RFC 7807-style body as 8x8 documents it."""
    body: dict[str, Any] = {
        "status": status,
        "title": title,
        "instance": "/fake",
        "time": "2026-11-02T00:00:00Z",
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = list(errors)
    return body


class RateLimiter:
    """Sliding windows over request arrival times; one shared log, counted per window."""

    def __init__(self, windows: Sequence[tuple[int, float]], clock: Any) -> None:
        self.windows = tuple(windows)
        self.clock = clock
        self.times: list[float] = []
        self.longest = max((s for _, s in self.windows), default=1.0)

    def admit(self) -> tuple[bool, dict[str, str]]:
        """Count the request if every window has room; headers for the tightest window."""
        now = self.clock()
        cut = bisect.bisect_right(self.times, now - self.longest)
        del self.times[:cut]
        ready_at = now
        for limit, seconds in self.windows:
            recent = self._recent(now, seconds)
            if len(recent) >= limit:
                ready_at = max(ready_at, recent[len(recent) - limit] + seconds)
        if ready_at > now:
            limit = min(self.windows, key=lambda w: w[0] - len(self._recent(now, w[1])))[0]
            return False, self._headers(limit, 0, ready_at)
        self.times.append(now)
        if not self.windows:
            return True, {}
        best: tuple[int, int, float] | None = None
        for limit, seconds in self.windows:
            recent = self._recent(now, seconds)
            remaining = limit - len(recent)
            reset = recent[0] + seconds
            if best is None or remaining < best[1]:
                best = (limit, remaining, reset)
        assert best is not None
        return True, self._headers(*best)

    def _recent(self, now: float, seconds: float) -> list[float]:
        return self.times[bisect.bisect_right(self.times, now - seconds) :]

    def _headers(self, limit: int, remaining: int, reset: float) -> dict[str, str]:
        fractional = any(s != int(s) for _, s in self.windows)
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": f"{reset:.3f}" if fractional else str(math.ceil(reset)),
        }


class Fake8x8:
    """The fake API; ``with Fake8x8(tenant) as api:`` serves it at ``api.url``."""

    def __init__(
        self,
        tenant: Tenant,
        *,
        api_key: str = "eght_fake_key",
        windows: Sequence[tuple[int, float]] = ((100, 60.0), (20, 10.0)),
        max_page_size: int = 1000,
        faults: Sequence[Fault] = (),
        random_5xx: float = 0.0,
        seed: int = 0,
        omit_last_scroll_id: bool = False,
        list_without_service_info: bool = False,
        scim_token: str = "scim_fake_token",
        scim_max_count: int = 100,
        number_max_page_size: int = 100,
        serve_address_list: bool = True,
        clock: Any = time.time,
    ) -> None:
        self.tenant = tenant
        self.api_key = api_key
        self.limiter = RateLimiter(windows, clock)
        self.max_page_size = max_page_size
        self.faults = [dataclasses.replace(f, seen=0) for f in faults]  # counters per server
        self.random_5xx = random_5xx
        self.rng = random.Random(seed)
        self.omit_last_scroll_id = omit_last_scroll_id
        # 8x8: the list and single-user payloads "may be different" (S1): a list without
        # serviceInfo, GET /users/{id} with it.
        self.list_without_service_info = list_without_service_info
        self.scim_token = scim_token
        # A server may serve fewer than ``count`` per page (RFC 7644 allows it).
        self.scim_max_count = scim_max_count
        # The phone-number guide's maximum page size is 100 (S7), below the suite's 1000.
        self.number_max_page_size = number_max_page_size
        # False: an older server with only GET /addresses/{id} (the list answers 404).
        self.serve_address_list = serve_address_list
        self.hits: list[Hit] = []
        self.scrolls: dict[str, _Scroll] = {}
        self.lock = threading.Lock()
        #: Set by :meth:`stop`: releases every answer a ``slow`` fault still holds.
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def scim_url(self) -> str:
        """The SCIM base URL (Admin Console's "8x8 URL")."""
        assert self._server is not None, "the fake is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}{SCIM_PATH}"

    @property
    def url(self) -> str:
        """The base URL, like https://api.8x8.com/admin-provisioning (the Audit Records API
        is served beside it, at /administration/audit/v1/audits, as on api.8x8.com)."""
        assert self._server is not None, "the fake is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}{BASE_PATH}"

    def start(self) -> Fake8x8:
        """Listen on a free port of 127.0.0.1 and serve in a background thread."""
        self.stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_until_woken, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every open connection and wait for the handlers."""
        if self._server is None:
            return
        self.stopping.set()
        self._server.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server.close_connections()
        self._server.server_close()
        self._server = None

    def __enter__(self) -> Fake8x8:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def count(self, prefix: str = "/", status: int | None = None) -> int:
        """Requests received whose path starts with ``prefix`` (and answered ``status``)."""
        with self.lock:
            return sum(
                1
                for h in self.hits
                if h.path.startswith(prefix) and (status is None or h.status == status)
            )

    # -- answering ------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str], headers: Any) -> _Answer:
        """Everything but the socket: what to send for one GET."""
        with self.lock:
            answer = self._answer(path, query, headers)
            self.hits.append(Hit(path, query, 0 if answer.drop else answer.status))
            return answer

    def _answer(self, path: str, query: dict[str, str], headers: Any) -> _Answer:
        if path == AUDIT_PATH:
            return self._audit_answer(path, query, headers)
        if path.startswith(SCIM_PATH):
            return self._scim(path[len(SCIM_PATH) :], query, headers)
        if not path.startswith(BASE_PATH + "/"):
            return _json(404, problem(404, "Not Found", f"No route for {path}"))
        route = path[len(BASE_PATH) :]
        if headers.get("x-api-key") != self.api_key:
            return _json(
                401, problem(401, "Unauthorized", "Valid authentication credentials required")
            )
        admitted, limit_headers = self.limiter.admit()
        if not admitted:
            body = problem(
                429,
                "Too Many Requests",
                errors=[
                    {
                        "code": "TOO_MANY_REQUESTS",
                        "message": "Rate limit exceeded, please try again later",
                    }
                ],
            )
            return _json(429, body, limit_headers)
        answer = self._faulted(route, query, headers) or self._route(route, query, headers)
        answer.headers.update(limit_headers)
        answer.headers["x-response-id"] = secrets.token_hex(8)
        return answer

    def _scim(self, route: str, query: dict[str, str], headers: Any) -> _Answer:
        """SCIM 2.0 ``/Users``: bearer token, ``startIndex`` (1-based) + ``count`` paging,
        RFC 7644 ListResponse and Error bodies."""
        if headers.get("authorization") != f"Bearer {self.scim_token}":
            return _json(401, _scim_error(401, "Authorization failure"))
        answer = self._faulted("/Users", query, headers)
        if answer is not None:
            return answer
        if route.rstrip("/") != "/Users":
            return _json(404, _scim_error(404, f"No resource {route}"))
        start, count = query.get("startIndex", "1"), query.get("count", "100")
        if not (start.isdigit() and count.isdigit()) or int(start) < 1:
            return _json(400, _scim_error(400, "startIndex and count must be positive"))
        first, size = int(start), min(int(count), self.scim_max_count)
        users = self.tenant.scim_users
        page = users[first - 1 : first - 1 + size]
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(users),
            "startIndex": first,
            "itemsPerPage": len(page),
            "Resources": page,
        }
        return _json(200, body, {"content-type": "application/scim+json"})

    def _audit_answer(self, path: str, query: dict[str, str], headers: Any) -> _Answer:
        """The Audit Records API: Spring-style errors, 31-day windows, scroll paging."""
        if headers.get("x-api-key") != self.api_key:
            return _spring(401, "Unauthorized", "Invalid API key", path)
        admitted, limit_headers = self.limiter.admit()
        if not admitted:
            return _spring(429, "Too Many Requests", "Rate limit exceeded", path, limit_headers)
        answer = self._faulted("/audits", query, headers) or self._audits(path, query)
        answer.headers.update(limit_headers)
        return answer

    def _audits(self, path: str, query: dict[str, str]) -> _Answer:
        for name in ("startTime", "endTime", "service"):
            if not query.get(name):
                return _spring(400, "Bad Request", f"Required parameter '{name}' is missing", path)
        try:
            start, end = (_instant(query[n]) for n in ("startTime", "endTime"))
        except ValueError:
            return _spring(400, "Bad Request", "startTime and endTime must be ISO 8601", path)
        if end < start or end - start > 31 * 86400:
            message = "startTime should be a maximum of 31 days before endTime"
            return _spring(400, "Bad Request", message, path)
        raw = query.get("size", "20")
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            return _spring(400, "Bad Request", "size must be between 1 and 100", path)
        size = int(raw)
        if "scrollId" in query:
            scroll = self.scrolls.get(query["scrollId"])
            if scroll is None:
                return _spring(400, "Bad Request", "scrollId is invalid or expired", path)
        else:
            kinds = {t.strip().lower() for t in query.get("entityTypes", "").split(",") if t}
            events = {t.strip().lower() for t in query.get("eventTypes", "").split(",") if t}
            found = [
                a
                for a in self.tenant.audits
                if a["service"] == query["service"]
                and start <= _instant(a["auditTimestamp"]) <= end
                and (not kinds or a["entityType"].lower() in kinds)
                and (not events or a["eventType"].lower() in events)
            ]
            scroll = _Scroll(found, 0, size)
        end_at = scroll.offset + scroll.size
        next_id = None
        if end_at < len(scroll.users):
            next_id = secrets.token_urlsafe(12)
            self.scrolls[next_id] = _Scroll(scroll.users, end_at, scroll.size)
        meta = {"totalRecordCount": len(scroll.users), "scrollId": next_id}
        return _json(200, {"meta": meta, "data": scroll.users[scroll.offset : end_at]})

    def _faulted(self, route: str, query: dict[str, str], headers: Any) -> _Answer | None:
        for fault in self.faults:
            if not route.startswith(fault.path):
                continue
            if fault.kind == "expire" and "scrollId" not in query:
                continue
            fault.seen += 1
            if not fault.at <= fault.seen < fault.at + fault.times:
                continue
            if fault.kind == "status":
                return _json(fault.status, problem(fault.status, "Injected fault", "try later"))
            if fault.kind == "drop":
                return _Answer(0, drop=True)
            if fault.kind == "slow":
                answer = self._route(route, query, headers)
                answer.delay = fault.delay
                return answer
            if fault.kind == "malformed":
                return _Answer(200, b'{"data": [{"basicInfo": {"userId": "x"', {})
            if fault.kind == "expire":
                self.scrolls.pop(query["scrollId"], None)
                return _scroll_gone()
            raise ValueError(fault.kind)
        if self.random_5xx and self.rng.random() < self.random_5xx:
            status = self.rng.choice((500, 502, 503))
            return _json(status, problem(status, "Injected fault", "random failure"))
        return None

    def _route(self, route: str, query: dict[str, str], headers: Any) -> _Answer:
        resource = route.strip("/").split("/")[0]
        if resource not in RESOURCES:
            return _json(404, problem(404, "Not Found", f"No route for {route}"))
        accept = headers.get("accept") or ""
        wanted = f"application/vnd.{MEDIA_NAMES.get(resource, resource)}.v1+json"
        if wanted not in [a.split(";")[0].strip() for a in accept.split(",")]:
            return _json(406, problem(406, "Not Acceptable", f"Use Accept: {wanted}"))
        ctype = {"content-type": CONTENT_TYPES[resource]}
        if resource == "users" and route.rstrip("/") == "/users":
            answer = self._users(query)
        elif resource == "users" and route.count("/") == 2:
            wanted_id = unquote(route.split("/")[2])
            found = [u for u in self.tenant.users if u["basicInfo"]["userId"] == wanted_id]
            answer = (
                _json(200, found[0])
                if found
                else _json(404, problem(404, "Not Found", "User not found"))
            )
        elif resource == "sites" and route.rstrip("/") == "/sites":
            answer = self._sites(query)
        elif resource == "addresses" and route.rstrip("/") == "/addresses":
            answer = (
                self._listing(resource, list(self.tenant.addresses.values()), query)
                if self.serve_address_list
                else _json(404, problem(404, "Not Found", f"No route for {route}"))
            )
        elif resource == "phone-numbers" and route.rstrip("/") == "/phone-numbers":
            answer = self._listing(
                resource, self.tenant.numbers, query, max_size=self.number_max_page_size
            )
        elif resource == "addresses" and route.count("/") == 2:
            address = self.tenant.addresses.get(unquote(route.split("/")[2]))
            answer = (
                _json(200, address)
                if address
                else _json(404, problem(404, "Not Found", "Address not found"))
            )
        else:
            answer = _json(404, problem(404, "Not Found", f"No route for {route}"))
        answer.headers.update(ctype)
        return answer

    def _page_size(self, query: dict[str, str], max_size: int | None = None) -> int | _Answer:
        raw = query.get("pageSize", "100")
        size = int(raw) if raw.isdigit() else -1
        most = min(self.max_page_size, max_size or self.max_page_size)
        if not 1 <= size <= most:
            message = f"pageSize must be between 1 and {most}"
            error = {"field": "pageSize", "code": "VALIDATION_ERROR", "message": message}
            return _json(400, problem(400, "Bad Request", message, [error]))
        return size

    def _users(self, query: dict[str, str]) -> _Answer:
        if "scrollId" in query:
            if "filter" in query or "sort" in query:
                message = "Cannot use scrollId with other first-page query parameters"
                error = {"code": "CONFLICTING_QUERY_PARAMETER", "message": message}
                return _json(400, problem(400, "Bad Request", message, [error]))
            scroll = self.scrolls.get(query["scrollId"])
            if scroll is None:
                return _scroll_gone()
        else:
            size = self._page_size(query)
            if isinstance(size, _Answer):
                return size
            users = list(self.tenant.users)
            wanted = query.get("filter")
            if wanted:
                field_name, _, value = wanted.partition("==")
                if field_name != "basicInfo.status" or not value:
                    error = {"field": "filter", "code": "VALIDATION_ERROR", "message": "bad filter"}
                    return _json(400, problem(400, "Bad Request", "Invalid filter", [error]))
                users = [u for u in users if u["basicInfo"]["status"] == value.upper()]
            scroll = _Scroll(users, 0, size)
        end = scroll.offset + scroll.size
        more = end < len(scroll.users)
        pagination: dict[str, Any] = {"pageSize": scroll.size, "hasMore": more}
        if more:
            if scroll.next_id is None:
                scroll.next_id = secrets.token_urlsafe(12)
                self.scrolls[scroll.next_id] = _Scroll(scroll.users, end, scroll.size)
            pagination["nextScrollId"] = scroll.next_id
        elif not self.omit_last_scroll_id:
            pagination["nextScrollId"] = None
        data = scroll.users[scroll.offset : end]
        if self.list_without_service_info:
            data = [{k: v for k, v in u.items() if k != "serviceInfo"} for u in data]
        return _json(200, {"data": data, "pagination": pagination})

    def _listing(
        self,
        resource: str,
        items: list[dict[str, Any]],
        query: dict[str, str],
        *,
        max_size: int | None = None,
    ) -> _Answer:
        """A scroll listing as S6/S7 document it: ``pageSize``, ``filter`` and ``sort`` on the
        first page, ``scrollId`` alone after it, ``pagination.nextScrollId`` until
        ``hasMore`` is false; 400 VALIDATION_ERROR naming the bad field."""
        if "scrollId" in query:
            if "filter" in query or "sort" in query:
                message = "Cannot use scrollId with other first-page query parameters"
                error = {"code": "CONFLICTING_QUERY_PARAMETER", "message": message}
                return _json(400, problem(400, "Conflicting query parameters", message, [error]))
            scroll = self.scrolls.get(query["scrollId"])
            if scroll is None:
                return _scroll_gone()
        else:
            size = self._page_size(query, max_size)
            if isinstance(size, _Answer):
                return size
            chosen = _filtered(items, query.get("filter", ""), FILTER_FIELDS[resource])
            if chosen is None:
                error = {
                    "field": "filter",
                    "code": "VALIDATION_ERROR",
                    "message": "Invalid filter expression",
                }
                return _json(400, problem(400, "Validation error", errors=[error]))
            order = query.get("sort", "")
            if order:
                name = order.lstrip("+-")
                if not items or name not in items[0]:
                    error = {"field": "sort", "code": "VALIDATION_ERROR", "message": "Invalid sort"}
                    return _json(400, problem(400, "Validation error", errors=[error]))
                chosen.sort(key=lambda r: str(r.get(name) or ""), reverse=order[0] == "-")
            scroll = _Scroll(chosen, 0, size)
        end = scroll.offset + scroll.size
        more = end < len(scroll.users)
        pagination: dict[str, Any] = {"pageSize": scroll.size, "hasMore": more}
        if more:
            if scroll.next_id is None:
                scroll.next_id = secrets.token_urlsafe(12)
                self.scrolls[scroll.next_id] = _Scroll(scroll.users, end, scroll.size)
            pagination["nextScrollId"] = scroll.next_id
        return _json(200, {"data": scroll.users[scroll.offset : end], "pagination": pagination})

    def _sites(self, query: dict[str, str]) -> _Answer:
        size = self._page_size(query)
        if isinstance(size, _Answer):
            return size
        raw = query.get("pageNumber", "0")
        if not raw.isdigit():
            error = {"field": "pageNumber", "code": "VALIDATION_ERROR", "message": "must be >= 0"}
            return _json(400, problem(400, "Bad Request", "Invalid pageNumber", [error]))
        number = int(raw)
        start = number * size
        data = self.tenant.sites[start : start + size]
        more = start + size < len(self.tenant.sites)
        page = {"pageSize": size, "pageNumber": number, "hasMore": more}
        return _json(200, {"data": data, "pagination": page})


def _filtered(
    items: list[dict[str, Any]], expression: str, fields: Sequence[str]
) -> list[dict[str, Any]] | None:
    """The items an RSQL AND of ``field==value`` / ``field!=value`` terms keeps (compared
    case-insensitively, ``*`` a wildcard), or None when the expression is not one of those."""
    chosen = list(items)
    for term in filter(None, expression.split(";")):
        negate = "!=" in term
        name, _, value = term.partition("!=" if negate else "==")
        if name not in fields or not value or "," in term:
            return None
        pattern = re.compile(
            ".*".join(re.escape(p) for p in value.strip('"').split("*")), re.IGNORECASE
        )
        chosen = [i for i in chosen if bool(pattern.fullmatch(str(i.get(name) or ""))) != negate]
    return chosen


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(
        status,
        json.dumps(body).encode(),
        {"content-type": "application/json", **(headers or {})},
    )


def _scim_error(status: int, detail: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": str(status),
        "detail": detail,
    }


def _spring(
    status: int, error: str, message: str, path: str, headers: dict[str, str] | None = None
) -> _Answer:
    """The Audit Records API's error body (Spring Boot's default shape)."""
    body = {
        "timestamp": "2026-11-02T00:00:00.000+00:00",
        "status": status,
        "error": error,
        "message": message,
        "path": path,
    }
    return _json(status, body, headers)


def _instant(text: str) -> float:
    """Seconds since the epoch of an ISO 8601 time (Z or an offset; naive means UTC)."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def _scroll_gone() -> _Answer:
    message = "The scrollId is invalid or has expired; start the listing again"
    error = {"field": "scrollId", "code": "BAD_REQUEST", "message": message}
    return _json(400, problem(400, "Bad Request", message, [error]))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Fake8x8

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self._wake_read, self._wake_write = socket.socketpair()

    def serve_until_woken(self) -> None:
        """``serve_forever`` without its 0.5 s poll: :meth:`wake` ends the loop at once, so a
        test's teardown does not wait for the next poll (``shutdown`` would)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake_read in ready:
                    return
                self.handle_request()

    def wake(self) -> None:
        """Stop :meth:`serve_until_woken` (from another thread)."""
        self._wake_write.send(b"x")

    def server_close(self) -> None:
        super().server_close()
        self._wake_read.close()
        self._wake_write.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up on a slow answer is expected here, not an error."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 10
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        answer = self.server.fake.answer(parts.path, query, self.headers)
        if answer.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if answer.delay:
            self.server.fake.stopping.wait(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``Fake8x8.hits`` instead."""


def mock_transport(api: Fake8x8, timeout: float = 30.0) -> Any:
    """The same fake without sockets, as an ``httpx.MockTransport`` (unit tests).

    A dropped connection raises ``RemoteProtocolError``; an answer slower than ``timeout``
    raises ``ReadTimeout`` at once instead of sleeping.
    """
    import httpx

    def handle(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        answer = api.answer(request.url.path, query, request.headers)
        if answer.drop:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        if answer.delay > timeout:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    return httpx.MockTransport(handle)


@contextlib.contextmanager
def serving(tenant: Tenant, **options: Any) -> Iterator[Fake8x8]:
    """``with serving(tenant, faults=[...]) as api:`` for code that is not a pytest test."""
    api = Fake8x8(tenant, **options).start()
    try:
        yield api
    finally:
        api.stop()
