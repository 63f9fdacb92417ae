"""A tenant's name survives folder names; a history says when a run looks like a new tenant
or replaced an audit made with other settings."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from auditor.cli import main as cli
from auditor.pipeline import email_domain
from tests.conftest import DEMO, FIXTURES


def test_most_common_email_domain_first_by_name_among_equals() -> None:
    users = pd.DataFrame(
        {"email": ["a@Bayline.com", "b@bayline.com ", "c@gmail.com", "not-an-email", "", "d@"]}
    )
    assert email_domain(users) == "bayline.com"
    assert email_domain(pd.DataFrame({"email": ["a@b.org", "c@a.org"]})) == "a.org"
    assert email_domain(pd.DataFrame({"email": ["nobody", ""]})) is None
    assert email_domain(pd.DataFrame({"user_id": ["u1"]})) is None


def _month(root: Path, name: str, collected: str) -> Path:
    """A monthly export folder of the tiny tenant, without a manifest tenant."""
    folder = shutil.copytree(FIXTURES / "tiny", root / "exports" / name)
    (folder / "manifest.json").write_text(f'{{"collected_at": "{collected}"}}')
    return folder


@pytest.mark.slow
def test_monthly_folders_are_one_tenant_and_the_second_month_compares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    october = _month(tmp_path, "2026-10", "2026-10-01")
    november = _month(tmp_path, "2026-11", "2026-11-01")
    history = tmp_path / "h.sqlite"
    for folder in (october, november):
        code = cli.main(
            ["audit", "--input", str(folder), "--out", str(tmp_path / "out" / folder.name),
             "--history", str(history), "--format", "json"]
        )  # fmt: skip
        assert code == 0
    with sqlite3.connect(history) as db:
        runs = db.execute("SELECT tenant, as_of FROM runs ORDER BY as_of").fetchall()
    assert runs == [("example.com", "2026-10-01"), ("example.com", "2026-11-01")]
    stderr = capsys.readouterr().err
    assert "holds no earlier audit" not in stderr


@pytest.mark.slow
def test_a_history_of_other_tenants_names_them_and_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "h.sqlite"
    october = _month(tmp_path, "2026-10", "2026-10-01")
    base = ["audit", "--input", str(october), "--history", str(history), "--format", "json"]
    assert cli.main([*base, "--out", str(tmp_path / "a"), "--tenant", "Bayline"]) == 0
    capsys.readouterr()
    assert cli.main([*base, "--out", str(tmp_path / "b"), "--as-of", "2026-11-01"]) == 0
    stderr = capsys.readouterr().err
    assert (
        f"warning: {history} holds no earlier audit of 'example.com' but holds 'Bayline'; if "
        "this is one of them, re-run with --tenant 'Bayline'" in stderr
    )


@pytest.mark.slow
def test_a_rerun_with_other_settings_says_what_it_replaced(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "h.sqlite"
    base = ["audit", "--input", str(tiny_dir), "--history", str(history), "--format", "json",
            "--as-of", "2026-11-01"]  # fmt: skip
    assert cli.main([*base, "--out", str(tmp_path / "a")]) == 0
    assert cli.main([*base, "--out", str(tmp_path / "b")]) == 0  # same settings: quiet
    assert "replaced" not in capsys.readouterr().err
    assert cli.main([*base, "--out", str(tmp_path / "c"), "--stale-after-days", "45"]) == 0
    stderr = capsys.readouterr().err
    assert "this run replaced the history's audit of example.com on 2026-11-01" in stderr
    assert "stale_after_days 30 (now 45)" in stderr
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


@pytest.mark.slow
def test_as_of_before_collection_or_after_today_is_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = DEMO  # collected 2026-11-02
    base = ["audit", "--input", str(folder), "--no-history", "--format", "json"]
    assert cli.main([*base, "--out", str(tmp_path / "a"), "--as-of", "2026-10-01"]) == 0
    assert "--as-of 2026-10-01 is before the snapshot was collected (2026-11-02)" in (
        capsys.readouterr().err
    )
    assert cli.main([*base, "--out", str(tmp_path / "b"), "--as-of", "2999-01-01"]) == 0
    assert "--as-of 2999-01-01 is after today" in capsys.readouterr().err
    assert cli.main([*base, "--out", str(tmp_path / "c"), "--as-of", "2026-11-02"]) == 0
    assert "--as-of" not in capsys.readouterr().err


@pytest.mark.slow
def test_history_for_an_unknown_tenant_names_the_ones_it_holds(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "h.sqlite"
    args = ["audit", "--input", str(tiny_dir), "--out", str(tmp_path / "o"),
            "--history", str(history), "--format", "json"]  # fmt: skip
    assert cli.main(args) == 0
    capsys.readouterr()
    assert cli.main(["history", "--history", str(history), "--tenant", "tiny"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"No audits recorded for 'tiny' in {history}; it holds 'example.com'."
    )
