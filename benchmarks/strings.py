"""Does the audit need pyarrow? Time one json-only audit with pandas' text in Python objects
or in Arrow arrays.

``python benchmarks/strings.py SNAPSHOT_DIR python|pyarrow`` loads, audits and writes
audit.json with ``mode.string_storage`` set as asked, and prints the stage times and the
process's peak memory. Run each storage in a fresh process, alternately; see README.md.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def main(snapshot: Path, storage: str) -> None:
    pd.set_option("mode.string_storage", storage)
    # imported after the option, so every frame the audit builds uses that storage
    from auditor.engine.run import run
    from auditor.model import Settings
    from auditor.render.json import write_json
    from auditor.snapshot.load import load

    start = time.perf_counter()
    tenant = load(snapshot)
    loaded = time.perf_counter()
    as_of = tenant.collected_at or dt.date(2026, 11, 2)
    report = run(
        tenant, Settings(as_of=as_of), tenant="bench", generated_at=dt.datetime.now(dt.UTC)
    )
    audited = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_json(report, Path(out) / "audit.json")
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = type(tenant.users.email.array).__name__
    print(
        f"{storage:8} load {loaded - start:5.1f} s  rules {audited - loaded:5.1f} s  "
        f"json {done - audited:5.1f} s  total {done - start:6.1f} s  peak {peak:,.0f} MB  ({kind})"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
