"""The fake 8x8's address and phone-number listings behave as S6 and S7 document them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fake8x8 import Fake8x8, mock_transport
from tests.helpers.api import tenant
from tests.sources.conftest import KEY

BASE = "https://api.8x8.com/admin-provisioning"
ACCEPT = {
    "addresses": "application/vnd.addresses.v1+json",
    "phone-numbers": "application/vnd.phonenumbers.v1+json",
}


def get(api: Fake8x8, resource: str, **query: Any) -> httpx.Response:
    with httpx.Client(transport=mock_transport(api)) as client:
        return client.get(
            f"{BASE}/{resource}",
            params=query,
            headers={"x-api-key": KEY, "accept": ACCEPT[resource]},
        )


@pytest.fixture
def api() -> Fake8x8:
    return Fake8x8(tenant(3, other_addresses=4, numbers=16), api_key=KEY, windows=())


def test_addresses_filter_by_country_and_state_with_wildcards(api: Fake8x8) -> None:
    body = get(api, "addresses", pageSize=100, filter="country==US;state==OR").json()
    assert sorted(a["id"] for a in body["data"]) == [f"other-{n}" for n in range(4)]
    body = get(api, "addresses", filter="displayForm==*elm*").json()
    assert len(body["data"]) == 4
    assert body["pagination"] == {"pageSize": 100, "hasMore": False}


def test_phone_numbers_filter_with_not_equal_and_category(api: Fake8x8) -> None:
    body = get(api, "phone-numbers", filter="status!=ASSIGNED;category==TOLL_FREE").json()
    assert {n["status"] for n in body["data"]} == {"AVAILABLE"}
    assert {n["category"] for n in body["data"]} == {"TOLL_FREE"}


def test_scroll_pages_then_refuses_a_scroll_with_a_filter(api: Fake8x8) -> None:
    first = get(api, "phone-numbers", pageSize=10).json()
    assert len(first["data"]) == 10
    assert first["pagination"]["hasMore"] is True
    scroll = first["pagination"]["nextScrollId"]
    second = get(api, "phone-numbers", scrollId=scroll).json()
    assert len(second["data"]) == 6
    assert second["pagination"]["hasMore"] is False
    refused = get(api, "phone-numbers", scrollId=scroll, filter="status==AVAILABLE")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "CONFLICTING_QUERY_PARAMETER"


@pytest.mark.parametrize(
    ("resource", "query", "field"),
    [
        ("addresses", {"filter": "city==Austin"}, "filter"),
        ("addresses", {"sort": "-nonsense"}, "sort"),
        ("phone-numbers", {"filter": "status=AVAILABLE"}, "filter"),
        ("phone-numbers", {"pageSize": 101}, "pageSize"),
        ("addresses", {"scrollId": "unknown"}, "scrollId"),
    ],
)
def test_documented_validation_errors(
    api: Fake8x8, resource: str, query: dict[str, Any], field: str
) -> None:
    answer = get(api, resource, **query)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field


def test_the_numbers_media_type_is_phonenumbers(api: Fake8x8) -> None:
    with httpx.Client(transport=mock_transport(api)) as client:
        wrong = client.get(
            f"{BASE}/phone-numbers",
            headers={"x-api-key": KEY, "accept": "application/vnd.phone-numbers.v1+json"},
        )
    assert wrong.status_code == 406
    assert get(api, "phone-numbers").headers["content-type"] == ACCEPT["phone-numbers"]
