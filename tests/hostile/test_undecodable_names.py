"""Names that are not UTF-8: a folder, a file and a ``--tenant`` holding the byte 0xff.

Python hands such names over with lone surrogates (``\\udcff``), which no UTF-8 report, SQLite
history or Arrow string can hold. The audit must still write every report, showing the byte
as U+FFFD, and the history must find the tenant again under the name it recorded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.cli import main as cli
from auditor.text import readable
from tests.conftest import FIXTURES

BAD = b"\xff"


@pytest.mark.slow
def test_a_non_utf8_folder_file_and_tenant_still_give_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = os.fsencode(tmp_path)
    folder = os.fsdecode(root + b"/in" + BAD)
    shutil.copytree(FIXTURES / "tiny", folder)
    licenses = os.fsdecode(root + b"/lic" + BAD + b".csv")
    shutil.copy(FIXTURES / "tiny" / "licenses.csv", licenses)
    out, history = tmp_path / "out", tmp_path / "history.sqlite"
    argv = [sys.executable, "-m", "auditor", "audit", "--input", os.fsencode(folder)]
    argv += ["--licenses", os.fsencode(licenses), "--tenant", b"Acme " + BAD]
    argv += ["--out", str(out), "--history", str(history)]
    done = subprocess.run(argv, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert report["tenant"] == "Acme \ufffd"
    assert "lic\ufffd.csv" in [i["name"] for i in report["inputs"]]
    assert "Acme \ufffd" in (out / "audit.html").read_text(encoding="utf-8")
    assert {p.name for p in out.iterdir()} == {
        "audit.json", "audit.html", "audit.xlsx", "findings.csv"
    }  # fmt: skip
    code = cli.main(["history", "--history", str(history), "--tenant", os.fsdecode(b"Acme " + BAD)])
    table = capsys.readouterr().out
    assert code == 0
    assert "Acme \ufffd" in table
    assert "No audits recorded" not in table


@given(st.text())
def test_readable_replaces_only_what_utf8_cannot_hold(text: str) -> None:
    shown = readable(text)
    shown.encode("utf-8")  # never raises
    assert len(shown) == len(text)
    assert all(a == b or b == "\ufffd" for a, b in zip(text, shown, strict=True))
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        assert shown == text
