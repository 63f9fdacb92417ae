"""`make bench`: time every stage at 10k, 100k and 1M users and check the budgets.

Budgets are ratios measured in one run on one machine (shared machines are noisy, so
absolute seconds mean little): each compared pair runs alternately, three times, and the
medians are compared. Peak memory is the child process's maximum resident set size as the
kernel reports it (wait4), so it covers pandas, openpyxl and lxml alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIZES = (10_000, 100_000, 1_000_000)
EXCEL_ROWS = 1_048_576
HTML_LIMIT = 5 * 1024 * 1024


def tenant(users: int) -> Path:
    """The synthetic tenant of ``users`` users, generated once and kept under out/."""
    folder = OUT / f"tenant-{users}"
    if not (folder / "manifest.json").exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(users), str(folder)], check=True
        )
    return folder


def sheet_rows(workbook: Path) -> dict[str, int]:
    """Rows written in each worksheet, counted in the file's XML (write-only mode records no
    dimension for a reader to trust), streamed so a million-row sheet costs seconds."""
    counts = {}
    with zipfile.ZipFile(workbook) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                total, tail = 0, b""
                with archive.open(name) as part:
                    for block in iter(lambda: part.read(1 << 22), b""):
                        chunk = tail + block
                        total += chunk.count(b"<row ")
                        tail = chunk[-4:]
                counts[name] = total
    return counts


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Run ``argv``; return wall seconds, peak RSS in MB, and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024, text


def audit_cmd(folder: Path, out: Path, formats: str) -> list[str]:
    """The command line a user would type, in its own process, with a history kept beside
    the reports as a scheduled audit keeps one."""
    history = out.parent / f"{out.name}.sqlite"
    return [sys.executable, "-m", "auditor", "audit", "--input", str(folder), "--out", str(out),
            "--format", formats, "--history", str(history)]  # fmt: skip


def alternate(a: list[str], b: list[str], rounds: int = 3) -> tuple[float, float]:
    """Median wall time of ``a`` and of ``b``, run alternately so noise hits both."""
    times_a, times_b = [], []
    for _ in range(rounds):
        times_a.append(measure(a)[0])
        times_b.append(measure(b)[0])
    return statistics.median(times_a), statistics.median(times_b)


def verdict(name: str, value: float, limit: float, unit: str = "x") -> bool:
    """Print one budget line; True when it passes."""
    ok = value <= limit
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.2f}{unit} (limit {limit:g}{unit})")
    return ok


def main() -> int:
    """Run the stage table and the budgets; exit 1 if a budget fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="comma-separated tenant sizes for the stage table",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"seat-auditor benchmarks, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        print("\nusers      load  rules   json   html   xlsx    csv  findings  html MB  peak MB")
        stage_runs: dict[int, dict[str, float]] = {}
        for users in sizes:
            folder = tenant(users)
            _, peak, text = measure(
                [
                    sys.executable,
                    str(HERE / "stages.py"),
                    str(folder),
                    str(work / f"stages-{users}"),
                ]
            )
            t = json.loads(text)
            stage_runs[users] = t
            print(
                f"{users:>9,} {t['load']:6.1f} {t['rules']:6.1f} {t['json']:6.1f} "
                f"{t['html']:6.1f} {t['xlsx']:6.1f} {t['csv']:6.1f} {int(t['findings']):9,} "
                f"{t['html_bytes'] / 2**20:8.2f} {peak:8.0f}"
            )
        print()
        results = []
        mid, big = 100_000, 1_000_000
        folder = tenant(mid)
        e2e, floor = alternate(
            audit_cmd(folder, work / "e2e", "json,html,xlsx,csv"),
            [sys.executable, str(HERE / "floor.py"), str(folder), str(work / "floor.xlsx")],
        )
        print(f"      end to end at 100k: {e2e:.1f} s; floor: {floor:.1f} s")
        results.append(verdict("end to end, four formats, 100k users, vs floor", e2e / floor, 1.5))
        small_t, _, _ = measure(audit_cmd(folder, work / "j100k", "json"))
        big_t, big_peak, _ = measure(audit_cmd(tenant(big), work / "j1m", "json"))
        print(f"      json-only: 100k {small_t:.1f} s, 1M {big_t:.1f} s")
        results.append(verdict("json-only audit, 1M vs 100k users", big_t / small_t, 12))
        results.append(
            verdict("peak memory, json-only audit at 1M users", big_peak / 1024, 3, " GB")
        )
        if big in stage_runs:
            html_mb = stage_runs[big]["html_bytes"] / 2**20
            results.append(verdict("audit.html at 1M users", html_mb, 5, " MB"))
            sheets = sheet_rows(work / f"stages-{big}" / "audit.xlsx")
            name, rows = max(sheets.items(), key=lambda item: item[1])
            print(f"      largest sheet at 1M users: {name}, {rows:,} rows")
            results.append(
                verdict(
                    f"largest sheet at 1M users, share of Excel's {EXCEL_ROWS:,} rows",
                    rows / EXCEL_ROWS,
                    1,
                )
            )
        return 0 if all(results) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
