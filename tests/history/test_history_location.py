"""Where the history lives: one file per user, whatever folder a command starts in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.cli import main as cli
from auditor.settings.options import HISTORY_ENV, LEGACY_HISTORY, choose_history, default_history


def _tenants(history: Path) -> list[str]:
    with sqlite3.connect(history) as db:
        return [r[0] for r in db.execute("SELECT DISTINCT tenant FROM runs ORDER BY tenant")]


def test_default_is_the_users_state_folder(tmp_path: Path) -> None:
    # conftest points XDG_STATE_HOME at this test's folder, as a user's profile would
    assert default_history() == tmp_path / "state" / "seat-auditor" / "history.sqlite"
    assert choose_history(None, None, env={}).path == default_history()


def test_flag_over_environment_over_config_over_default(tmp_path: Path) -> None:
    flag, named, configured = tmp_path / "f.sqlite", tmp_path / "e.sqlite", tmp_path / "c.sqlite"
    env = {HISTORY_ENV: str(named)}
    assert choose_history(flag, configured, env=env).path == flag
    assert choose_history(None, configured, env=env).path == named
    assert choose_history(None, configured, env={}).path == configured
    assert choose_history(None, None, env={HISTORY_ENV: "  "}).path == default_history()
    assert choose_history(flag, configured, no_history=True, env=env).path is None


def test_an_earlier_versions_history_in_this_folder_is_used_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / LEGACY_HISTORY).write_bytes(b"")
    chosen = choose_history(None, None, env={}, cwd=tmp_path)
    assert chosen.path == LEGACY_HISTORY
    assert chosen.note is not None
    assert str(default_history()) in chosen.note
    # a history the user names wins over the one found
    assert choose_history(tmp_path / "x.sqlite", None, env={}, cwd=tmp_path).note is None


@pytest.mark.slow
def test_audits_from_two_folders_share_one_history_and_say_which(
    tiny_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for folder, as_of in (("cron", "2026-10-01"), ("home", "2026-11-01")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        out = tmp_path / "reports" / folder
        code = cli.main(["audit", "--input", str(tiny_dir), "--out", str(out), "--as-of", as_of])
        assert code == 0
        assert not any((tmp_path / folder).iterdir())  # nothing left where the command ran
    stderr = capsys.readouterr().err
    assert f"history {default_history()}" in stderr
    assert _tenants(default_history()) == ["example.com"]
    with sqlite3.connect(default_history()) as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2


@pytest.mark.slow
def test_the_environment_variable_names_the_history(
    tiny_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = tmp_path / "kept" / "audits.sqlite"
    monkeypatch.setenv(HISTORY_ENV, str(named))
    code = cli.main(["audit", "--input", str(tiny_dir), "--out", str(tmp_path / "out")])
    assert code == 0
    assert _tenants(named) == ["example.com"]
    assert not default_history().exists()
    assert f"history {named}" in capsys.readouterr().err
    assert cli.main(["history"]) == 0
    assert "example.com" in capsys.readouterr().out


@pytest.mark.slow
def test_legacy_history_is_found_and_the_note_printed(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # conftest runs each test in tmp_path: an earlier version left reports/history.sqlite here
    first = cli.main(
        ["audit", "--input", str(tiny_dir), "--out", "r1", "--history", str(LEGACY_HISTORY)]
    )
    assert first == 0
    capsys.readouterr()
    assert cli.main(["audit", "--input", str(tiny_dir), "--out", "r2"]) == 0
    stderr = capsys.readouterr().err
    assert "note: using the history an earlier version kept at reports/history.sqlite" in stderr
    assert not default_history().exists()
