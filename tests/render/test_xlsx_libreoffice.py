"""The demo workbook opens in LibreOffice Calc too: soffice converts it to a PDF.

LibreOffice is a system package (`make system-deps`, run by `make test` and .ci/run, installs
it); without it this test fails with a message saying so, never skips.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.pipeline import audit_folder
from auditor.settings.options import AuditOptions
from tests.conftest import DEMO

pytestmark = pytest.mark.office


def test_libreoffice_converts_the_demo_workbook_to_pdf(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "soffice is missing: run `make system-deps` (as root) to install LibreOffice"
    now = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    options = AuditOptions(formats=("xlsx",))
    result = audit_folder(DEMO, tmp_path / "out", now=now, options=options)
    (workbook,) = result.written
    profile = (tmp_path / "lo-profile").as_uri()  # a fresh profile: no state from other runs
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(workbook)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / "audit.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.is_file(), f"no PDF: {done.stdout} {done.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000  # eight sheets of text and a chart, not an empty page
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 8
