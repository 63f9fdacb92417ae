"""Fixtures for the source tests: a fake 8x8 server per test, and fast client limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from auditor.sources import admin_api
from auditor.sources.admin_api import AdminApiSource
from auditor.sources.apikey import ApiKey
from auditor.sources.ratelimit import Limits
from tests.fake8x8 import Fake8x8, Tenant
from tests.fake_tenants import small_tenant

KEY = "eght_fake_key"
#: The documented limits at 1/100 of their duration: 100 per 0.6 s, 20 per 0.1 s.
SCALE = 0.01
FAST = Limits().scaled(SCALE)
SERVER_WINDOWS = tuple((w.limit, w.seconds) for w in FAST.windows)

FakeFactory = Callable[..., Fake8x8]


@pytest.fixture
def fake() -> Iterator[FakeFactory]:
    """Start fake 8x8 servers on 127.0.0.1 (limits scaled like FAST); all stop afterwards."""
    servers: list[Fake8x8] = []

    def start(tenant: Tenant | None = None, **options: Any) -> Fake8x8:
        options.setdefault("windows", SERVER_WINDOWS)
        options.setdefault("api_key", KEY)
        api = Fake8x8(tenant or small_tenant(), **options).start()
        servers.append(api)
        return api

    yield start
    for api in servers:
        api.stop()


def source(url: str, **options: Any) -> AdminApiSource:
    """A client of the fake with fast limits and a short timeout unless told otherwise."""
    options.setdefault("limits", FAST)
    options.setdefault("timeout", 2.0)
    return AdminApiSource(url, ApiKey(options.pop("key", KEY)), **options)


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command-line runs use the fast limits and a short timeout."""
    monkeypatch.setattr(admin_api, "CLIENT_LIMITS", FAST)
    monkeypatch.setattr(admin_api, "CLIENT_TIMEOUT", 1.0)
