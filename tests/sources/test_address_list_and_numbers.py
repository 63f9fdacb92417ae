"""The address list and the phone numbers: fewer requests, usage counts, idle numbers.

Over httpx.MockTransport against the fake 8x8 (in process, fake clock), as the other
Administration API source tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import SourceError
from auditor.pipeline import collect_folder
from auditor.sources.numbers import NOT_ASSIGNED
from tests.fake8x8 import Fault
from tests.fake_tenants import small_tenant
from tests.helpers.api import fake, make, tenant

ADDRESSES = "/admin-provisioning/addresses"
NUMBERS = "/admin-provisioning/phone-numbers"


def paths(api: Any, prefix: str) -> list[str]:
    return [h.path for h in api.hits if h.path.startswith(prefix)]


def test_one_page_of_the_list_replaces_a_request_per_site_address() -> None:
    api = fake(tenant(40, other_addresses=5))
    collected = make(api)[0].collect()
    assert paths(api, ADDRESSES) == [ADDRESSES]
    stats = collected.stats
    assert (stats.address_pages, stats.addresses, stats.addresses_by_id) == (1, 40, 0)
    assert stats.listed_addresses == 45
    assert len(collected.sites) == 40
    assert set(collected.sites.state) == {"TX"}
    table = collected.addresses
    assert table is not None
    assert len(table) == 45
    oregon = table[table.address_id.eq("other-0")].iloc[0]
    assert (oregon.state, oregon.country, oregon.license_count, oregon.site_count) == (
        "OR",
        "US",
        "3",
        "0",
    )
    assert oregon.street == "0 Elm St"
    assert oregon.user_extension_count == "1"


def test_a_site_address_the_list_lacks_is_fetched_by_id() -> None:
    listed = tenant(3)
    api = fake(listed)
    missing = listed.addresses["addr-2"]

    original = api._listing

    def without_addr_2(resource: str, items: list[Any], query: dict[str, str], **kw: Any) -> Any:
        if resource == "addresses":
            items = [i for i in items if i is not missing]
        return original(resource, items, query, **kw)

    api._listing = without_addr_2  # type: ignore[method-assign]
    collected = make(api)[0].collect()
    assert paths(api, ADDRESSES) == [ADDRESSES, f"{ADDRESSES}/addr-2"]
    assert collected.stats.addresses_by_id == 1
    assert collected.addresses is not None
    assert sorted(collected.addresses.address_id) == ["addr-0", "addr-1", "addr-2"]


def test_a_list_longer_than_the_per_id_cost_is_left_and_not_written() -> None:
    # 3 site addresses, 3,500 addresses at 1000 a page: once 3 pages are read (what the
    # per-id way costs) the list is left, and addresses.csv is not written half.
    api = fake(tenant(3, other_addresses=3497))
    collected = make(api)[0].collect()
    assert paths(api, ADDRESSES) == [ADDRESSES] * 3
    assert collected.stats.address_pages == 3
    assert collected.addresses is None
    assert any("addresses.csv was not written" in w for w in collected.warnings)
    assert len(collected.sites) == 3


def test_a_single_site_address_costs_one_request_either_way() -> None:
    api = fake(tenant(1, other_addresses=2000))
    collected = make(api, page_size=1000)[0].collect()
    # One site address: the first page is as cheap as GET /addresses/{id}; more pages are not.
    assert paths(api, ADDRESSES) == [ADDRESSES]
    assert collected.addresses is None
    assert collected.sites.state.tolist() == ["TX"]


def test_a_server_without_the_list_falls_back_to_one_request_per_address() -> None:
    api = fake(small_tenant(20, 3), serve_address_list=False)
    collected = make(api)[0].collect()
    assert paths(api, ADDRESSES) == [ADDRESSES, f"{ADDRESSES}/addr-1", f"{ADDRESSES}/addr-2"]
    assert collected.addresses is None
    assert collected.stats.addresses_by_id == 2
    assert any("answered 404" in w and "addresses.csv" in w for w in collected.warnings)


def test_a_refused_page_size_falls_back_to_100_for_the_list_too() -> None:
    api = fake(tenant(3, other_addresses=150), max_page_size=100)
    collected = make(api)[0].collect()
    sizes = [h.query.get("pageSize") for h in api.hits if h.path == ADDRESSES]
    assert sizes[0] == "100"  # the users listing already fell back
    assert collected.addresses is not None
    assert len(collected.addresses) == 153


def test_an_expired_address_scroll_restarts_the_list_once() -> None:
    api = fake(tenant(3, other_addresses=250), faults=[Fault("expire", "/addresses", at=1)])
    collected = make(api, page_size=100)[0].collect()
    assert collected.addresses is not None
    assert collected.addresses.address_id.is_unique
    assert len(collected.addresses) == 253


def test_an_address_scroll_that_expires_twice_ends_the_run() -> None:
    api = fake(tenant(3, other_addresses=250), faults=[Fault("expire", "/addresses", times=9)])
    with pytest.raises(SourceError, match=r"addresses scroll expired.*expired again"):
        make(api, page_size=100)[0].collect()


def test_numbers_not_assigned_are_listed_100_a_page() -> None:
    api = fake(tenant(2, numbers=1000))
    collected = make(api)[0].collect()
    asked = [h.query for h in api.hits if h.path == NUMBERS]
    assert asked[0] == {"pageSize": "100", "filter": NOT_ASSIGNED}
    assert all(set(q) == {"scrollId"} for q in asked[1:])
    assert len(asked) == 8  # 750 numbers not assigned, 100 a page
    table = collected.numbers
    assert table is not None
    assert len(table) == 750
    assert set(table.status) == {"AVAILABLE", "PORTING", "PRE_PORTING"}
    assert list(table.columns) == ["number", "status", "category", "origin", "country"]
    assert collected.stats.numbers == 750
    assert collected.stats.number_pages == 8


def test_a_smaller_page_size_is_kept_for_numbers() -> None:
    api = fake(tenant(2, numbers=40))
    make(api, page_size=25)[0].collect()
    asked = [h.query for h in api.hits if h.path == NUMBERS]
    assert asked[0]["pageSize"] == "25"
    assert len(asked) == 2  # 30 numbers not assigned


def test_a_key_without_the_number_product_skips_numbers_with_a_warning() -> None:
    api = fake(tenant(2, numbers=10), faults=[Fault("status", "/phone-numbers", status=403)])
    collected = make(api)[0].collect()
    assert collected.numbers is None
    assert any(
        '403: the API key lacks the "UC & CC Number Admin" API product' in w
        for w in collected.warnings
    )


def test_a_server_refusing_the_filter_is_asked_for_every_number() -> None:
    api = fake(tenant(2, numbers=12))
    original = api._listing

    def no_filters(resource: str, items: list[Any], query: dict[str, str], **kw: Any) -> Any:
        if resource == "phone-numbers" and "filter" in query:
            query = {**query, "filter": "nonsense==1"}
        return original(resource, items, query, **kw)

    api._listing = no_filters  # type: ignore[method-assign]
    collected = make(api)[0].collect()
    assert [h.status for h in api.hits if h.path == NUMBERS] == [400, 200]
    assert collected.numbers is not None
    assert len(collected.numbers) == 12


def test_other_number_errors_end_the_run() -> None:
    api = fake(tenant(2, numbers=3), faults=[Fault("status", "/phone-numbers", status=400)])
    with pytest.raises(SourceError, match="phone-numbers answered 400"):
        make(api)[0].collect()


def test_a_new_collection_without_numbers_removes_the_old_numbers_csv(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    now = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    first = make(fake(tenant(2, numbers=4)))[0]
    collect_folder(first, out, base_url="https://api.8x8.com", now=now)
    assert (out / "numbers.csv").exists()
    (out / "licenses.csv").write_text("license_type,total,unassigned\nX4,1,0\n")
    forbidden = fake(tenant(2, numbers=4), faults=[Fault("status", "/phone-numbers", status=403)])
    collect_folder(make(forbidden)[0], out, base_url="https://api.8x8.com", now=now)
    assert not (out / "numbers.csv").exists()
    assert (out / "licenses.csv").exists()  # the person's files stay
    assert (out / "addresses.csv").exists()
