"""Time each stage of one audit in this process and print the timings as JSON.

``python benchmarks/stages.py SNAPSHOT_DIR OUT_DIR``: load, rules (the engine), then each
renderer, plus the size of each report. run.py starts it in a fresh process per tenant so
its peak memory can be read from the operating system.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from auditor.engine.run import run
from auditor.model import Settings
from auditor.render import RENDERERS
from auditor.snapshot.load import load


def stages(snapshot_dir: Path, out: Path) -> dict[str, float]:
    """Seconds per stage, and bytes per report (keys ``<format>_bytes``)."""
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    snapshot = load(snapshot_dir)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    settings = Settings(as_of=snapshot.collected_at or dt.date(2026, 11, 2))
    report = run(snapshot, settings, tenant="bench", generated_at=dt.datetime.now(dt.UTC))
    timings["rules"] = time.perf_counter() - start
    timings["findings"] = len(report.findings)
    for name, renderer in RENDERERS.items():
        start = time.perf_counter()
        path = out / renderer.filename
        renderer.write(report, path)
        timings[name] = time.perf_counter() - start
        timings[f"{name}_bytes"] = path.stat().st_size
    return timings


if __name__ == "__main__":
    print(json.dumps(stages(Path(sys.argv[1]), Path(sys.argv[2]))))
