"""Read one CSV of a snapshot into a table with canonical column names.

Exports spell headers every which way (``Email address``, ``primaryEmail``, ``E-mail``), so
a header is compared after casefolding and dropping spaces, dots, dashes and underscores, and
each canonical column lists the aliases a real export uses. Every cell is read as text and
stripped; typing is the loader's job, where a bad value can be named by row and column.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

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


#: While a snapshot loads (:func:`hashed_reads`), the SHA-256 of each file's bytes as read.
_READ: ContextVar[dict[Path, str] | None] = ContextVar("_READ", default=None)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def hashed_reads(load: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``load`` hashing every input from the bytes it parsed.

    Each file is read once: :func:`input_file` then returns the hash of what was parsed
    instead of reading the file again, so the report's ``inputs`` name exactly the bytes the
    audit saw, even if the file changed while it ran.
    """

    @functools.wraps(load)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        token = _READ.set({})
        try:
            return load(*args, **kwargs)
        finally:
            _READ.reset(token)

    return wrapper


def remember(path: Path, data: bytes) -> None:
    """Record the hash of ``data``, the bytes just read from ``path``, for :func:`input_file`."""
    seen = _READ.get()
    if seen is not None:
        seen[path.resolve()] = hashlib.sha256(data).hexdigest()


def sha256_of(path: Path) -> str:
    """Content hash of an input file, recorded in the report so a result can be traced."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: Leading bytes of files people save by mistake instead of a CSV, and what they are.
_NOT_CSV = (
    (b"PK\x03\x04", "an Excel workbook or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_DELIMITERS = (",", ";", "\t", "|")
#: Bytes no text file has (control characters other than tab, newline and return).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _decode(data: bytes, label: str, warnings: list[str] | None) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{label}: not valid UTF-16 text (byte {exc.start}).") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{label}: byte {exc.start} is neither UTF-8 nor Windows-1252 text; save the "
                "file as CSV UTF-8."
            ) from exc
        if warnings is not None:
            warnings.append(
                f"{label} is not UTF-8 (byte {exc.start}); it was read as Windows-1252. Save "
                "it as CSV UTF-8 to be sure names with accents come through."
            )
        return text


def _delimiter(header: str) -> str:
    """The delimiter the header row uses most: European Excel saves CSV with semicolons."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_raw(path: Path, label: str, warnings: list[str] | None = None) -> pd.DataFrame:
    """Every cell of a CSV as stripped text, with the file's own headers.

    Copes with what spreadsheets save: a BOM, UTF-16, Windows-1252 (with a warning),
    semicolons or tabs as delimiters, quoted line breaks, trailing empty rows. Refuses with
    one sentence a workbook, a PDF or other binary saved under a .csv name.
    """
    if path.is_dir():
        raise InputError(f"{label}: expected a CSV file but found a folder.")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{label}: the file does not exist.") from exc
    except OSError as exc:
        raise InputError(f"{label}: cannot be read ({exc.strerror}).") from exc
    remember(path, data)
    for magic, what in _NOT_CSV:
        if data.startswith(magic):
            raise InputError(f"{label} is {what}, not a CSV file; export or save it as CSV.")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and len(_CONTROL.findall(data[:65536])) > max(8, min(len(data), 65536) // 100):
        raise InputError(f"{label} holds binary data, not CSV text.")
    text = _decode(data, label, warnings)
    if "\x00" in text:
        if warnings is not None:
            warnings.append(f"{label}: {text.count(chr(0))} NUL character(s) were removed.")
        text = text.replace("\x00", "")
    if not text.strip():
        raise InputError(f"{label}: the file is empty (expected a header row).")
    header = text.lstrip().split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=_delimiter(header),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{label}: the file is empty (expected a header row).") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"{label}: not a readable CSV file ({exc}).") from exc
    filled = pd.Series(False, index=frame.index)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
        filled |= frame[column].ne("")
    if not filled.all():  # rows of empty cells that spreadsheets leave at the end
        frame = frame[filled].reset_index(drop=True)
    return frame


def read_table(
    path: Path, spec: TableSpec, label: str | None = None, warnings: list[str] | None = None
) -> pd.DataFrame:
    """Read ``path`` and rename its headers to ``spec``'s canonical names.

    Unknown columns are dropped. When two headers map to one column (``Site ID`` and
    ``Site Name`` both naming the user's site), the earlier spelling in the spec wins.
    """
    label = label or spec.file
    raw = read_raw(path, label, warnings)
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
                if f"{found}.1" in raw.columns:  # pandas' name for a repeated header
                    raise InputError(
                        f"{label}: the header {found!r} appears more than once; keep one "
                        f"{column.name!r} column."
                    )
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
    """The name and hash of one input, as recorded in the report (the bytes parsed, when
    :func:`hashed_reads` saw them read; otherwise the file as it is now)."""
    seen = _READ.get()
    digest = seen.get(path.resolve()) if seen is not None else None
    return InputFile(name=path.name, sha256=digest or sha256_of(path))
