"""The audit as one library call: load a snapshot, run the rules, write the reports.

The command line and notebooks both call :func:`audit_folder`; it holds the policy the CLI
must not (which date is ``as_of``, what the tenant is called), and takes the clock as
arguments so a run can be reproduced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.engine import run
from auditor.model import Report, Settings
from auditor.render import write_reports
from auditor.snapshot import load


@dataclass(frozen=True)
class AuditResult:
    """A finished audit: the report and the files written."""

    report: Report
    written: list[Path]


def audit_folder(
    input_dir: Path,
    out_dir: Path,
    *,
    formats: Sequence[str],
    now: dt.datetime,
    as_of: dt.date | None = None,
    licenses: Path | None = None,
    prices: Path | None = None,
    tenant: str | None = None,
    stale_after_days: int = 30,
) -> AuditResult:
    """Audit the snapshot in ``input_dir`` and write ``formats`` into ``out_dir``.

    ``as_of`` defaults to the snapshot's ``collected_at``, else ``now``'s date; the tenant to
    the manifest's name, else the folder's.
    """
    snapshot = load(input_dir, licenses=licenses, prices=prices)
    settings = Settings(
        as_of=as_of or snapshot.collected_at or now.date(),
        stale_after_days=stale_after_days,
    )
    name = tenant or snapshot.tenant or input_dir.resolve().name
    report = run(snapshot, settings, tenant=name, generated_at=now)
    return AuditResult(report=report, written=write_reports(report, out_dir, formats))
