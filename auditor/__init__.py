"""seat-auditor: find the 8x8 X Series seats you pay for and nobody uses.

The library first, the command line second. From a notebook::

    from auditor import AuditOptions, audit_folder, demo_tenant, load, run, write_reports

``load`` reads a snapshot folder, ``run`` audits it into a report, ``write_reports`` writes
any of the formats, and ``audit_folder`` does all three with the history, as the CLI does;
``demo_tenant()`` is the bundled demo tenant's folder.
"""

from __future__ import annotations

__version__ = "0.1.0"

# After __version__: the modules below read it when they are imported.
from auditor.data import demo_tenant
from auditor.engine import run
from auditor.options import AuditOptions
from auditor.pipeline import audit_folder, collect_folder
from auditor.render import write_reports
from auditor.snapshot import load

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
