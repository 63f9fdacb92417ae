"""A rule that raises is a bug: the audit stops with exit 2 and writes no report.

Skipping it instead would give totals that silently lack its findings; a skipped rule is for a
rule that cannot run on what was given (no statement, say), and says why in every report.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from auditor import pipeline
from auditor.cli import main as cli
from auditor.engine import run as engine
from auditor.errors import RuleError
from auditor.model import RuleMeta, Settings, Severity, Snapshot
from auditor.rules._base import Rule, discover
from auditor.snapshot.load import load

pytestmark = pytest.mark.slow  # whole audits

AS_OF = dt.date(2026, 11, 1)


def _crash(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    raise KeyError("site_state")


BROKEN = Rule(
    meta=RuleMeta(
        id="broken-rule",
        entity="user",
        severity=Severity.LOW,
        title="A rule with a bug",
        rationale="Only here to crash.",
        remediation="None.",
    ),
    check=_crash,
    requires=lambda _: None,
)


def test_the_engine_raises_naming_the_rule_and_the_error(tiny_dir: Path) -> None:
    with pytest.raises(RuleError) as caught:
        engine.run(
            load(tiny_dir),
            Settings(as_of=AS_OF),
            tenant="example.com",
            generated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            rules=[*discover(), BROKEN],
        )
    message = str(caught.value)
    assert message.startswith("rule broken-rule failed on this snapshot (KeyError: 'site_state')")
    assert "no report was written" in message
    assert caught.value.exit_code == 2


def test_the_command_exits_2_and_writes_nothing(
    tiny_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(pipeline, "discover", lambda: [*discover(), BROKEN])
    out = tmp_path / "out"
    history = tmp_path / "history.sqlite"
    args = ["audit", "--input", str(tiny_dir), "--out", str(out), "--history", str(history)]
    code = cli.main(args)
    stderr = capsys.readouterr().err
    assert code == 2
    assert "rule broken-rule failed on this snapshot" in stderr
    assert "Traceback" not in stderr
    assert not out.exists() or not any(out.iterdir())
    assert not history.exists() or history.stat().st_size == 0 or _runs(history) == 0


def _runs(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
