"""The command line's shared options, as decorators: each is declared once for every command.

Flags default to None so that "not typed" can be told from a value, and the config file
can fill what was not typed (see :mod:`auditor.options`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from auditor.cli.params import Amount, FilePath, IsoDate, WholeNumber
from auditor.model import Severity
from auditor.render import DEFAULT_FORMATS, RENDERERS
from auditor.settings.options import DEFAULT_HISTORY_TEXT, HISTORY_ENV
from auditor.sources.admin_api import DEFAULT_BASE_URL, MAX_PAGE_SIZE

F = TypeVar("F", bound=Callable[..., Any])


def formats_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip().lower() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in RENDERERS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a format; choose from "
            f"{', '.join(RENDERERS)} (comma-separated)."
        )
    return names


def report_options(command: F) -> F:
    """Options shared by every command that writes reports (flags override --config)."""
    decorators = [
        click.option(
            "--config",
            "config_path",
            type=FilePath(),
            help="Settings file (TOML); see README for its keys. Flags override it.",
        ),
        click.option(
            "--format",
            "formats",
            callback=formats_option,
            help=f"Comma-separated report formats: {', '.join(RENDERERS)} "
            f"(default: {','.join(DEFAULT_FORMATS)}).",
        ),
        click.option(
            "--as-of",
            type=IsoDate(),
            help="The audit date (YYYY-MM-DD); default: the snapshot's collected_at, else today.",
        ),
        click.option(
            "--stale-after-days",
            type=WholeNumber(0),
            help="Days after deactivation before a user's seat counts as waste (default 30).",
        ),
        click.option("--tenant", help="Tenant name for the reports; default: the manifest's."),
        click.option(
            "--history",
            type=FilePath(),
            help=f"SQLite history of audits (default: {HISTORY_ENV} if set, else the config's, "
            f"else {DEFAULT_HISTORY_TEXT}).",
        ),
        click.option("--no-history", is_flag=True, help="Keep no history for this run."),
        click.option(
            "--fail-on",
            type=click.Choice([s.value for s in Severity], case_sensitive=False),
            help="Exit 1 when an open finding has this severity or a higher one.",
        ),
        click.option(
            "--fail-over-waste",
            type=Amount(),
            help="Exit 1 when the monthly waste is over this amount.",
        ),
        click.option(
            "--fail-before-notice",
            type=WholeNumber(0),
            metavar="DAYS",
            help="Exit 1 when a contract's notice deadline with money on it is at most DAYS "
            "days after the audit date.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def base_url_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    url = value.strip().rstrip("/")
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/"):
        raise click.BadParameter(f"{value!r} is not an http(s) URL, e.g. {DEFAULT_BASE_URL}.")
    return url


def api_options(command: F) -> F:
    """Options shared by every command that reads the 8x8 Administration API."""
    decorators = [
        click.option(
            "--page-size",
            type=WholeNumber(1, MAX_PAGE_SIZE),
            help=f"Records per page (1-{MAX_PAGE_SIZE}); default {MAX_PAGE_SIZE}, "
            "falling back to 100 if the server refuses it.",
        ),
        click.option(
            "--api-key-file",
            type=FilePath(),
            help="A file holding the API key; default: the EIGHTX8_API_KEY variable.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command
