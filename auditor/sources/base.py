"""The seam between a source and the snapshot writer: what ``collect()`` returns.

A source yields the two tables ``auditor collect`` writes (users.csv, sites.csv, in the
canonical columns of :mod:`auditor.tables`) and what it cost to get them. It never returns a
silent partial: anything short of the whole tenant is a :class:`~auditor.errors.SourceError`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol

import pandas as pd


@dataclass
class CollectStats:
    """What a collection cost, written into manifest.json and shown as progress."""

    requests: int = 0
    retries: int = 0
    #: 429 answers received (each also counts as a request).
    throttled: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_seconds: float = 0.0
    retry_wait_seconds: float = 0.0
    user_pages: int = 0
    site_pages: int = 0
    #: Distinct site addresses found (from the list or by id).
    addresses: int = 0
    users: int = 0
    sites: int = 0
    #: Times the users listing started over because its scroll expired.
    scroll_restarts: int = 0
    #: Users the API listed twice in one listing (kept once).
    duplicates_dropped: int = 0
    page_size: int = 0
    elapsed_seconds: float = 0.0
    #: Audit Records pages read, and INACTIVE users given a deactivation time from them.
    audit_pages: int = 0
    deactivation_times: int = 0
    #: Pages of ``GET /addresses``, the addresses it listed, and site addresses fetched by id.
    address_pages: int = 0
    listed_addresses: int = 0
    addresses_by_id: int = 0
    #: Pages of ``GET /phone-numbers`` and the numbers they listed.
    number_pages: int = 0
    numbers: int = 0

    def as_dict(self) -> dict[str, int | float]:
        """The figures as plain JSON values, seconds rounded to milliseconds."""
        return {
            f.name: round(v, 3) if isinstance(v := getattr(self, f.name), float) else v
            for f in fields(self)
        }


@dataclass(frozen=True)
class Collected:
    """A whole tenant's users and sites as canonical tables, and what collecting cost."""

    users: pd.DataFrame
    sites: pd.DataFrame
    stats: CollectStats
    #: What the collection kept but doubts (a user with no status...), for every report.
    warnings: tuple[str, ...] = ()
    #: False when the source knows no sites (SCIM): the folder's own sites.csv is kept.
    has_sites: bool = True
    #: addresses.csv (every address with its usage counts) and numbers.csv (the numbers not
    #: assigned to anyone), or None when the source could not read them whole.
    addresses: pd.DataFrame | None = None
    numbers: pd.DataFrame | None = None


class Source(Protocol):
    """Anything that can collect a tenant's users and sites."""

    def collect(self) -> Collected:
        """Read the whole tenant; raise SourceError rather than return part of it."""
        ...
