"""The fake 8x8 over real sockets: it behaves as documented, and collection is exact under
every fault it injects."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from auditor.sources.ratelimit import Limits
from tests.fake8x8 import Fake8x8, Fault
from tests.fake_tenants import small_tenant
from tests.helpers.clock import FakeClock
from tests.sources.conftest import KEY, FakeFactory, source

ACCEPT = {"x-api-key": KEY, "accept": "application/vnd.users.v1+json"}
TENANT = small_tenant(1234, 4)
EXPECTED = sorted(u["basicInfo"]["userId"] for u in TENANT.users)


def get(api: Fake8x8, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return httpx.get(
        f"{api.url}{path}", params=params, headers=ACCEPT if headers is None else headers
    )


@pytest.mark.slow
def test_the_fake_checks_key_accept_and_query_as_documented(fake: FakeFactory) -> None:
    api = fake(TENANT)
    unauthorized = get(api, "/users", {"accept": ACCEPT["accept"]})
    assert unauthorized.status_code == 401
    assert unauthorized.json()["detail"] == "Valid authentication credentials required"
    assert get(api, "/users", {"x-api-key": KEY, "accept": "*/*"}).status_code == 406
    assert get(api, "/users", pageSize=0).json()["errors"][0]["field"] == "pageSize"
    first = get(api, "/users", pageSize=1000)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/vnd.users.v1+json"
    scroll = first.json()["pagination"]["nextScrollId"]
    conflict = get(api, "/users", scrollId=scroll, filter="basicInfo.status==ACTIVE")
    assert conflict.json()["errors"][0]["code"] == "CONFLICTING_QUERY_PARAMETER"
    again = get(api, "/users", scrollId=scroll)
    assert again.json() == get(api, "/users", scrollId=scroll).json()  # a cursor, not a stream
    assert len(again.json()["data"]) == 234
    assert again.json()["pagination"] == {"pageSize": 1000, "hasMore": False, "nextScrollId": None}
    assert get(api, "/users", scrollId="nope").json()["errors"][0]["code"] == "BAD_REQUEST"
    for answer in (unauthorized, first, conflict):
        assert answer.headers["content-type"].endswith("json")
    assert all(h in first.headers for h in ("x-ratelimit-limit", "x-ratelimit-reset"))


@pytest.mark.slow
def test_the_fake_enforces_a_sliding_window_with_429(fake: FakeFactory) -> None:
    api = fake(TENANT, windows=((5, 30.0), (3, 10.0)))
    answers = [get(api, "/sites", {"x-api-key": KEY, "accept": "application/vnd.sites.v1+json"})]
    answers += [get(api, "/users") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[3].json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
    assert float(answers[3].headers["x-ratelimit-reset"]) > 1e9


#: A slow answer is held until the fake stops: longer than any client timeout, so the client
#: times out every time, however loaded the machine (a 0.6 s sleep against a 0.3 s timeout
#: could lose the race when the client's thread is scheduled late).
HELD = 60.0
FAULTS = {
    "503s": [Fault("status", "/users", at=3, times=4, status=503)],
    "random-5xx": [],
    "slow": [Fault("slow", "/users", at=2, times=2, delay=HELD)],
    "dropped": [Fault("drop", "/users", at=4, times=2), Fault("drop", "/addresses", times=1)],
    "expired-scroll": [Fault("expire", "/users", at=5)],
    "malformed": [Fault("malformed", "/users", at=6)],
    "429": [Fault("status", "/users", at=2, times=2, status=429)],
    "everything": [
        Fault("status", "/users", at=2, status=503),
        Fault("drop", "/users", at=3),
        Fault("slow", "/users", at=4, delay=HELD),
        Fault("malformed", "/users", at=6),
        Fault("expire", "/users", at=7),
        Fault("status", "/users", at=9, status=429),
        Fault("drop", "/sites"),
        Fault("status", "/addresses", at=2, times=2, status=502),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(FAULTS))
def test_collection_is_exact_under_each_fault(kind: str, fake: FakeFactory) -> None:
    options: dict[str, Any] = {"faults": FAULTS[kind]}
    if kind in ("random-5xx", "everything"):
        options.update(random_5xx=0.1, seed=7)
    api = fake(TENANT, max_page_size=100, **options)
    collected = source(api.url, timeout=0.5).collect()
    users = collected.users
    assert sorted(users.user_id) == EXPECTED  # none lost
    assert users.user_id.is_unique  # none twice
    assert collected.stats.users == len(users) == len(TENANT.users)
    assert sorted(collected.sites.site_id) == ["site-1", "site-2", "site-3", "site-4"]
    assert collected.stats.page_size == 100  # fell back from 1000
    assert collected.stats.retries + collected.stats.scroll_restarts > 0


@pytest.mark.slow
def test_a_client_paced_by_the_headers_alone_stays_under_the_limit(fake: FakeFactory) -> None:
    """Over real sockets, but the fake and the client share one clock that moves only when the
    client waits: what the headers say is exactly what the server enforces, with no race
    against a real 0.3 s window on a busy machine."""
    clock = FakeClock()
    api = fake(TENANT, windows=((4, 0.3),), clock=clock)
    blind = Limits(windows=(), backoff=(0.05,) * 5, margin=0.001)
    paced = source(api.url, limits=blind, page_size=100, clock=clock, sleep=clock.sleep)
    collected = paced.collect()
    assert sorted(collected.users.user_id) == EXPECTED
    assert api.count(status=429) == 0  # the headers alone kept it under the limit
    assert collected.stats.rate_limit_waits >= 3
