"""One audit's settings, from flags over the config file over the defaults.

This is policy, so it lives in the library: the command line only collects what the user
typed (``None`` for a flag not given) and hands it here with the config file's values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import platformdirs

from auditor.errors import UsageError
from auditor.model import Severity, Suppression
from auditor.render import DEFAULT_FORMATS
from auditor.settings.config import Config

#: The environment variable naming the history file (over the config, under --history).
HISTORY_ENV = "SEAT_AUDITOR_HISTORY"
#: Where versions before 0.3 kept the history: relative to the folder the command ran in.
LEGACY_HISTORY = Path("reports") / "history.sqlite"
#: What --help calls the default history.
DEFAULT_HISTORY_TEXT = (
    "the user's state folder (~/.local/state/seat-auditor/history.sqlite on Linux)"
)


def default_history() -> Path:
    """The history's home when nothing names one: the user's state folder, where Unix tools
    keep state (``$XDG_STATE_HOME/seat-auditor``, else ``~/.local/state/seat-auditor``), so a
    cron job and an interactive run share one history whatever folder they start in."""
    return platformdirs.user_state_path("seat-auditor") / "history.sqlite"


def demo_history() -> Path:
    """The demo's own history, beside :func:`default_history` and apart from real audits."""
    return default_history().with_name("demo-history.sqlite")


@dataclass(frozen=True)
class HistoryChoice:
    """The history file an audit uses, and a note when it was found rather than chosen."""

    path: Path | None
    note: str | None = None


def choose_history(
    flag: Path | None,
    configured: Path | None,
    *,
    no_history: bool = False,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> HistoryChoice:
    """``--history``, else ``SEAT_AUDITOR_HISTORY``, else the config's ``history``, else an
    earlier version's ``reports/history.sqlite`` in this folder (with a note: it is used so
    no trend is lost), else :func:`default_history`."""
    if no_history:
        return HistoryChoice(None)
    environ = os.environ if env is None else env
    named = environ.get(HISTORY_ENV, "").strip()
    if flag is not None:
        return HistoryChoice(flag)
    if named:
        return HistoryChoice(Path(named).expanduser())
    if configured is not None:
        return HistoryChoice(configured)
    legacy = (cwd or Path.cwd()) / LEGACY_HISTORY
    if legacy.is_file():
        return HistoryChoice(
            LEGACY_HISTORY,
            f"using the history an earlier version kept at {LEGACY_HISTORY} in this folder; "
            f"move it to {default_history()} (the default now) or name it with --history, "
            f"{HISTORY_ENV} or the config's history.",
        )
    return HistoryChoice(default_history())


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
    #: Said once when the history was found rather than named (an earlier version's file).
    history_note: str | None = None
    fail_on: Severity | None = None
    fail_over_waste: float | None = None
    #: contract.csv outside the snapshot folder (the folder's own is read when present).
    contract: Path | None = None
    #: Unassigned seats kept on purpose, per license type (over the contract's ``spares``).
    keep_spares: tuple[tuple[str, int], ...] = ()
    #: Exit 1 when a notice deadline with money on it is this many days away or fewer.
    fail_before_notice: int | None = None


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
    contract: Path | None = None,
    fail_before_notice: int | None = None,
    env: Mapping[str, str] | None = None,
) -> AuditOptions:
    """Merge the flags a user typed (None: not typed) over ``config`` over the defaults;
    the history also reads ``env`` (default: the process's environment)."""
    c = config or Config()
    if no_history and history is not None:
        raise UsageError("--history and --no-history cannot be used together.")
    chosen_history = choose_history(history, c.history, no_history=no_history, env=env)
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
        history=chosen_history.path,
        history_note=chosen_history.note,
        fail_on=_pick(fail_on, c.fail_on, None),
        fail_over_waste=_pick(fail_over_waste, c.fail_over_waste, None),
        contract=_pick(contract, c.contract, None),
        keep_spares=c.keep_spares,
        fail_before_notice=_pick(fail_before_notice, c.fail_before_notice, None),
    )
