"""The ``auditor`` command: parse options, call one library function, map errors to exits.

Commands: ``audit`` (a snapshot folder, or the API with ``--base-url``), ``collect`` (the API
into a snapshot folder) and ``demo``.

Exit codes: 0 done; 1 done and a gate the user set was crossed; 2 bad usage or bad input;
3 the 8x8 API could not be read. Errors are one sentence on stderr, never a traceback.
The written paths go to stdout, a one-line summary to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor import __version__
from auditor.errors import AuditorError, InputError, UsageError
from auditor.model import Report, Severity
from auditor.pipeline import AuditResult, CollectResult, audit_api, audit_folder, collect_folder
from auditor.progress import ProgressLine
from auditor.render import RENDERERS
from auditor.rules._base import money_text
from auditor.sources.admin_api import DEFAULT_BASE_URL, MAX_PAGE_SIZE, AdminApiSource
from auditor.sources.apikey import resolve_api_key

F = TypeVar("F", bound=Callable[..., Any])

#: Where ``auditor demo`` finds the bundled demo tenant: the source tree's fixtures/.
DEMO_TENANT = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in RENDERERS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a format; choose from "
            f"{', '.join(RENDERERS)} (comma-separated)."
        )
    return names


def report_options(command: F) -> F:
    """Options shared by every command that writes reports."""
    decorators = [
        click.option(
            "--format",
            "formats",
            default=",".join(RENDERERS),
            show_default=True,
            callback=_formats,
            help=f"Comma-separated report formats: {', '.join(RENDERERS)}.",
        ),
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="The audit date (YYYY-MM-DD); default: the snapshot's collected_at, else today.",
        ),
        click.option(
            "--stale-after-days",
            type=click.IntRange(min=0),
            default=30,
            show_default=True,
            help="Days after deactivation before a user's seat counts as waste.",
        ),
        click.option("--tenant", help="Tenant name for the reports; default: the manifest's."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _base_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
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
            type=click.IntRange(1, MAX_PAGE_SIZE),
            help=f"Records per page (1-{MAX_PAGE_SIZE}); default {MAX_PAGE_SIZE}, "
            "falling back to 100 if the server refuses it.",
        ),
        click.option(
            "--api-key-file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="A file holding the API key; default: the EIGHTX8_API_KEY variable.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _source(
    base_url: str, api_key_file: Path | None, page_size: int | None, progress: ProgressLine
) -> AdminApiSource:
    key = resolve_api_key(os.environ, api_key_file)
    return AdminApiSource(base_url, key, page_size=page_size, progress=progress)


def _collect_line(result: CollectResult) -> str:
    s = result.collected.stats
    return (
        f"collected {s.users:,} users and {s.sites:,} sites in {s.requests:,} requests "
        f"({s.retries} retries; waited {s.rate_limit_wait_seconds:.1f} s for the rate limit)"
    )


def _summary_line(report: Report) -> str:
    s = report.summary
    counts = ", ".join(
        f"{s.findings_by_severity[v.value]} {v.value}"
        for v in Severity
        if s.findings_by_severity.get(v.value)
    )
    total = sum(s.findings_by_severity.values())
    cents = round(s.monthly_waste * 100)
    line = (
        f"{report.tenant}: {total} findings"
        + (f" ({counts})" if counts else "")
        + f"; monthly waste {money_text(cents, report.currency)}"
        + f" (annual {money_text(cents * 12, report.currency)})"
    )
    if report.skipped:
        line += f"; skipped: {', '.join(k.rule for k in report.skipped)}"
    if s.unpriced_seats:
        line += f"; {s.unpriced_seats} seats have no price"
    return line


def _finish(result: AuditResult) -> None:
    for warning in result.report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for skipped in result.report.skipped:
        click.echo(f"skipped {skipped.rule}: {skipped.reason}", err=True)
    click.echo(_summary_line(result.report), err=True)
    for path in result.written:
        click.echo(str(path))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def cli() -> None:
    """Audit an 8x8 X Series tenant's licenses: find the seats you pay for and nobody uses."""


