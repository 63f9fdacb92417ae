"""Each input is read once, and the report's hash is of the bytes the audit parsed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from auditor.snapshot import csvio
from auditor.snapshot.load import load
from tests.conftest import DEMO


def test_every_input_is_hashed_from_what_was_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    reads: list[str] = []
    original = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self.name)
        return original(self)

    def second_read(path: Path) -> str:
        raise AssertionError(f"{path.name} was read a second time to hash it")

    monkeypatch.setattr(Path, "read_bytes", counted)
    monkeypatch.setattr(csvio, "sha256_of", second_read)
    snap = load(folder)
    names = {i.name for i in snap.inputs}
    assert {"users.csv", "sites.csv", "licenses.csv", "prices.csv", "statement.csv"} <= names
    assert sorted(reads) == sorted(set(reads)), "a file was read twice"
    for item in snap.inputs:
        assert item.sha256 == hashlib.sha256(original(folder / item.name)).hexdigest()


def test_outside_a_load_the_file_is_hashed_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert csvio.input_file(path).sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
