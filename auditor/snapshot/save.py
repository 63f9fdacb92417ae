"""Write a collected snapshot folder atomically: a failed run changes nothing on disk.

``auditor collect`` owns three files of a snapshot folder (users.csv, sites.csv,
manifest.json); the person keeps licenses.csv and prices.csv beside them, so a new collection
must replace the three and keep everything else. The new folder is built whole in a temporary
folder beside the target (the three new files plus copies of the person's other files); then
the old folder is renamed aside, the new one renamed into place, and only then is the old one
removed. A failure at any step before the final rename leaves the old folder as it was (or no
folder, when there was none), and the temporary folders are cleaned up.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path

import pandas as pd

from auditor.errors import SnapshotError, UsageError

#: The files ``auditor collect`` writes; a folder with one of them is a snapshot folder.
OWNED = ("users.csv", "sites.csv", "manifest.json")


def check_target(directory: Path) -> None:
    """Refuse, before any work, a target that is a file or a folder that is not a snapshot.

    Replacing a folder means renaming it aside and deleting it, so only an empty folder or a
    snapshot folder (one holding users.csv, sites.csv or manifest.json) may be replaced.
    """
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise UsageError(f"{directory}: --out must name a folder, and this is a file or a link.")
    is_snapshot = any((directory / name).is_file() for name in OWNED)
    if directory.is_dir() and not is_snapshot and any(directory.iterdir()):
        raise UsageError(
            f"{directory}: the folder is not empty and holds no snapshot (no users.csv, "
            "sites.csv or manifest.json); choose a new or empty folder for --out."
        )


def save(
    directory: Path,
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, object],
    *,
    replaces: Collection[str] = (),
) -> list[Path]:
    """Write each table as ``<name>.csv`` and ``manifest.json`` into ``directory``, atomically.

    Returns the written paths. Files in ``directory`` other than those are kept, except the
    ``replaces`` ones: files this collection owns but could not write this time (an old
    numbers.csv must not pass for today's).
    """
    check_target(directory)
    created = _missing_ancestors(directory.parent)
    staging: Path | None = None
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
        written = []
        for name, table in tables.items():
            path = staging / f"{name}.csv"
            # CRLF, as RFC 4180 has it: Python's csv module quotes a field holding a CR only
            # when the line ends in CR, and an unquoted CR splits the record on reading.
            table.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
            written.append(path.name)
        text = json.dumps(dict(manifest), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (staging / "manifest.json").write_text(text, encoding="utf-8")
        written.append("manifest.json")
        for name in written:
            _fsync(staging / name)
        _swap_in(staging, directory, keep_from_old={*written, *replaces})
        staging = None
        return [directory / name for name in written]
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            staging = None
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise SnapshotError(
            f"{directory}: the snapshot cannot be written ({exc.strerror or exc}); "
            "nothing was changed."
        ) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _missing_ancestors(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _swap_in(staging: Path, target: Path, *, keep_from_old: set[str]) -> None:
    """Put ``staging`` at ``target``, carrying over the old folder's other entries."""
    if not target.exists():
        os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, target)
        return
    for entry in target.iterdir():
        if entry.name in keep_from_old:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, staging / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, staging / entry.name, follow_symlinks=False)
    os.chmod(staging, target.stat().st_mode & 0o7777)
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, aside / target.name)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(aside / target.name, target)
        aside.rmdir()
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