@cli.command()
@click.option(
    "--base-url",
    default=DEFAULT_BASE_URL,
    show_default=True,
    callback=_base_url,
    help="The Administration API's base URL.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Snapshot folder to write (users.csv, sites.csv, manifest.json); other files in it "
    "are kept.",
)
@api_options
def collect(base_url: str, out_dir: Path, page_size: int | None, api_key_file: Path | None) -> None:
    """Collect users and sites from the 8x8 Administration API into a snapshot folder."""
    progress = ProgressLine(sys.stderr)
    try:
        source = _source(base_url, api_key_file, page_size, progress)
        result = collect_folder(source, out_dir, base_url=base_url, now=_now())
    finally:
        progress.close()
    click.echo(_collect_line(result), err=True)
    for path in result.written:
        click.echo(str(path))


@cli.command()
@click.option(
    "--input",
    "input_dir",
    type=click.Path(path_type=Path),
    help="Snapshot folder: users.csv, sites.csv, licenses.csv, prices.csv, manifest.json.",
)
@click.option(
    "--base-url",
    callback=_base_url,
    help="Collect from this 8x8 Administration API instead of reading --input "
    "(needs --licenses and --prices).",
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Report folder."
)
@click.option(
    "--licenses",
    type=click.Path(path_type=Path),
    help="License inventory CSV kept outside the snapshot folder.",
)
@click.option(
    "--prices", type=click.Path(path_type=Path), help="Price book CSV kept outside the folder."
)
@report_options
@api_options
def audit(
    input_dir: Path | None,
    base_url: str | None,
    out_dir: Path,
    licenses: Path | None,
    prices: Path | None,
    formats: tuple[str, ...],
    as_of: dt.datetime | None,
    stale_after_days: int,
    tenant: str | None,
    page_size: int | None,
    api_key_file: Path | None,
) -> None:
    """Audit a snapshot folder (--input) or the API (--base-url); write the reports into OUT."""
    common: dict[str, Any] = {
        "formats": formats,
        "now": _now(),
        "as_of": as_of.date() if as_of else None,
        "tenant": tenant,
        "stale_after_days": stale_after_days,
    }
    if input_dir is not None and base_url is not None:
        raise UsageError("--input and --base-url cannot be used together; choose one.")
    if base_url is None:
        if input_dir is None:
            raise UsageError("give --input SNAPSHOT_DIR, or --base-url URL to read the 8x8 API.")
        for flag, value in (("--page-size", page_size), ("--api-key-file", api_key_file)):
            if value is not None:
                raise UsageError(f"{flag} only applies with --base-url.")
        result = audit_folder(input_dir, out_dir, licenses=licenses, prices=prices, **common)
        _finish(result)
        return
    if licenses is None or prices is None:
        flag = "--licenses" if licenses is None else "--prices"
        raise UsageError(
            f"--base-url needs {flag} FILE: no 8x8 API returns the license inventory or prices."
        )
    progress = ProgressLine(sys.stderr)
    try:
        source = _source(base_url, api_key_file, page_size, progress)
        collected, result = audit_api(
            source, out_dir, base_url=base_url, licenses=licenses, prices=prices, **common
        )
    finally:
        progress.close()
    click.echo(_collect_line(collected), err=True)
    _finish(result)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("reports/demo"),
    show_default=True,
    help="Report folder.",
)
@report_options
def demo(
    out_dir: Path,
    formats: tuple[str, ...],
    as_of: dt.datetime | None,
    stale_after_days: int,
    tenant: str | None,
) -> None:
    """Run the whole audit on the bundled demo tenant (fixtures/demo)."""
    if not DEMO_TENANT.is_dir():
        raise InputError(
            f"{DEMO_TENANT}: the demo tenant ships with the source checkout; run the demo from "
            "a clone of the repository (make demo)."
        )
    result = audit_folder(
        DEMO_TENANT,
        out_dir,
        formats=formats,
        now=_now(),
        as_of=as_of.date() if as_of else None,
        tenant=tenant,
        stale_after_days=stale_after_days,
    )
    _finish(result)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and turn every outcome into an exit code."""
    try:
        cli.main(args=argv, prog_name="auditor", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("auditor: interrupted; no report was changed.", err=True)
        return 130
    except AuditorError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("auditor: interrupted; no report was changed.", err=True)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
