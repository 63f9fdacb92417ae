"""Data shipped in the package: the demo tenant, the example settings file, the JSON schema.

Read through :mod:`importlib.resources`, so ``auditor demo`` works the same from a clone
(editable install) and from a wheel installed by pip or pipx, from any folder.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

#: The files :func:`copy_samples` writes, as (name in the package, what it is).
SAMPLES = (
    ("demo", "the demo tenant's snapshot folder"),
    ("auditor.example.toml", "a settings file for it"),
    ("audit.schema.json", "the JSON Schema of audit.json"),
)


def data_path(name: str) -> Path:
    """The path of ``name`` in the installed package (a real folder: wheels install unzipped)."""
    return Path(str(files("auditor.data").joinpath(name)))


def demo_tenant() -> Path:
    """The demo tenant's snapshot folder (Bayline Freight Logistics, 360 users)."""
    return data_path("demo")


def schema_path() -> Path:
    """audit.json's JSON Schema (schema_version 2)."""
    return data_path("audit.schema.json")


def copy_samples(target: Path) -> list[Path]:
    """Copy the demo tenant, the example settings and the schema into ``target``.

    The settings file's paths are relative to itself, so the copy audits the copied tenant.
    Refuses to overwrite: the target's entries must not exist yet.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, _ in SAMPLES:
        source, copy = data_path(name), target / name
        if copy.exists():
            raise FileExistsError(copy)
        if source.is_dir():
            shutil.copytree(source, copy)
        else:
            shutil.copyfile(source, copy)
        written.append(copy)
    return written
