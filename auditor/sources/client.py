"""One polite GET against the Administration API: paced, retried, and explained when it fails.

Every request goes through :meth:`ApiClient.get_json`, which waits for the rate limit, sends
the versioned ``Accept`` header, retries what a retry can fix (5xx, 408, timeouts, dropped
connections, a body that is not JSON) with backoff, and turns everything else into one
sentence naming the URL, the status and the likely cause. The sentences are built here from
known parts, never from httpx's own messages or the request headers, so the API key cannot
leak into them; a server's ``detail`` is quoted with the key masked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

import httpx

from auditor.errors import SourceError
from auditor.sources.apikey import ENV_VAR, ApiKey
from auditor.sources.base import CollectStats
from auditor.sources.ratelimit import DOCUMENTED, Clock, Limits, Pacer, Sleep
from auditor.version import __version__

#: The API product a key needs per resource (S1 in reference/8x8-api.md).
PRODUCTS = {
    "users": '"UC & CC User Admin"',
    "sites": '"UC Site Admin"',
    "addresses": '"UC Site Admin"',
    "phonenumbers": '"UC & CC Number Admin"',
    "audits": '"Audit Records"',
    "scim": "SCIM",
}
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})


class ApiError(SourceError):
    """The API answered with an error that a retry will not fix."""

    def __init__(self, message: str, *, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem

    def mentions(self, word: str) -> bool:
        """Whether the problem body's texts or fields mention ``word`` (case-insensitive)."""
        return word.casefold() in _problem_text(self.problem, with_fields=True).casefold()

    @property
    def codes(self) -> set[str]:
        """The ``errors[].code`` values of the problem body."""
        errors = self.problem.get("errors")
        if not isinstance(errors, list):
            return set()
        return {str(e.get("code")) for e in errors if isinstance(e, dict) and e.get("code")}


def _problem_text(problem: Mapping[str, Any], *, with_fields: bool = False) -> str:
    """The human part of an RFC 7807-style problem body: detail, else the errors' messages."""
    parts: list[str] = []
    errors = problem.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            if with_fields and error.get("field"):
                parts.append(str(error["field"]))
            if error.get("message"):
                parts.append(str(error["message"]))
    detail = problem.get("detail")
    if isinstance(detail, str) and detail.strip():
        parts.insert(0, detail.strip())
    message = problem.get("message")  # the Audit Records API answers Spring-style errors
    if not parts and isinstance(message, str) and message.strip():
        parts.append(message.strip())
    return "; ".join(dict.fromkeys(parts))


def _reason(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class ApiClient:
    """A paced, retrying JSON GET client for one base URL and key."""

    def __init__(
        self,
        base_url: str,
        api_key: ApiKey,
        *,
        stats: CollectStats,
        transport: httpx.BaseTransport | None = None,
        limits: Limits = DOCUMENTED,
        timeout: float = 30.0,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        on_wait: Callable[[], None] | None = None,
        bearer: bool = False,
        key_hint: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        #: Where a refused credential came from, for the 401 sentence.
        self._key_hint = key_hint or f"{ENV_VAR} or the --api-key-file"
        self._key = api_key
        self._stats = stats
        self._sleep = sleep
        self._limits = limits
        self._timeout = timeout
        self.pacer = Pacer(limits, clock=clock, sleep=sleep, on_wait=on_wait)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={
                # SCIM takes the token as a bearer; the Administration APIs as x-api-key.
                ("authorization" if bearer else "x-api-key"): (
                    f"Bearer {api_key.reveal()}" if bearer else api_key.reveal()
                ),
                "user-agent": f"seat-auditor/{__version__}",
            },
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def host(self) -> str:
        """The API's host, for sentences about the network."""
        return httpx.URL(self.base_url).host or self.base_url

    def get_json(
        self,
        path: str,
        resource: str,
        params: Mapping[str, str | int] | None = None,
        *,
        accept: str | None = None,
    ) -> dict[str, Any]:
        """GET ``path`` as ``application/vnd.<resource>.v1+json`` (or ``accept``, for APIs
        outside the versioned Administration suite); the decoded JSON object."""
        url = f"{self.base_url}{path}"
        headers = {"accept": accept or f"application/vnd.{resource}.v1+json"}
        failures = 0
        while True:
            self.pacer.before_request()
            self._stats.requests += 1
            try:
                response = self._http.get(path, params=dict(params or {}), headers=headers)
            except httpx.TimeoutException:
                self.pacer.record(None)
                problem = f"no answer within {self._timeout:g} s"
            except httpx.TransportError as exc:
                self.pacer.record(None)
                problem = self._transport_problem(exc)
            else:
                self.pacer.record(response.headers)
                if response.status_code == 429:
                    if not self.pacer.throttled_wait(response.headers):
                        raise self._error(url, response, resource, throttled=True)
                    self._stats.retries += 1
                    continue
                self.pacer.answered()
                if response.status_code in RETRY_STATUSES:
                    problem = f"it answered {_reason(response.status_code)}"
                elif response.is_success:
                    body = self._decode(response)
                    if body is not None:
                        return body
                    problem = "it answered with a body that is not JSON"
                else:
                    raise self._error(url, response, resource)
            if failures >= len(self._limits.backoff):
                raise SourceError(
                    f"GET {url} failed {failures + 1} times in a row ({problem}); "
                    f"the 8x8 API at {self.host} is unreachable or failing, try again later."
                )
            self._stats.retries += 1
            self._stats.retry_wait_seconds += self._limits.backoff[failures]
            self._sleep(self._limits.backoff[failures])
            failures += 1

    @staticmethod
    def _decode(response: httpx.Response) -> dict[str, Any] | None:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    def _transport_problem(self, exc: httpx.TransportError) -> str:
        if isinstance(exc, httpx.ConnectError):
            return f"could not connect to {self.host}: {self._key.redact(str(exc)) or 'refused'}"
        if isinstance(exc, httpx.RemoteProtocolError):
            return f"{self.host} closed the connection without an answer"
        if isinstance(exc, httpx.ProxyError | httpx.UnsupportedProtocol):
            return f"{type(exc).__name__}: {self._key.redact(str(exc))}"
        return f"the connection to {self.host} failed ({type(exc).__name__})"

    def _error(
        self, url: str, response: httpx.Response, resource: str, *, throttled: bool = False
    ) -> ApiError:
        status = response.status_code
        problem = self._decode(response) or {}
        detail = self._key.redact(_problem_text(problem))[:300]
        said = f"GET {url} answered {_reason(status)}"
        if throttled:
            cause = (
                f"the rate limit still refused the request after "
                f"{len(self._limits.backoff)} waits; another client may be spending the same "
                "API key, try again later"
            )
        elif status == 401:
            cause = f"the API key was refused (wrong, revoked or expired); check {self._key_hint}"
        elif status == 403:
            product = PRODUCTS.get(resource, "the right")
            cause = (
                f"the API key lacks the {product} API product, or belongs to another customer"
                + (f" (the server said: {detail})" if detail else "")
            )
        elif status == 404:
            cause = (
                "nothing is there; check --base-url "
                "(8x8's is https://api.8x8.com/admin-provisioning)"
            )
        elif status == 406:
            cause = (
                f"the server does not serve application/vnd.{resource}.v1+json, the only "
                "version seat-auditor speaks"
            )
        else:
            cause = f"the server said: {detail}" if detail else "the server gave no reason"
        return ApiError(f"{said}: {cause}.", status=status, problem=problem)
