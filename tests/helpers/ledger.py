"""The seat ledger's invariants, checked the way the lead and CI check them: the shared script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from auditor.model import Report
from auditor.render.json import report_dict
from tests.conftest import ROOT

#: The ledger's invariants as a script: the shared copy beside the checkout where there is one
#: (it is the authority), else the copy in tests/ (a checkout on its own).
_SHARED = ROOT.parent / "shared" / "tools" / "ledger_check.py"


LEDGER_CHECK = _SHARED if _SHARED.exists() else ROOT / "tests" / "ledger_check.py"


def assert_ledger_holds(report: Report, folder: Path) -> str:
    """Write ``report``'s audit.json into ``folder`` and run the ledger check on it."""
    path = folder / "audit.json"
    path.write_text(json.dumps(report_dict(report), default=str), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(LEDGER_CHECK), str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    return done.stdout
