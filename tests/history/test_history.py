"""History: three audits of a changing tenant, replacement of a re-run, kills and locks."""

from __future__ import annotations

import datetime as dt
import os
import select
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from auditor.engine.run import run
from auditor.errors import InputError
from auditor.history.changes import CHANGE_COLUMNS, change_table, recorded
from auditor.history.store import SCHEMA_VERSION, open_history, read_history
from auditor.model import Report, Settings
from auditor.snapshot.load import load
from auditor.vocab import stored
from tests.conftest import NOW, TenantFactory, unit, user

WASTE = {"unassigned-billed-seats", "stale-deactivated-user"}


def audit_into(folder: Path, history: Path, as_of: dt.date) -> Report:
    report = run(load(folder), Settings(as_of=as_of), tenant="Acme", generated_at=NOW)
    with recorded(report, history, WASTE) as done:
        return done


@pytest.mark.slow
def test_three_audits_track_new_resolved_first_seen_and_saving(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite"
    people = [
        user("gone", status="INACTIVE", licenses="X4", deactivated_at="2026-01-01"),
        user("c1", extension="1001"),
        user("ok", licenses="X2"),
    ]
    spares = [unit("S1", "X2", "UNASSIGNED"), unit("S2", "X2", "UNASSIGNED")]
    held = [unit("L1", "X4", "ASSIGNED", "gone"), unit("L2", "X2", "ASSIGNED", "ok")]
    # September: a stale user (34.00) and two spare X2 seats (48.00)
    first = audit_into(tenant(people, held + spares), history, dt.date(2026, 9, 1))
    assert first.changes is not None
    assert first.changes.previous_as_of is None
    assert set(first.changes.new) == set(first.findings.id)
    assert first.realised_monthly_saving_cents == 0
    assert (first.findings.days_open == 0).all()

    # October: one spare X2 cancelled (48 -> 24), the stale user still there
    second = audit_into(tenant(people, [*held, spares[0]]), history, dt.date(2026, 10, 1))
    assert second.changes is not None
    assert second.changes.previous_as_of == dt.date(2026, 9, 1)
    assert second.changes.new == ()
    assert second.changes.persisting == len(second.findings)
    assert second.realised_monthly_saving_cents == 2400
    stale = second.findings.set_index("id").loc["stale-deactivated-user:gone"]
    assert (stale.first_seen, stale.days_open) == (dt.date(2026, 9, 1), 30)

    # November: the stale user's license removed and cancelled; a new Contact appears
    people3 = [
        user("gone", status="INACTIVE", deactivated_at="2026-01-01"),
        user("c1", extension="1001"),
        user("c2", scim_provider="okta"),
        user("ok", licenses="X2"),
    ]
    third = audit_into(tenant(people3, [held[1], spares[0]]), history, dt.date(2026, 11, 1))
    assert third.changes is not None
    assert third.changes.resolved == ("stale-deactivated-user:gone",)
    assert third.changes.new == ("contact-without-license:c2",)
    assert third.realised_monthly_saving_cents == 3400
    contact = third.findings.set_index("id").loc["contact-without-license:c1"]
    assert (contact.first_seen, contact.days_open) == (dt.date(2026, 9, 1), 61)
    assert third.resolved is not None
    assert third.resolved.id.tolist() == ["stale-deactivated-user:gone"]
    assert third.trend is not None
    assert third.trend.monthly_waste_cents.tolist() == [8200, 5800, 2400]

    with read_history(history) as h:
        assert h.runs("Acme").as_of.tolist() == ["2026-09-01", "2026-10-01", "2026-11-01"]


@pytest.mark.slow
def test_rerunning_the_same_as_of_replaces_the_run(tenant: TenantFactory, tmp_path: Path) -> None:
    history = tmp_path / "h.sqlite"
    folder = tenant([user("c1", extension="1")])
    audit_into(folder, history, dt.date(2026, 11, 1))
    audit_into(folder, history, dt.date(2026, 11, 1))
    with read_history(history) as h:
        assert len(h.runs()) == 1
    db = sqlite3.connect(history)
    assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 1
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


@pytest.mark.slow
def test_an_exception_inside_the_block_leaves_the_history_as_it_was(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    history = tmp_path / "h.sqlite"
    folder = tenant([user("c1", extension="1")])
    audit_into(folder, history, dt.date(2026, 10, 1))
    report = run(
        load(folder), Settings(as_of=dt.date(2026, 11, 1)), tenant="Acme", generated_at=NOW
    )
    with pytest.raises(RuntimeError), recorded(report, history, WASTE):
        raise RuntimeError("renderer died")
    with read_history(history) as h:
        assert h.runs().as_of.tolist() == ["2026-10-01"]


KILLER = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pathlib import Path
    from auditor.history.changes import recorded
    from auditor.engine.run import run
    from auditor.model import Settings
    from auditor.snapshot.load import load
    report = run(load(Path(sys.argv[1])), Settings(as_of=dt.date(2026, 11, 1)), tenant="Acme",
                 generated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    with recorded(report, Path(sys.argv[2]), set()):
        os.kill(os.getpid(), signal.SIGKILL)  # killed mid-run, rows written, not committed
    """
)


@pytest.mark.slow
def test_a_killed_run_leaves_the_history_intact(tenant: TenantFactory, tmp_path: Path) -> None:
    history = tmp_path / "h.sqlite"
    folder = tenant([user("c1", extension="1")])
    audit_into(folder, history, dt.date(2026, 10, 1))
    before = history.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(folder), str(history)], check=False, capture_output=True
    )
    assert done.returncode == -9
    db = sqlite3.connect(history)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in db.execute("SELECT as_of FROM runs")] == ["2026-10-01"]
    db.close()
    assert history.read_bytes() == before


#: One audit a month for six months into one history. ``hold`` pauses inside the first
#: month's write transaction (it says "holding" on one pipe and waits on another); ``trace``
#: says "begin" the moment its first BEGIN IMMEDIATE starts, before SQLite's busy wait.
RACER = textwrap.dedent(
    """
    import datetime as dt, os, sqlite3, sys
    from pathlib import Path
    from auditor.history.changes import recorded
    from auditor.engine.run import run
    from auditor.model import Settings
    from auditor.snapshot.load import load
    folder, history, day, tenant, role, ready, hold = sys.argv[1:8]
    ready, hold = int(ready), int(hold)
    if role == "trace":
        connect, told = sqlite3.connect, []
        def traced(*args, **kwargs):
            db = connect(*args, **kwargs)
            def begun(sql):
                if sql.startswith("BEGIN IMMEDIATE") and not told:
                    told.append(os.write(ready, b"begin"))
            db.set_trace_callback(begun)
            return db
        sqlite3.connect = traced
    day = dt.date.fromisoformat(day)
    for month in range(1, 7):
        report = run(load(Path(folder)), Settings(as_of=day.replace(month=month)),
                     tenant=tenant, generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        with recorded(report, Path(history), set()):
            if role == "hold" and month == 1:
                os.write(ready, b"holding")
                os.read(hold, 1)
    """
)


def _racer(
    folder: Path, history: Path, tenant: str, role: str
) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start a racer; return it, the pipe it reports on and the pipe that releases it."""
    ready_read, ready_write = os.pipe()
    hold_read, hold_write = os.pipe()
    args = [str(folder), str(history), "2026-01-05", tenant, role, str(ready_write), str(hold_read)]
    racer = subprocess.Popen(
        [sys.executable, "-c", RACER, *args], pass_fds=(ready_write, hold_read)
    )
    os.close(ready_write)
    os.close(hold_read)
    return racer, ready_read, hold_write


def _said(pipe: int) -> bytes:
    """What a racer says; the 300 s is a guard against a hang, not a race."""
    assert select.select([pipe], [], [], 300)[0], "the racer said nothing"
    return os.read(pipe, 16)


@pytest.mark.slow
def test_two_audits_at_once_both_land(tenant: TenantFactory, tmp_path: Path) -> None:
    """B starts its write while A holds the history's write lock, so B must wait for A
    (instead of failing or overwriting): both land, A's first run first."""
    history = tmp_path / "h.sqlite"
    folder = tenant([user("c1", extension="1"), user("c2")])
    a, a_says, a_hold = _racer(folder, history, "A", "hold")
    assert _said(a_says) == b"holding"
    b, b_says, b_hold = _racer(folder, history, "B", "trace")
    try:
        assert _said(b_says) == b"begin"  # B asks for the lock A holds
        os.write(a_hold, b"go")
        assert [a.wait(timeout=300), b.wait(timeout=300)] == [0, 0]
    finally:
        for racer in (a, b):
            racer.kill()
        for pipe in (a_says, a_hold, b_says, b_hold):
            os.close(pipe)
    with read_history(history) as h:
        runs = h.runs()
    assert sorted(runs.tenant.value_counts().to_dict().items()) == [("A", 6), ("B", 6)]
    db = sqlite3.connect(history)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 12 * 2
    assert db.execute("SELECT tenant FROM runs ORDER BY id LIMIT 1").fetchone()[0] == "A"
    db.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    history = tmp_path / "h.sqlite"
    db = sqlite3.connect(history)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(InputError, match="newer seat-auditor"), open_history(history):
        pass


def test_not_a_history(tmp_path: Path) -> None:
    junk = tmp_path / "h.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(InputError, match="history"), open_history(junk):
        pass


@pytest.mark.slow
def test_change_table_lists_new_then_resolved_with_cost_then(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite"
    people = [
        user("gone", status="INACTIVE", licenses="X4", deactivated_at="2026-01-01"),
        user("c1", extension="1001"),
    ]
    held = [unit("L1", "X4", "ASSIGNED", "gone"), unit("S1", "X2", "UNASSIGNED")]
    first = audit_into(tenant(people, held), history, dt.date(2026, 10, 1))
    assert change_table(first).change.tolist() == ["new"] * len(first.findings)
    later = [user("gone", status="INACTIVE", deactivated_at="2026-01-01"),
             user("c1", extension="1001"), user("c2", scim_provider="okta")]  # fmt: skip
    second = audit_into(tenant(later, [held[1]]), history, dt.date(2026, 11, 1))
    table = change_table(second)
    assert list(table.columns) == stored(CHANGE_COLUMNS)
    assert table.change.tolist() == ["new", "resolved"]
    new, gone = table.iloc[0], table.iloc[1]
    assert (new.id, new.first_seen, new.monthly_cost_cents) == (
        "contact-without-license:c2", dt.date(2026, 11, 1), 0
    )  # fmt: skip
    assert (gone.id, gone.severity, gone.entity_type) == (
        "stale-deactivated-user:gone", "medium", "user"
    )  # fmt: skip
    assert (gone.monthly_cost_cents, gone.first_seen, gone.suppressed) == (
        3400, dt.date(2026, 10, 1), False
    )  # fmt: skip


@pytest.mark.slow
def test_change_table_is_empty_without_a_history(tenant: TenantFactory) -> None:
    report = run(
        load(tenant([user("c1", extension="1")])),
        Settings(as_of=dt.date(2026, 11, 1)),
        tenant="Acme",
        generated_at=NOW,
    )
    assert report.changes is None
    table = change_table(report)
    assert table.empty
    assert list(table.columns) == stored(CHANGE_COLUMNS)
