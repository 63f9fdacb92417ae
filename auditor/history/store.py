"""The audit history: one SQLite file recording every run, its pools and its findings.

SQLite because it is embedded (nothing to install or run beside a cron job), transactional
and safe with two writers. A run is recorded inside one ``BEGIN IMMEDIATE`` transaction that
the pipeline holds until the reports are rendered: a run killed part way leaves the history
as it was, and a second audit waits for the first instead of interleaving with it.
Re-recording a tenant's same ``as_of`` replaces that run. The schema's version is SQLite's
``user_version``; :data:`MIGRATIONS` moves an older file forward.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.model import Report

#: Schema scripts; index i upgrades a file at version i to version i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        as_of TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        currency TEXT NOT NULL,
        inputs TEXT NOT NULL,
        users INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        seats_total INTEGER NOT NULL,
        seats_unassigned INTEGER NOT NULL,
        monthly_cost_cents INTEGER NOT NULL,
        monthly_waste_cents INTEGER NOT NULL,
        realised_saving_cents INTEGER,
        findings INTEGER NOT NULL,
        suppressed INTEGER NOT NULL,
        UNIQUE (tenant, as_of)
    );
    CREATE TABLE pools (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        license_type TEXT NOT NULL,
        kind TEXT NOT NULL,
        total INTEGER NOT NULL,
        assigned INTEGER NOT NULL,
        unassigned INTEGER NOT NULL,
        suspended INTEGER NOT NULL,
        holders INTEGER NOT NULL,
        price_cents INTEGER,
        cost_cents INTEGER NOT NULL,
        waste_cents INTEGER NOT NULL,
        PRIMARY KEY (run_id, license_type)
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        title TEXT NOT NULL,
        monthly_cost_cents INTEGER NOT NULL,
        suppressed INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
    );
    """,
    # 2: the settings each run used, so a re-run of the same date with other settings can
    # say what it replaced (NULL for runs recorded before).
    """
    ALTER TABLE runs ADD COLUMN settings TEXT;
    """,
    # 3: the saving the contract allows now and at renewal (NULL on runs recorded before),
    # so the trend shows a missed notice deadline as money moving from now to later.
    """
    ALTER TABLE runs ADD COLUMN saving_now_cents INTEGER;
    ALTER TABLE runs ADD COLUMN saving_at_renewal_cents INTEGER;
    ALTER TABLE runs ADD COLUMN buyout_fees_cents INTEGER;
    """,
    # 4: the bill: the credit to claim each run, and the credit obtained since the
    # previous run (its open over-billing findings that are gone); null without a statement.
    """
    ALTER TABLE runs ADD COLUMN monthly_overbilled_cents INTEGER;
    ALTER TABLE runs ADD COLUMN realised_credit_cents INTEGER;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

#: How long an audit waits for another one holding the history, in seconds.
LOCK_TIMEOUT = 600.0


@dataclass(frozen=True)
class PreviousRun:
    """The run before this one, for the same tenant: what ``changes`` compares against."""

    as_of: dt.date
    #: id, rule, severity, title, entity_type, entity_id, monthly_cost_cents, suppressed,
    #: first_seen (ISO text)
    findings: pd.DataFrame


class History:
    """An open history file inside one write transaction (see :func:`open_history`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    def previous(self, tenant: str, as_of: dt.date) -> PreviousRun | None:
        """The latest run of ``tenant`` strictly before ``as_of``, or None."""
        row = self._db.execute(
            "SELECT id, as_of FROM runs WHERE tenant = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1",
            (tenant, as_of.isoformat()),
        ).fetchone()
        if row is None:
            return None
        findings = pd.read_sql_query(
            "SELECT id, rule, severity, title, entity_type, entity_id, monthly_cost_cents, "
            "suppressed, first_seen FROM findings WHERE run_id = ?",
            self._db,
            params=(row[0],),
        )
        findings["suppressed"] = findings.suppressed.astype(bool)
        return PreviousRun(as_of=dt.date.fromisoformat(row[1]), findings=findings)

    def tenants(self) -> list[str]:
        """Every tenant with a recorded run, in name order."""
        rows = self._db.execute("SELECT DISTINCT tenant FROM runs ORDER BY tenant").fetchall()
        return [str(r[0]) for r in rows]

    def record(self, report: Report) -> str | None:
        """Record ``report`` as the run for its tenant and as_of, replacing an earlier one.

        Returns a sentence when the run replaced was made with other settings (a demo, then
        an audit with ``--stale-after-days 45``): the history keeps one run per tenant and
        date, and the user should know which one that is now.
        """
        s = report.summary
        findings = report.findings
        settings = json.dumps(report.settings.as_dict(), sort_keys=True, default=str)
        before = self._db.execute(
            "SELECT generated_at, settings FROM runs WHERE tenant = ? AND as_of = ?",
            (report.tenant, report.as_of.isoformat()),
        ).fetchone()
        replaced = None if before is None else _replaced(report, before[0], before[1], settings)
        self._db.execute(
            "DELETE FROM runs WHERE tenant = ? AND as_of = ?",
            (report.tenant, report.as_of.isoformat()),
        )
        cursor = self._db.execute(
            "INSERT INTO runs (tenant, as_of, generated_at, tool_version, currency, inputs, "
            "users, contacts, seats_total, seats_unassigned, monthly_cost_cents, "
            "monthly_waste_cents, realised_saving_cents, findings, suppressed, settings, "
            "monthly_overbilled_cents, realised_credit_cents) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.tenant,
                report.as_of.isoformat(),
                report.generated_at.isoformat(),
                report.tool_version,
                report.currency,
                json.dumps([{"name": i.name, "sha256": i.sha256} for i in report.inputs]),
                s.users,
                s.contacts,
                s.seats_total,
                s.seats_unassigned,
                s.monthly_cost_cents,
                s.monthly_waste_cents,
                report.realised_monthly_saving_cents,
                len(findings),
                int(findings.suppressed.sum()),
                settings,
                s.monthly_overbilled_cents,
                report.realised_monthly_credit_cents,
            ),
        )
        run_id = cursor.lastrowid
        b = report.bridge
        self._db.execute(
            "UPDATE runs SET saving_now_cents = ?, saving_at_renewal_cents = ?, "
            "buyout_fees_cents = ? WHERE id = ?",
            (b.saving_now, b.saving_at_renewal, b.buyout_fees, run_id),
        )
        pools = report.pools
        self._db.executemany(
            "INSERT INTO pools VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(
                [run_id] * len(pools),
                pools.license_type.astype(str),
                pools.kind.astype(str),
                pools.total.astype(int).tolist(),
                pools.assigned.astype(int).tolist(),
                pools.unassigned.astype(int).tolist(),
                pools.suspended.astype(int).tolist(),
                pools.holders.astype(int).tolist(),
                [None if pd.isna(p) else int(p) for p in pools.monthly_price_cents],
                pools.monthly_cost_cents.astype(int).tolist(),
                pools.monthly_waste_cents.astype(int).tolist(),
                strict=True,
            ),
        )
        first_seen = findings.get("first_seen", pd.Series(report.as_of, index=findings.index))
        self._db.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(
                [run_id] * len(findings),
                findings.id.astype(str),
                findings.rule.astype(str),
                findings.severity.astype(str),
                findings.entity_type.astype(str),
                findings.entity_id.astype(str),
                findings.title.astype(str),
                findings.monthly_cost_cents.astype(int).tolist(),
                findings.get("suppressed", pd.Series(False, index=findings.index))
                .astype(int)
                .tolist(),
                [d.isoformat() for d in first_seen.fillna(report.as_of)],
                strict=True,
            ),
        )
        return replaced

    def runs(self, tenant: str | None = None) -> pd.DataFrame:
        """Every recorded run (of ``tenant`` when given), oldest first."""
        query = (
            "SELECT tenant, as_of, generated_at, currency, users, findings, suppressed, "
            "monthly_cost_cents, monthly_waste_cents, realised_saving_cents, saving_now_cents, "
            "saving_at_renewal_cents, buyout_fees_cents, monthly_overbilled_cents, "
            "realised_credit_cents FROM runs"
        )
        params: tuple[str, ...] = ()
        if tenant is not None:
            query += " WHERE tenant = ?"
            params = (tenant,)
        return pd.read_sql_query(query + " ORDER BY tenant, as_of", self._db, params=params)


