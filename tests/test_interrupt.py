"""Interruptions: Ctrl-C or a kill in the middle of an audit changes no report and no history."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.render import STALE_STAGING_SECONDS, write_reports
from tests.conftest import FIXTURES, ROOT, audit


def _generate(users: int, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.generate(users, folder))


def _audit(folder: Path, out: Path, history: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "auditor",
            "audit",
            "--input",
            str(folder),
            "--out",
            str(out),
            "--history",
            str(history),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_signal_mid_render_keeps_reports_and_history(tmp_path: Path, signum: int) -> None:
    tenant = _generate(10_000, tmp_path / "tenant")
    out, history = tmp_path / "out", tmp_path / "history.sqlite"
    first = _audit(tenant, out, history)
    first.communicate(timeout=300)
    assert first.returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    runs_before = _runs(history)
    (tenant / "manifest.json").write_text('{"collected_at": "2026-12-01"}')
    second = _audit(tenant, out, history)
    deadline = time.monotonic() + 120
    while not any((d / "audit.json").exists() for d in out.glob(".auditor-*")):
        assert time.monotonic() < deadline, "the audit never reached its rendering"
        assert second.poll() is None, "the audit ended before it could be interrupted"
        time.sleep(0.02)
    second.send_signal(signum)
    stderr = second.communicate(timeout=60)[1].decode()
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
