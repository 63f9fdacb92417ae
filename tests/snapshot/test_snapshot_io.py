"""Writing a collected snapshot: all or nothing, and the person's own files kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import SnapshotError, UsageError
from auditor.snapshot import save as snapshot_io
from auditor.snapshot.save import save

USERS = pd.DataFrame({"user_id": ["u1"], "email": ["a@x"], "status": ["ACTIVE"], "site": ["s"]})
SITES = pd.DataFrame(
    {"site_id": ["s"], "name": ["S"], "state": ["TX"], "country": ["US"], "street": ["1 A"]}
)


def write(folder: Path) -> list[Path]:
    return save(folder, {"users": USERS, "sites": SITES}, {"collected_at": "2026-11-02T00:00:00Z"})


def test_a_new_folder_gets_three_files(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b" / "snap"
    written = write(folder)
    assert [p.name for p in written] == ["users.csv", "sites.csv", "manifest.json"]
    assert (folder / "users.csv").read_text() == "user_id,email,status,site\nu1,a@x,ACTIVE,s\n"
    assert json.loads((folder / "manifest.json").read_text())["collected_at"].startswith("2026")
    assert oct(folder.stat().st_mode & 0o777) != oct(0o700)  # not mkdtemp's private mode


def fail_on_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot_io, "_fsync", disk_full)


def test_a_failure_while_writing_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_fsync(monkeypatch)
    with pytest.raises(SnapshotError, match="No space left on device"):
        write(tmp_path / "new" / "snap")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_the_old_snapshot_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "snap"
    write(folder)
    (folder / "prices.csv").write_text("license_type,monthly_price\nX4,34\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    fail_on_fsync(monkeypatch)
    with pytest.raises(SnapshotError):
        save(folder, {"users": USERS.iloc[:0], "sites": SITES}, {})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_a_failed_final_rename_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "snap"
    write(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_rename = os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(src).name.startswith(".snap.new-"):
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(snapshot_io.os, "rename", rename)
    with pytest.raises(SnapshotError, match="nothing was changed"):
        save(folder, {"users": USERS.iloc[:0], "sites": SITES}, {})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_subfolders_and_extra_files_survive_a_new_collection(tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    write(folder)
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.txt").write_text("cancel X8")
    save(folder, {"users": USERS.iloc[:0], "sites": SITES}, {})
    assert (folder / "notes" / "todo.txt").read_text() == "cancel X8"
    assert (folder / "users.csv").read_text() == "user_id,email,status,site\n"


def test_a_file_or_a_foreign_folder_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="must name a folder"):
        write(tmp_path / "file")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("x")
    with pytest.raises(UsageError, match="not empty and holds no snapshot"):
        write(tmp_path / "home")
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty")
    assert (tmp_path / "empty" / "users.csv").exists()
