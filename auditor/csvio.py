"""Read one CSV of a snapshot into a table with canonical column names.

Exports spell headers every which way (``Email address``, ``primaryEmail``, ``E-mail``), so
a header is compared after casefolding and dropping spaces, dots, dashes and underscores, and
each canonical column lists the aliases a real export uses. Every cell is read as text and
stripped; typing is the loader's job, where a bad value can be named by row and column.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from auditor.errors import InputError
from auditor.model import InputFile

_HEADER_NOISE = re.compile(r"[\s._\-]+")


def header_key(header: str) -> str:
    """The form headers are compared in: ``Email Address`` and ``email_address`` are one."""
    return _HEADER_NOISE.sub("", header.strip().lstrip("\ufeff")).casefold()


@dataclass(frozen=True)
class Column:
    """A canonical column, the header spellings accepted for it, and whether it is required."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        """The canonical name first, then its aliases, as a person would type them."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    """The columns one snapshot file may carry."""

    file: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def sha256_of(path: Path) -> str:
    """Content hash of an input file, recorded in the report so a result can be traced."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_raw(path: Path, label: str) -> pd.DataFrame:
    """Every cell of a CSV as stripped text, with the file's own headers."""
    if not path.exists():
        raise InputError(f"{label}: the file does not exist.")
    if path.is_dir():
        raise InputError(f"{label}: expected a CSV file but found a folder.")
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            skip_blank_lines=True,
        )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label}: byte {exc.start} is not UTF-8 text; save the file as CSV UTF-8."
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{label}: the file is empty (expected a header row).") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"{label}: not a readable CSV file ({exc}).") from exc
    except OSError as exc:
        raise InputError(f"{label}: cannot be read ({exc.strerror}).") from exc
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame


def read_table(path: Path, spec: TableSpec, label: str | None = None) -> pd.DataFrame:
    """Read ``path`` and rename its headers to ``spec``'s canonical names.

    Unknown columns are dropped. When two headers map to one column (``Site ID`` and
    ``Site Name`` both naming the user's site), the earlier spelling in the spec wins.
    """
    label = label or spec.file
    raw = read_raw(path, label)
    return select_columns(raw, spec, label)


def select_columns(raw: pd.DataFrame, spec: TableSpec, label: str) -> pd.DataFrame:
    """Pick and rename ``spec``'s columns out of a raw table; raise on a missing required one."""
    by_key: dict[str, str] = {}
    for header in raw.columns:
        by_key.setdefault(header_key(str(header)), str(header))
    chosen: dict[str, str] = {}
    for column in spec.columns:
        for spelling in column.spellings:
            found = by_key.get(header_key(spelling))
            if found is not None:
                chosen[column.name] = found
                break
        else:
            if column.required:
                accepted = ", ".join(column.spellings)
                raise InputError(
                    f"{label} has no {column.name!r} column (accepted headers: {accepted})."
                )
    table = raw[list(chosen.values())].copy()
    table.columns = pd.Index(list(chosen))
    return table.reset_index(drop=True)


def input_file(path: Path) -> InputFile:
    """The name and hash of one input, as recorded in the report."""
    return InputFile(name=path.name, sha256=sha256_of(path))
