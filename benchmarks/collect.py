"""Collect benchmark: requests and wall time against what 8x8's rate limit allows at best.

Runs the fake 8x8 (tests/fake8x8.py) on 127.0.0.1 with the documented limits (100 requests a
minute, 20 per 10 seconds) scaled down in time, serves a tenant of a few thousand users, and
collects it at page size 100 so the limits bind. It prints:

- requests made against the minimum: user pages + site pages + distinct addresses;
- wall time against the minimum the rate limit allows for that many requests, with both
  sliding windows applied (request k cannot start before request k-100 plus a minute, nor
  before request k-20 plus 10 seconds; the first starts at 0);

and PASS when requests are at most 5% over the minimum and wall time at most 1.2 times it.

    python benchmarks/collect.py [--users 5000] [--sites 150] [--scale 0.01] [--page-size 100]
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
from auditor.sources.ratelimit import DOCUMENTED, Limits
from tests.fake8x8 import Fake8x8, Tenant
from tests.fake_tenants import address_record, site_record, user_record

KEY = "eght_benchmark"
MAX_EXTRA_REQUESTS = 0.05
MAX_TIME_RATIO = 1.2


def tenant(users: int, sites: int) -> Tenant:
    """``users`` users over ``sites`` sites, each site with an address of its own."""
    return Tenant(
        users=[
            user_record(
                f"u{n:07d}",
                site=f"site-{n % sites}",
                licenses=[(f"L{n:07d}", "X4")] if n % 4 else [],
                extension=str(10_000 + n),
            )
            for n in range(users)
        ],
        sites=[site_record(f"site-{n}", f"Site {n}", f"addr-{n}") for n in range(sites)],
        addresses={
            f"addr-{n}": address_record(f"addr-{n}", f"{n} Main St", "Austin", "TX", "78701", "US")
            for n in range(sites)
        },
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
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--scale", type=float, default=0.01, help="time factor for the limits")
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()

    limits = DOCUMENTED.scaled(args.scale)
    windows = [(w.limit, w.seconds) for w in limits.windows]
    size = args.page_size
    minimum = math.ceil(args.users / size) + math.ceil(args.sites / size) + args.sites
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
    extra = stats.requests / minimum - 1
    ratio = wall / floor if floor else float("inf")
    ok = extra <= MAX_EXTRA_REQUESTS and ratio <= MAX_TIME_RATIO
    windows_text = ", ".join(f"{w.limit} per {w.seconds:g} s" for w in limits.windows)
    print(f"collect benchmark: {args.users:,} users, {args.sites} sites, page size {size}")
    print(f"limits scaled by {args.scale:g}: {windows_text}")
    print(
        f"requests  {stats.requests:>8}   minimum {minimum:>8}   extra {extra:>7.1%}"
        f"   (limit {MAX_EXTRA_REQUESTS:.0%})"
    )
    print(
        f"wall time {wall:>7.3f}s   minimum {floor:>7.3f}s   ratio {ratio:>6.3f}x"
        f"   (limit {MAX_TIME_RATIO}x)"
    )
    print(
        f"429s {throttled}, rate-limit waits {stats.rate_limit_waits} "
        f"({stats.rate_limit_wait_seconds:.3f} s), retries {stats.retries}"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
