"""Renderers read only the Report: the same report with and without its snapshot renders the same.

A renderer that reached into ``Report.snapshot`` would show something the report does not say
(and a report rebuilt from audit.json, or handed over without its inputs, would render
differently).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.model import Report
from auditor.render import RENDERERS, write_reports
from tests.conftest import DEMO, audit

pytestmark = pytest.mark.slow  # whole audits


def _outputs(report: Report, out: Path) -> dict[str, object]:
    write_reports(report, out, tuple(RENDERERS))
    found: dict[str, object] = {}
    for renderer in RENDERERS.values():
        path = out / renderer.filename
        if path.suffix == ".xlsx":
            wb = load_workbook(path, read_only=True)
            found[path.name] = {
                ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb
            }
        else:
            found[path.name] = path.read_bytes()
    return found


def test_every_format_renders_the_same_without_the_snapshot(tmp_path: Path) -> None:
    report = audit(DEMO)
    assert report.snapshot is not None
    alone = dataclasses.replace(report, snapshot=None)
    assert _outputs(report, tmp_path / "with") == _outputs(alone, tmp_path / "without")