def _replaced(report: Report, generated_at: str, recorded: str | None, settings: str) -> str | None:
    """What a re-run replaced, when its settings (both as the JSON text stored) differ from
    this run's; else None."""
    if recorded is None:
        return None
    earlier, now = json.loads(recorded), json.loads(settings)
    changed = [k for k in sorted(now) if earlier.get(k) != now[k]]
    if not changed:
        return None
    differences = ", ".join(f"{k} {earlier.get(k)} (now {now[k]})" for k in changed)
    return (
        f"this run replaced the history's audit of {report.tenant} on "
        f"{report.as_of.isoformat()} made at {generated_at} with other settings: {differences}; "
        "the history keeps one audit per tenant and date."
    )


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise InputError(
            f"{path}: the history was written by a newer seat-auditor (schema {version}; this "
            f"version knows up to {SCHEMA_VERSION})."
        )
    for number in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[number].split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {number + 1}")


@contextmanager
def open_history(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[History]:
    """Open (creating or migrating) the history inside one write transaction.

    Commits when the block ends normally, rolls back on any exception: the history never
    holds half a run.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise InputError(f"{path}: the history cannot be opened ({exc}).") from exc
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("BEGIN IMMEDIATE")
        _migrate(db, path)
        yield History(db, path)
        db.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise InputError(f"{path}: the history cannot be used ({exc}).") from exc
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


@contextmanager
def read_history(path: Path) -> Iterator[History]:
    """Open the history for reading only (``auditor history``)."""
    if not path.is_file():
        raise InputError(f"{path}: no audit history here yet (run an audit first).")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=LOCK_TIMEOUT)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: the history cannot be opened ({exc}).") from exc
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version != SCHEMA_VERSION:
            raise InputError(
                f"{path}: history schema {version}, expected {SCHEMA_VERSION}; run an audit "
                "with this version to migrate it."
            )
        yield History(db, path)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a seat-auditor history ({exc}).") from exc
    finally:
        db.close()
