"""The Administration API source over httpx.MockTransport: paging, faults, error sentences.

The fake 8x8 answers in-process (no sockets) and the client's clock and sleep are fake, so
the documented limits and backoff run at full length without a real wait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from auditor.errors import SourceError
from auditor.sources.admin_api import AdminApiSource
from auditor.sources.apikey import ApiKey
from auditor.sources.base import Collected, CollectStats
from auditor.sources.ratelimit import Limits
from tests.fake8x8 import Fake8x8, Fault, Tenant, mock_transport
from tests.fake_tenants import small_tenant
from tests.helpers.api import BASE, fake, make
from tests.helpers.clock import FakeClock
from tests.sources.conftest import KEY


def user_ids(collected: Collected) -> list[str]:
    return sorted(collected.users.user_id)


EXPECTED = sorted(u["basicInfo"]["userId"] for u in small_tenant(250, 3).users)


def test_paging_headers_and_the_address_list_instead_of_one_request_per_address() -> None:
    api = fake()
    seen: list[httpx.Request] = []
    inner = mock_transport(api)

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return inner.handle_request(request)

    source, _ = make(handler=spy, page_size=100)
    collected = source.collect()
    assert user_ids(collected) == EXPECTED
    queries = [(r.url.path, dict(r.url.params)) for r in seen]
    assert queries[0] == ("/admin-provisioning/users", {"pageSize": "100"})
    assert [q for _, q in queries[1:3]] == [{"scrollId": q["scrollId"]} for _, q in queries[1:3]]
    assert queries[3] == ("/admin-provisioning/sites", {"pageSize": "100", "pageNumber": "0"})
    # Two site addresses: the list's one page beats two GET /addresses/{id}.
    assert queries[4:] == [
        ("/admin-provisioning/addresses", {"pageSize": "100"}),
        ("/admin-provisioning/phone-numbers", {"pageSize": "100", "filter": "status!=ASSIGNED"}),
    ]
    assert {r.headers["x-api-key"] for r in seen} == {KEY}
    accepts = {r.url.path.split("/")[2]: r.headers["accept"] for r in seen}
    assert accepts == {
        "users": "application/vnd.users.v1+json",
        "sites": "application/vnd.sites.v1+json",
        "addresses": "application/vnd.addresses.v1+json",
        "phone-numbers": "application/vnd.phonenumbers.v1+json",
    }
    stats = collected.stats
    assert (stats.requests, stats.user_pages, stats.site_pages, stats.addresses) == (6, 3, 1, 2)
    assert (stats.address_pages, stats.addresses_by_id, stats.number_pages) == (1, 0, 1)
    assert list(collected.sites.site_id) == ["site-1", "site-2", "site-3"]
    assert list(collected.sites.street) == ["1 Main St", "2 Main St", "2 Main St"]


def _without_address(address_id: str) -> Tenant:
    tenant = small_tenant(250, 3)
    del tenant.addresses[address_id]
    return tenant


@pytest.mark.parametrize("omit", [False, True], ids=["null-scroll-id", "no-scroll-id-key"])
def test_the_last_page_may_carry_a_null_or_no_scroll_id(omit: bool) -> None:
    api = fake(omit_last_scroll_id=omit)
    collected = make(api)[0].collect()
    assert user_ids(collected) == EXPECTED
    assert collected.stats.page_size == 1000
    assert api.count("/admin-provisioning/users") == 1


def test_a_refused_page_size_of_1000_falls_back_to_100_once() -> None:
    api = fake(max_page_size=100)
    collected = make(api)[0].collect()
    assert user_ids(collected) == EXPECTED
    assert collected.stats.page_size == 100
    assert api.count("/admin-provisioning/users", status=400) == 1
    assert api.count("/admin-provisioning/sites", status=400) == 0


def test_an_explicit_page_size_is_never_changed() -> None:
    with pytest.raises(SourceError, match=r"400 Bad Request: the server said: pageSize must be"):
        make(fake(max_page_size=100), page_size=500)[0].collect()


def collect_error(api: Fake8x8 | None = None, **options: Any) -> tuple[SourceError, Fake8x8]:
    api = api or fake()
    with pytest.raises(SourceError) as caught:
        make(api, **options)[0].collect()
    return caught.value, api


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (
            {"key": "eght_wrong"},
            "GET https://api.8x8.com/admin-provisioning/users answered 401 Unauthorized: the "
            "API key was refused (wrong, revoked or expired); check EIGHTX8_API_KEY",
        ),
        (
            {"faults": [Fault("status", "/users", status=403)]},
            'answered 403 Forbidden: the API key lacks the "UC & CC User Admin" API product',
        ),
        (
            {"faults": [Fault("status", "/sites", status=403)]},
            'sites answered 403 Forbidden: the API key lacks the "UC Site Admin" API product',
        ),
        (
            {"base": "https://api.8x8.com/admin"},
            "404 Not Found: nothing is there; check --base-url",
        ),
        (
            {"faults": [Fault("status", "/users", status=400)]},
            "users answered 400 Bad Request: the server said: try later.",
        ),
        (
            # addr-1 is in no page of the list, so it is asked for by id: 404.
            {"tenant": _without_address("addr-1")},
            "addresses/addr-1 answered 404 Not Found: the address of site 'Site 0' (site-1) "
            "does not exist.",
        ),
    ],
    ids=["401", "403-users", "403-sites", "404", "400", "404-address"],
)
def test_client_errors_are_not_retried_and_explain_themselves(
    options: dict[str, Any], fragment: str
) -> None:
    key = options.pop("key", KEY)
    base = options.pop("base", BASE)
    error, api = collect_error(fake(**options), key=key, base=base)
    assert fragment in str(error)
    assert error.exit_code == 3
    assert str(error).count(". ") == 0
    assert KEY not in str(error)
    assert api.count(status=200) + 1 == len(api.hits)  # the failing request was sent once


def test_5xx_is_retried_with_backoff_and_nothing_is_lost() -> None:
    api = fake(faults=[Fault("status", "/users", at=2, times=3, status=503)])
    source, clock = make(api, page_size=100)
    collected = source.collect()
    assert user_ids(collected) == EXPECTED
    assert collected.stats.retries == 3
    assert clock.slept == [2.0, 4.0, 8.0]
    assert collected.stats.retry_wait_seconds == 14.0


def test_5xx_without_end_gives_up_after_the_backoff_schedule() -> None:
    error, api = collect_error(fake(faults=[Fault("status", "/users", times=99, status=502)]))
    assert str(error) == (
        "GET https://api.8x8.com/admin-provisioning/users failed 6 times in a row (it answered "
        "502 Bad Gateway); the 8x8 API at api.8x8.com is unreachable or failing, try again later."
    )
    assert api.count() == 6


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault("slow", "/users", times=99, delay=60), "no answer within 30 s"),
        (Fault("drop", "/users", times=99), "api.8x8.com closed the connection without an answer"),
        (Fault("malformed", "/users", times=99), "it answered with a body that is not JSON"),
    ],
    ids=["timeout", "dropped", "malformed"],
)
def test_transport_faults_are_retried_then_named(fault: Fault, reason: str) -> None:
    collected = make(fake(faults=[Fault(fault.kind, fault.path, at=2, delay=fault.delay)]))[0]
    assert user_ids(collected.collect()) == EXPECTED
    error, _ = collect_error(fake(faults=[fault]))
    assert f"failed 6 times in a row ({reason}" in str(error)


def test_connection_refused_names_the_host() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(SourceError) as caught:
        make(handler=refuse)[0].collect()
    assert "(could not connect to api.8x8.com: [Errno 111] Connection refused)" in str(caught.value)


@pytest.mark.parametrize("seconds", [10.5, 10.0], ids=["exact-reset", "whole-second-reset"])
def test_the_headers_alone_pace_the_client(seconds: float) -> None:
    clock = FakeClock()
    api = fake(windows=((3, seconds),), clock=clock)
    source = AdminApiSource(
        BASE,
        ApiKey(KEY),
        page_size=100,
        transport=mock_transport(api),
        clock=clock,
        sleep=clock.sleep,
        limits=Limits(windows=()),  # no log of its own: trust the headers alone
    )
    collected = source.collect()
    assert user_ids(collected) == EXPECTED
    waits = collected.stats.rate_limit_waits
    assert waits >= 1
    if seconds == 10.5:  # an exact reset is waited for exactly: no 429
        assert api.count(status=429) == 0
    else:  # a whole-second reset may be a second late: at most one 429 per wait
        assert 0 < api.count(status=429) <= waits


def test_429_then_success_and_429_forever() -> None:
    api = fake(faults=[Fault("status", "/users", at=2, times=2, status=429)])
    source, clock = make(api, page_size=100)
    collected = source.collect()
    assert user_ids(collected) == EXPECTED
    assert collected.stats.throttled == 2
    assert clock.slept == [2.0, 4.0]  # no reset header: 8x8's backoff
    assert collected.stats.rate_limit_wait_seconds == 6.0
    error, _ = collect_error(fake(faults=[Fault("status", "/users", times=99, status=429)]))
    assert "answered 429 Too Many Requests: the rate limit still refused the request" in str(error)


def test_an_expired_scroll_restarts_the_listing_once_without_duplicates() -> None:
    api = fake(faults=[Fault("expire", "/users", at=2)])
    collected = make(api, page_size=50)[0].collect()
    assert user_ids(collected) == EXPECTED
    assert collected.stats.scroll_restarts == 1
    assert collected.stats.users == len(collected.users) == 250
    first_pages = [h for h in api.hits if h.path.endswith("users") and "pageSize" in h.query]
    assert len(first_pages) == 2


def test_a_scroll_expiring_twice_ends_the_run() -> None:
    error, _ = collect_error(fake(faults=[Fault("expire", "/users", at=2, times=2)]), page_size=50)
    assert "the users scroll expired or is unknown to the server" in str(error)
    assert "It expired again after the listing was restarted" in str(error)


def pages(*bodies: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    """A handler serving users pages in order, then one site, its address and no numbers."""
    queue = list(bodies)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users"):
            return httpx.Response(200, json=queue.pop(0))
        if request.url.path.endswith("/sites"):
            site = {"id": "s", "name": "S", "address": {"id": "a"}}
            return httpx.Response(200, json={"data": [site], "pagination": {"hasMore": False}})
        address = {"id": "a", "country": "US", "state": "TX"}
        if request.url.path.endswith("/addresses"):
            return httpx.Response(200, json={"data": [address], "pagination": {}})
        if request.url.path.endswith("/phone-numbers"):
            return httpx.Response(200, json={"data": [], "pagination": {}})
        return httpx.Response(200, json=address)

    return handle


def users_page(ids: list[str], more: bool, scroll: str | None = "next") -> dict[str, Any]:
    data = [{"basicInfo": {"userId": i, "status": "ACTIVE", "site": {"id": "s"}}} for i in ids]
    pagination: dict[str, Any] = {"hasMore": more}
    if scroll is not None:
        pagination["nextScrollId"] = scroll
    return {"data": data, "pagination": pagination}


def test_a_user_listed_twice_is_kept_once() -> None:
    handler = pages(users_page(["a", "b"], True), users_page(["b", "c"], False, None))
    collected = make(handler=handler)[0].collect()
    assert user_ids(collected) == ["a", "b", "c"]
    assert collected.stats.duplicates_dropped == 1


def test_more_pages_without_a_scroll_id_is_an_error() -> None:
    with pytest.raises(SourceError, match=r"said more users follow \(hasMore\) but gave no"):
        make(handler=pages(users_page(["a"], True, None)))[0].collect()


def test_a_listing_that_stops_advancing_is_an_error() -> None:
    handler = pages(*[users_page(["a"], True) for _ in range(5)])
    with pytest.raises(SourceError, match="3 pages in a row with no new user"):
        make(handler=handler)[0].collect()


def test_a_site_without_an_address_is_named() -> None:
    tenant = small_tenant(5, 2)
    tenant.sites[1].pop("address")
    error, _ = collect_error(fake(tenant))
    assert "gave site 'Site 1' (site-2) no address" in str(error)


def test_progress_reports_growing_figures() -> None:
    seen: list[tuple[int, int]] = []

    def progress(stats: CollectStats) -> None:
        seen.append((stats.users, stats.addresses))

    make(fake(), page_size=100, progress=progress)[0].collect()
    assert seen[:3] == [(100, 0), (200, 0), (250, 0)]
    assert seen[-1] == (250, 2)


@pytest.mark.parametrize(
    ("basic", "message"),
    [
        ({"status": "ACTIVE", "site": {"id": "s"}}, "without basicInfo.userId"),
        ({"userId": "u9", "status": "ACTIVE"}, "user u9 without basicInfo.site"),
    ],
)
def test_a_user_missing_required_fields_ends_the_run(basic: dict[str, Any], message: str) -> None:
    page = users_page(["a"], False)
    page["data"].append({"basicInfo": basic})
    with pytest.raises(SourceError, match=message):
        make(handler=pages(page))[0].collect()
