"""Collect benchmark: requests and wall time against what 8x8's rate limit allows at best.

Runs the fake 8x8 (tests/fake8x8.py) on 127.0.0.1 with the documented limits (100 requests a
minute, 20 per 10 seconds) scaled in time, serves a tenant of 20,000 users over 400 sites
(each site with its own address, a hundred more addresses that only licenses use, a number
per user and some idle ones), and collects it at the documented page size. It prints:

- requests made against the minimum: user pages + site pages + address-list pages + pages of
  numbers not assigned (100 a page), and against what the per-id way costs (one
  ``GET /addresses/{id}`` per distinct site address instead of the list);
- wall time against the minimum the rate limit allows for that many requests, with both
  sliding windows applied (request k cannot start before request k-100 plus a minute, nor
  before request k-20 plus 10 seconds; the first starts at 0);
- the 429s the server answered;

and PASS when requests are at most 5% over the minimum and at least 10 times fewer than the
per-id way, wall time at most 1.2 times its minimum, and no request was throttled.

    python benchmarks/collect.py [--users 20000] [--sites 400] [--scale 0.5] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.sources.admin_api import AdminApiSource
from auditor.sources.apikey import ApiKey
from auditor.sources.numbers import PAGE_SIZE as NUMBER_PAGE_SIZE
from auditor.sources.ratelimit import DOCUMENTED, Limits
from tests.fake8x8 import Fake8x8, Tenant
from tests.fake_tenants import address_record, site_record, user_record

KEY = "eght_benchmark"
MAX_EXTRA_REQUESTS = 0.05
MAX_TIME_RATIO = 1.2
#: The list must beat one request per site address at least this many times over.
MIN_FEWER_THAN_PER_ID = 10.0
#: Addresses no site uses (licenses' service addresses), and idle numbers, in the tenant.
OTHER_ADDRESSES = 100
IDLE_NUMBERS = 150
PORTING_NUMBERS = 20


def tenant(users: int, sites: int) -> Tenant:
    """``users`` users over ``sites`` sites, each site with an address of its own, plus
    addresses only licenses use, a number per user and some numbers nobody is assigned."""
    addresses = {
        f"addr-{n}": address_record(
            f"addr-{n}", f"{n} Main St", "Austin", "TX", "78701", "US", licenses=users // sites
        )
        for n in range(sites)
    }
    for n in range(OTHER_ADDRESSES):
        record = address_record(
            f"other-{n}", f"{n} Elm St", "Portland", "OR", "97201", "US", licenses=n % 3
        )
        record["addressUsage"]["site"] = 0
        addresses[record["id"]] = record
    statuses = ["ASSIGNED"] * users + ["AVAILABLE"] * IDLE_NUMBERS + ["PORTING"] * PORTING_NUMBERS
    return Tenant(
        users=[
            user_record(
                f"u{n:07d}",
                site=f"site-{n % sites}",
                licenses=[(f"L{n:07d}", "X4")] if n % 4 else [],
                extension=str(10_000 + n),
                phone=f"+1512{n:07d}",
            )
            for n in range(users)
        ],
        sites=[site_record(f"site-{n}", f"Site {n}", f"addr-{n}") for n in range(sites)],
        addresses=addresses,
        numbers=[
            {
                "phoneNumber": f"+1512{n:07d}",
                "country": "US",
                "category": "TOLL_FREE" if n % 10 == 0 else "LOCAL",
                "origin": "CLAIMED",
                "status": status,
            }
            for n, status in enumerate(statuses)
        ],
    )


def minimum_time(requests: int, limits: Limits) -> float:
    """When the last of ``requests`` can start at the earliest, under every window."""
    starts: list[float] = []
    for k in range(requests):
        earliest = 0.0
        for window in limits.windows:
            if k >= window.limit:
                earliest = max(earliest, starts[k - window.limit] + window.seconds)
        starts.append(earliest)
    return starts[-1] if starts else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=400)
    parser.add_argument("--scale", type=float, default=0.5, help="time factor for the limits")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()

    limits = DOCUMENTED.scaled(args.scale)
    windows = [(w.limit, w.seconds) for w in limits.windows]
    size = args.page_size
    listed = args.sites + OTHER_ADDRESSES
    number_pages = math.ceil((IDLE_NUMBERS + PORTING_NUMBERS) / NUMBER_PAGE_SIZE)
    pages = math.ceil(args.users / size) + math.ceil(args.sites / size) + number_pages
    minimum = pages + math.ceil(listed / size)
    per_id = pages + args.sites
    floor = minimum_time(minimum, limits)

    with Fake8x8(tenant(args.users, args.sites), api_key=KEY, windows=windows) as api:
        source = AdminApiSource(api.url, ApiKey(KEY), page_size=size, limits=limits)
        start = time.perf_counter()
        collected = source.collect()
        wall = time.perf_counter() - start
        throttled = api.count(status=429)

    stats = collected.stats
    if len(collected.users) != args.users or not collected.users.user_id.is_unique:
        print(f"FAIL: collected {len(collected.users)} users, expected {args.users} unique")
        return 1
    whole = collected.addresses is not None and len(collected.addresses) == listed
    idle = collected.numbers is not None and len(collected.numbers) == (
        IDLE_NUMBERS + PORTING_NUMBERS
    )
    if len(collected.sites) != args.sites or not whole or not idle:
        print("FAIL: the sites, the address list or the numbers not assigned are incomplete")
        return 1
    extra = stats.requests / minimum - 1
    fewer = per_id / stats.requests
    ratio = wall / floor if floor else float("inf")
    ok = (
        extra <= MAX_EXTRA_REQUESTS
        and fewer >= MIN_FEWER_THAN_PER_ID
        and ratio <= MAX_TIME_RATIO
        and throttled == 0
    )
    windows_text = ", ".join(f"{w.limit} per {w.seconds:g} s" for w in limits.windows)
    print(f"collect benchmark: {args.users:,} users, {args.sites} sites, page size {size}")
    print(f"limits scaled by {args.scale:g}: {windows_text}")
    print(
        f"requests  {stats.requests:>8}   minimum {minimum:>8}   extra {extra:>7.1%}"
        f"   (limit {MAX_EXTRA_REQUESTS:.0%})"
    )
    print(
        f"per-id    {per_id:>8}   {fewer:.1f}x the requests made"
        f"   (limit at least {MIN_FEWER_THAN_PER_ID:g}x); address pages {stats.address_pages},"
        f" by id {stats.addresses_by_id}, number pages {stats.number_pages}"
    )
    print(
        f"wall time {wall:>7.3f}s   minimum {floor:>7.3f}s   ratio {ratio:>6.3f}x"
        f"   (limit {MAX_TIME_RATIO}x)"
    )
    print(
        f"429s {throttled} (limit 0), rate-limit waits {stats.rate_limit_waits} "
        f"({stats.rate_limit_wait_seconds:.3f} s), retries {stats.retries}"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
