"""The Administration API source against the in-process fake 8x8: a source on a fake clock,
a fake with the tests' key, and small tenants with addresses and phone numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from auditor.sources.admin_api import AdminApiSource
from auditor.sources.apikey import ApiKey
from tests.fake8x8 import Fake8x8, Tenant, mock_transport
from tests.fake_tenants import address_record, site_record, small_tenant, user_record
from tests.helpers.clock import FakeClock
from tests.sources.conftest import KEY

BASE = "https://api.8x8.com/admin-provisioning"


def make(
    api: Fake8x8 | None = None,
    *,
    handler: Callable[[httpx.Request], httpx.Response] | None = None,
    key: str = KEY,
    base: str = BASE,
    **options: Any,
) -> tuple[AdminApiSource, FakeClock]:
    clock = FakeClock()
    transport = httpx.MockTransport(handler) if handler else mock_transport(api or fake())
    source = AdminApiSource(
        base, ApiKey(key), transport=transport, clock=clock, sleep=clock.sleep, **options
    )
    return source, clock


def fake(tenant: Tenant | None = None, **options: Any) -> Fake8x8:
    options.setdefault("api_key", KEY)
    options.setdefault("windows", ())
    return Fake8x8(tenant or small_tenant(250, 3), **options)


def number(phone: str, status: str, category: str = "LOCAL") -> dict[str, Any]:
    return {
        "phoneNumber": phone,
        "nationalFormattedNumber": phone,
        "country": "US",
        "category": category,
        "origin": "CLAIMED",
        "status": status,
    }


def tenant(sites: int, *, other_addresses: int = 0, numbers: int = 0) -> Tenant:
    """``sites`` sites with an address each, ``other_addresses`` addresses no site has (the
    first of them serving 3 licenses, in Oregon), and ``numbers`` numbers of every status."""
    addresses = {
        f"addr-{n}": address_record(f"addr-{n}", f"{n} Main St", "Austin", "TX", "78701", "US")
        for n in range(sites)
    }
    for n in range(other_addresses):
        record = address_record(f"other-{n}", f"{n} Elm St", "Portland", "OR", "97201", "US")
        addresses[f"other-{n}"] = record
    for record in addresses.values():
        record["addressUsage"] = {"site": 0, "license": 0, "userExtension": 1}
    for n in range(sites):
        addresses[f"addr-{n}"]["addressUsage"]["site"] = 1
    if other_addresses:
        addresses["other-0"]["addressUsage"]["license"] = 3
    statuses = ("ASSIGNED", "AVAILABLE", "PORTING", "PRE_PORTING")
    return Tenant(
        users=[user_record(f"u{n}", site=f"site-{n % sites}") for n in range(10)],
        sites=[site_record(f"site-{n}", f"Site {n}", f"addr-{n}") for n in range(sites)],
        addresses=addresses,
        numbers=[
            number(f"+1512555{n:04d}", statuses[n % 4], "TOLL_FREE" if n % 8 == 1 else "LOCAL")
            for n in range(numbers)
        ],
    )
