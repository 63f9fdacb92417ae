"""The audit as one library call: load a snapshot, run the rules, write the reports.

The command line and notebooks both call :func:`audit_folder` (a snapshot folder),
:func:`collect_folder` (the 8x8 API into a snapshot folder) or :func:`audit_api` (both in
one go); they hold the policy the CLI must not (which date is ``as_of``, what the tenant is
called, what the manifest says), and take the clock as arguments so a run can be reproduced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from auditor.engine.run import run
from auditor.engine.suppress import check_rules
from auditor.history.changes import recorded
from auditor.model import Report, Settings
from auditor.render import remove_stale, write_reports
from auditor.rules._base import discover
from auditor.settings.options import AuditOptions
from auditor.snapshot.load import load
from auditor.snapshot.save import check_target, save
from auditor.sources.base import Collected, Source
from auditor.version import __version__


@dataclass(frozen=True)
class AuditResult:
    """A finished audit: the report and the files written."""

    report: Report
    written: list[Path]
    #: Reports of an earlier run that this one did not write, removed from the folder.
    removed: list[Path] = dataclasses.field(default_factory=list)


def audit_folder(
    input_dir: Path,
    out_dir: Path,
    *,
    now: dt.datetime,
    options: AuditOptions | None = None,
    default_tenant: str | None = None,
    origin: str | None = None,
) -> AuditResult:
    """Audit the snapshot in ``input_dir`` and write ``options.formats`` into ``out_dir``.

    ``as_of`` defaults to the snapshot's ``collected_at``, else ``now``'s date; the tenant to
    the options', the manifest's, the users' most common email domain, ``default_tenant``,
    else the folder's name (monthly folders ``2026-10/``, ``2026-11/`` are one tenant). With a
    history, the run is compared with the previous one and recorded in the same transaction that
    renders the reports: a failed or killed run changes neither. ``origin`` names where a
    scratch folder's users and sites came from, for messages (see :func:`load`).
    """
    options = options or AuditOptions()
    snapshot = load(
        input_dir,
        licenses=options.licenses,
        prices=options.prices,
        origin=origin,
        contract=options.contract,
        statement=options.statement,
    )
    settings = Settings(
        as_of=options.as_of or snapshot.collected_at or now.date(),
        stale_after_days=options.stale_after_days,
        high_monthly_cost=options.high_monthly_cost,
        medium_monthly_cost=options.medium_monthly_cost,
        keep_spares=options.keep_spares,
    )
    rules = discover()
    check_rules(options.suppressions, [r.meta.id for r in rules])
    name = (
        options.tenant
        or snapshot.tenant
        or email_domain(snapshot.users)
        or default_tenant
        or input_dir.resolve().name
    )
    report = run(
        snapshot,
        settings,
        tenant=name,
        generated_at=now,
        rules=rules,
        suppressions=options.suppressions,
    )
    dated = as_of_warnings(options.as_of, snapshot.collected_at, now.date())
    if dated:
        report = dataclasses.replace(report, warnings=(*report.warnings, *dated))
    if options.history is None:
        written = write_reports(report, out_dir, options.formats)
        return AuditResult(report, written, remove_stale(out_dir, written))
    waste = {r.meta.id for r in rules if r.meta.counts_as_waste}
    with recorded(report, options.history, waste) as remembered:
        written = write_reports(remembered, out_dir, options.formats)
    return AuditResult(remembered, written, remove_stale(out_dir, written))


@dataclass(frozen=True)
class CollectResult:
    """A finished collection: what was collected and the snapshot files written."""

    collected: Collected
    written: list[Path]


def manifest(collected: Collected, *, base_url: str, now: dt.datetime) -> dict[str, object]:
    """What manifest.json records about a collection (never the API key)."""
    stats = collected.stats
    return {
        "source": "8x8-admin-api" if collected.has_sites else "8x8-scim",
        "collected_at": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "base_url": base_url,
        "tool_version": __version__,
        "rows": {
            "users": len(collected.users),
            "sites": len(collected.sites),
            **{
                name: len(table)
                for name, table in (
                    ("addresses", collected.addresses),
                    ("numbers", collected.numbers),
                )
                if table is not None
            },
        },
        "requests": stats.requests,
        "retries": stats.retries,
        "rate_limit_wait_seconds": round(stats.rate_limit_wait_seconds, 3),
        "collection": stats.as_dict(),
        "warnings": list(collected.warnings),
    }


def collect_folder(
    source: Source, out_dir: Path, *, base_url: str, now: dt.datetime
) -> CollectResult:
    """Collect from ``source`` and write users.csv, sites.csv and manifest.json atomically.

    ``out_dir`` is checked before the (possibly long) collection starts; a failed collection
    writes nothing, and a snapshot already in ``out_dir`` survives any failure.
    """
    check_target(out_dir)
    collected = source.collect()
    tables = {"users": collected.users, "sites": collected.sites}
    if not collected.has_sites:  # SCIM has no sites: a sites.csv already there is kept
        del tables["sites"]
    # The Administration API owns addresses.csv and numbers.csv: one it could not read this
    # time is removed rather than left over from an earlier collection.
    owned = ("addresses.csv", "numbers.csv") if collected.has_sites else ()
    for name, table in (("addresses", collected.addresses), ("numbers", collected.numbers)):
        if table is not None:
            tables[name] = table
    written = save(out_dir, tables, manifest(collected, base_url=base_url, now=now), replaces=owned)
    return CollectResult(collected=collected, written=written)


def audit_api(
    source: Source,
    out_dir: Path,
    *,
    base_url: str,
    now: dt.datetime,
    options: AuditOptions,
) -> tuple[CollectResult, AuditResult]:
    """Collect from the API into a temporary snapshot and audit it with the given inventory.

    The snapshot lives only for the audit; the reports record its files' hashes as inputs.
    The tenant defaults to the API's host, since a temporary folder's name means nothing.
    """
    with tempfile.TemporaryDirectory(prefix="auditor-snapshot-") as scratch:
        folder = Path(scratch) / "snapshot"
        collected = collect_folder(source, folder, base_url=base_url, now=now)
        result = audit_folder(
            folder,
            out_dir,
            now=now,
            options=options,
            default_tenant=_host(base_url),
            origin=base_url,
        )
    return collected, result


def as_of_warnings(
    as_of: dt.date | None, collected_at: dt.date | None, today: dt.date
) -> tuple[str, ...]:
    """What is odd about a typed ``--as-of``: a date before the snapshot was collected audits
    data from the future of that date (users deactivated after it already show as inactive);
    a date after today ages every deactivation by days that have not passed."""
    if as_of is None:
        return ()
    notes = []
    if collected_at is not None and as_of < collected_at:
        notes.append(
            f"--as-of {as_of.isoformat()} is before the snapshot was collected "
            f"({collected_at.isoformat()}): users deactivated between the two dates are already "
            "inactive in the data, so their seats may be flagged early."
        )
    if as_of > today:
        notes.append(
            f"--as-of {as_of.isoformat()} is after today ({today.isoformat()}): days open and "
            "staleness count days that have not passed."
        )
    return tuple(notes)


def email_domain(users: pd.DataFrame) -> str | None:
    """The users' most common email domain (the first by name among equals), or None.

    A tenant's identity that survives folder names: exports kept as ``exports/2026-10/`` and
    ``exports/2026-11/`` name the same company through its users' addresses.
    """
    if "email" not in users:
        return None
    emails = users.email.astype(str)
    domains = emails.str.rpartition("@")[2].str.strip().str.lower()
    domains = domains[emails.str.contains("@", regex=False) & domains.ne("")]
    if domains.empty:
        return None
    counts = domains.value_counts()
    return str(min(counts.index[counts.eq(counts.max())]))


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or base_url
