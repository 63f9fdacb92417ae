"""Interruptions: Ctrl-C or a kill in the middle of an audit changes no report and no history."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor.render import STALE_STAGING_SECONDS, write_reports
from tests.conftest import FIXTURES, audit

#: ``auditor`` with its json renderer paused: once audit.json is written in the staging folder
#: it says so on one pipe, then waits on another for as long as the test needs, so the signal
#: lands mid-render however fast the render is (a poll for the file could miss it).
PAUSED = textwrap.dedent(
    """
    import dataclasses, os, sys
    from auditor import render
    from auditor.cli.main import main
    ready, hold = int(sys.argv[1]), int(sys.argv[2])
    json = render.RENDERERS["json"]
    def write_then_wait(report, path):
        json.write(report, path)
        os.write(ready, b"staged")
        os.read(hold, 1)  # the signal arrives here; EOF only if the test went away
    render.RENDERERS["json"] = dataclasses.replace(json, write=write_then_wait)
    sys.exit(main(sys.argv[3:]))
    """
)


def _args(folder: Path, out: Path, history: Path) -> list[str]:
    return ["audit", "--input", str(folder), "--out", str(out), "--history", str(history)]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_signal_mid_render_keeps_reports_and_history(tmp_path: Path, signum: int) -> None:
    tenant = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tenant"))
    out, history = tmp_path / "out", tmp_path / "history.sqlite"
    first = subprocess.run(
        [sys.executable, "-m", "auditor", *_args(tenant, out, history)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    runs_before = _runs(history)
    (tenant / "manifest.json").write_text('{"collected_at": "2026-12-01"}')
    ready_read, ready_write = os.pipe()
    hold_read, hold_write = os.pipe()
    second = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSED,
            str(ready_write),
            str(hold_read),
            *_args(tenant, out, history),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(ready_write, hold_read),
    )
    os.close(ready_write)
    os.close(hold_read)
    try:
        # A guard against a hang, not a race: the child says "staged" or dies (EOF).
        assert select.select([ready_read], [], [], 300)[0], "the audit never reached its render"
        assert os.read(ready_read, 16) == b"staged", "the audit ended before its render"
        assert [p.name for d in out.glob(".auditor-*") for p in d.iterdir()] == ["audit.json"]
        second.send_signal(signum)
        stderr = second.communicate(timeout=60)[1].decode()
    finally:
        second.kill()
        os.close(hold_write)
        os.close(ready_read)
    code = second.returncode
    assert code != 0
    if signum != signal.SIGKILL:
        assert code == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum]
        assert "interrupted; no report was changed" in stderr
    assert "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == before
    if signum != signal.SIGKILL:  # a kill leaves its staging folder for the next run to sweep
        assert not list(out.glob(".auditor-*"))
    assert _runs(history) == runs_before


def _runs(history: Path) -> int:
    """How many runs the history holds, after checking the file is sound."""
    db = sqlite3.connect(history)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
    finally:
        db.close()


@pytest.mark.slow
def test_a_killed_runs_staging_folder_is_swept_later(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leftover = out / ".auditor-dead"
    leftover.mkdir(parents=True)
    (leftover / "audit.xlsx").write_bytes(b"half")
    old = time.time() - STALE_STAGING_SECONDS - 60
    os.utime(leftover, (old, old))
    fresh = out / ".auditor-live"
    fresh.mkdir()
    write_reports(audit(FIXTURES / "tiny"), out, ["json"])
    assert not leftover.exists()
    assert fresh.exists()  # maybe another audit writing right now
