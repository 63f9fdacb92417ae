"""seat-auditor: find the 8x8 X Series seats you pay for and nobody uses.

The library first, the command line second. From a notebook::

    from auditor import AuditOptions, audit_folder, demo_tenant, load, run, write_reports

``load`` reads a snapshot folder, ``run`` audits it into a report, ``write_reports`` writes
any of the formats, and ``audit_folder`` does all three with the history, as the CLI does;
``demo_tenant()`` is the bundled demo tenant's folder.
"""

from __future__ import annotations

from auditor.data import demo_tenant
from auditor.engine.run import run
from auditor.pipeline import audit_folder, collect_folder
from auditor.render import write_reports
from auditor.settings.options import AuditOptions
from auditor.snapshot.load import load
from auditor.version import __version__

__all__ = [
    "AuditOptions",
    "__version__",
    "audit_folder",
    "collect_folder",
    "demo_tenant",
    "load",
    "run",
    "write_reports",
]
