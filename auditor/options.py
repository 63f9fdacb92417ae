"""One audit's settings, from flags over the config file over the defaults.

This is policy, so it lives in the library: the command line only collects what the user
typed (``None`` for a flag not given) and hands it here with the config file's values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from auditor.config import Config, Suppression
from auditor.errors import UsageError
from auditor.model import Severity

#: Where the history goes when neither --history nor the config names a file.
DEFAULT_HISTORY = Path("reports") / "history.sqlite"
DEFAULT_FORMATS: tuple[str, ...] = ("json", "html", "xlsx", "csv")

T = TypeVar("T")


@dataclass(frozen=True)
class AuditOptions:
    """Everything an audit needs besides its input and output folders."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    as_of: dt.date | None = None
    licenses: Path | None = None
    prices: Path | None = None
    #: 8x8's monthly statement; None: the snapshot folder's statement.csv, if any.
    statement: Path | None = None
    tenant: str | None = None
    stale_after_days: int = 30
    high_monthly_cost: float = 100.0
    medium_monthly_cost: float = 20.0
    suppressions: tuple[Suppression, ...] = ()
    #: The history file, or None to keep no history.
    history: Path | None = None
    fail_on: Severity | None = None
    fail_over_waste: float | None = None


def _pick(flag: T | None, configured: T | None, default: T) -> T:
    if flag is not None:
        return flag
    return configured if configured is not None else default


def resolve(
    config: Config | None,
    *,
    formats: tuple[str, ...] | None = None,
    as_of: dt.date | None = None,
    licenses: Path | None = None,
    prices: Path | None = None,
    statement: Path | None = None,
    tenant: str | None = None,
    stale_after_days: int | None = None,
    history: Path | None = None,
    no_history: bool = False,
    fail_on: Severity | None = None,
    fail_over_waste: float | None = None,
) -> AuditOptions:
    """Merge the flags a user typed (None: not typed) over ``config`` over the defaults."""
    c = config or Config()
    if no_history and history is not None:
        raise UsageError("--history and --no-history cannot be used together.")
    chosen_formats = _pick(formats, c.formats, DEFAULT_FORMATS)
    return AuditOptions(
        formats=chosen_formats,
        as_of=as_of,
        licenses=_pick(licenses, c.licenses, None),
        prices=_pick(prices, c.prices, None),
        statement=_pick(statement, c.statement, None),
        tenant=_pick(tenant, c.tenant, None),
        stale_after_days=_pick(stale_after_days, c.stale_after_days, 30),
        high_monthly_cost=_pick(None, c.high_monthly_cost, 100.0),
        medium_monthly_cost=_pick(None, c.medium_monthly_cost, 20.0),
        suppressions=c.suppressions,
        history=None if no_history else _pick(history, c.history, DEFAULT_HISTORY),
        fail_on=_pick(fail_on, c.fail_on, None),
        fail_over_waste=_pick(fail_over_waste, c.fail_over_waste, None),
    )
