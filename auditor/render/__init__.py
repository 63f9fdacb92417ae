"""Report formats: a registry, and writing several of them atomically into one folder.

Adding a format means one module with a ``write_<name>(report, path)`` function and one
entry in :data:`RENDERERS`; the command line takes its ``--format`` choices from here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import RenderError
from auditor.model import Report
from auditor.render.csv import write_csv
from auditor.render.focus import write_focus
from auditor.render.html.page import write_html
from auditor.render.json import write_json
from auditor.render.xlsx import write_xlsx


@dataclass(frozen=True)
class Renderer:
    """One report format: its ``--format`` name, the file it writes, and the writer."""

    name: str
    filename: str
    write: Callable[[Report, Path], None]


__all__ = ["DEFAULT_FORMATS", "RENDERERS", "Renderer", "remove_stale", "write_reports"]

RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", "audit.json", write_json),
        Renderer("html", "audit.html", write_html),
        Renderer("xlsx", "audit.xlsx", write_xlsx),
        Renderer("csv", "findings.csv", write_csv),
        Renderer("focus", "focus.csv", write_focus),
    )
}

#: The formats an audit writes when none are chosen (focus.csv is on request only).
DEFAULT_FORMATS: tuple[str, ...] = ("json", "html", "xlsx", "csv")


#: A staging folder older than this was left by a killed run (a live one is minutes old).
STALE_STAGING_SECONDS = 6 * 3600


def _sweep(out_dir: Path) -> None:
    """Remove staging folders a killed run (SIGKILL, power cut) could not clean up."""
    cutoff = time.time() - STALE_STAGING_SECONDS
    for leftover in out_dir.glob(".auditor-*"):
        with contextlib.suppress(OSError):
            if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover)


def write_reports(report: Report, out_dir: Path, formats: Iterable[str]) -> list[Path]:
    """Write each format into ``out_dir``, all or nothing.

    Every file is rendered into a temporary folder beside the reports first; only when all
    succeeded are they moved into place, each by an atomic rename. A failure part way leaves
    the previous reports as they were and no half-written file.
    """
    chosen = [RENDERERS[name] for name in dict.fromkeys(formats)]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _sweep(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=".auditor-", dir=out_dir))
    except OSError as exc:
        raise RenderError(f"{out_dir}: cannot create the report folder ({exc.strerror}).") from exc
    try:
        staged = []
        for renderer in chosen:
            path = staging / renderer.filename
            try:
                renderer.write(report, path)
            except OSError as exc:
                raise RenderError(
                    f"{out_dir / renderer.filename}: cannot be written ({exc})."
                ) from exc
            staged.append(path)
        written = []
        for path in staged:
            target = out_dir / path.name
            os.replace(path, target)
            written.append(target)
        return written
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def remove_stale(out_dir: Path, written: Iterable[Path]) -> list[Path]:
    """Remove the reports an earlier run left in ``out_dir`` that this run did not write.

    ``--format json`` after a full run would otherwise leave last month's audit.html and
    audit.xlsx beside this month's audit.json, with nothing to say they are stale. Only the
    files this tool writes (:data:`RENDERERS`' file names) are touched; anything else in the
    folder is the user's.
    """
    fresh = {p.name for p in written}
    removed = []
    for renderer in RENDERERS.values():
        old = out_dir / renderer.filename
        if renderer.filename not in fresh and old.is_file():
            try:
                old.unlink()
            except OSError as exc:
                raise RenderError(
                    f"{old}: an earlier run's report cannot be removed ({exc.strerror})."
                ) from exc
            removed.append(old)
    return removed
