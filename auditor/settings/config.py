"""auditor.toml: every setting in one file, checked strictly so a typo is an error, not a no-op.

Flags override the file; relative paths in the file are relative to the file's own folder, so
a cron job can run from anywhere. Every key is documented in the README; an unknown key is an
error naming it and the keys that are allowed.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.model import Severity, Suppression

_TOP = {
    "tenant": str,
    "input": Path,
    "licenses": Path,
    "prices": Path,
    "statement": Path,
    "out": Path,
    "formats": list,
    "history": Path,
    "base_url": str,
    "api_key_file": Path,
    "page_size": int,
    "contract": Path,
    "audit_records": bool,
    "audit_records_days": int,
}
_THRESHOLDS = {"stale_after_days": int, "high_monthly_cost": float, "medium_monthly_cost": float}
_GATES = {"fail_on": str, "fail_over_waste": float, "fail_before_notice": int}
_SUPPRESS = {"rule": str, "entity": str, "reason": str, "owner": str, "expires": dt.date}
_SECTIONS = {"thresholds": _THRESHOLDS, "gates": _GATES}


@dataclass(frozen=True)
class Config:
    """The settings read from auditor.toml; ``None`` means the file did not set it."""

    path: Path | None = None
    tenant: str | None = None
    input: Path | None = None
    licenses: Path | None = None
    prices: Path | None = None
    statement: Path | None = None
    out: Path | None = None
    formats: tuple[str, ...] | None = None
    history: Path | None = None
    base_url: str | None = None
    api_key_file: Path | None = None
    page_size: int | None = None
    audit_records: bool | None = None
    audit_records_days: int | None = None
    stale_after_days: int | None = None
    high_monthly_cost: float | None = None
    medium_monthly_cost: float | None = None
    fail_on: Severity | None = None
    fail_over_waste: float | None = None
    suppressions: tuple[Suppression, ...] = field(default=())
    contract: Path | None = None
    fail_before_notice: int | None = None
    #: ``[keep_spares]``: license type = spare seats kept on purpose.
    keep_spares: tuple[tuple[str, int], ...] = field(default=())


def load_config(path: Path) -> Config:
    """Read and validate ``path``; raise :class:`InputError` naming the key at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: the config file does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: the config file cannot be read ({exc}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}).") from exc
    base = path.parent
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            values.update(_section(path, key, value, _SECTIONS[key], base))
        elif key == "suppress":
            values["suppressions"] = _suppressions(path, value)
        elif key == "keep_spares":
            values["keep_spares"] = _spares(path, value)
        elif key in _TOP:
            values[key] = _typed(path, key, value, _TOP[key], base)
        else:
            raise InputError(_unknown(path, key, [*_TOP, *_SECTIONS, "suppress", "keep_spares"]))
    if "formats" in values:
        values["formats"] = tuple(_strings(path, "formats", values["formats"]))
    if "fail_on" in values:
        values["fail_on"] = _severity(path, values["fail_on"])
    return Config(path=path, **values)


def _unknown(path: Path, key: str, known: list[str]) -> str:
    return f"{path}: unknown key {key!r} (known keys: {', '.join(sorted(known))})."


def _section(
    path: Path, name: str, table: object, schema: Mapping[str, type], base: Path
) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise InputError(f"{path}: [{name}] must be a table.")
    out = {}
    for key, value in table.items():
        if key not in schema:
            raise InputError(_unknown(path, f"{name}.{key}", [f"{name}.{k}" for k in schema]))
        out[key] = _typed(path, f"{name}.{key}", value, schema[key], base)
    return out


def _typed(path: Path, key: str, value: object, kind: type, base: Path) -> Any:
    if kind is Path and isinstance(value, str) and value:
        return (base / Path(value).expanduser()).resolve()
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise InputError(f"{path}: {key} must not be negative (got {value}).")
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InputError(f"{path}: {key} must not be negative (got {value}).")
        return value
    if kind is dt.date and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if kind in (str, list, bool) and isinstance(value, kind):
        return value
    expected = {
        Path: "a path",
        float: "a number",
        int: "a whole number",
        dt.date: "a date (YYYY-MM-DD, unquoted)",
        str: "text",
        list: "a list",
        bool: "true or false",
    }[kind]
    raise InputError(f"{path}: {key} must be {expected} (got {value!r}).")


def _strings(path: Path, key: str, values: list[object]) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise InputError(f"{path}: {key} must be a list of text values.")
    return [str(v) for v in values]


def _severity(path: Path, value: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError as exc:
        choices = ", ".join(s.value for s in Severity)
        raise InputError(
            f"{path}: gates.fail_on must be one of {choices} (got {value!r})."
        ) from exc


def _suppressions(path: Path, entries: object) -> tuple[Suppression, ...]:
    if not isinstance(entries, list):
        raise InputError(f"{path}: suppress must be an array of tables ([[suppress]]).")
    found = []
    for number, entry in enumerate(entries, start=1):
        where = f"suppress #{number}"
        if not isinstance(entry, dict):
            raise InputError(f"{path}: {where} must be a table.")
        for key in entry:
            if key not in _SUPPRESS:
                raise InputError(_unknown(path, f"{where}.{key}", list(_SUPPRESS)))
        for key in ("rule", "entity", "reason", "owner"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise InputError(f"{path}: {where} needs {key} (text).")
        expires = entry.get("expires")
        if expires is not None:
            expires = _typed(path, f"{where}.expires", expires, dt.date, path.parent)
        found.append(
            Suppression(
                rule=entry["rule"].strip(),
                entity=entry["entity"].strip(),
                reason=entry["reason"].strip(),
                owner=entry["owner"].strip(),
                expires=expires,
            )
        )
    return tuple(found)


def _spares(path: Path, table: object) -> tuple[tuple[str, int], ...]:
    """``[keep_spares]``: each key a license type, each value a whole number of seats."""
    if not isinstance(table, dict):
        raise InputError(f"{path}: [keep_spares] must be a table (license type = seats).")
    return tuple(
        (str(name), _typed(path, f"keep_spares.{name}", count, int, path.parent))
        for name, count in table.items()
    )
