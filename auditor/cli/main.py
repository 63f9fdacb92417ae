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
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click
import platformdirs

from auditor.cli.options import api_options, base_url_option, report_options
from auditor.cli.params import FilePath, usage_sentence
from auditor.cli.progress import ProgressLine
from auditor.data import copy_samples, demo_tenant
from auditor.engine.gates import crossed, notice_crossed
from auditor.errors import AuditorError, InputError, UsageError
from auditor.history.listing import run_history
from auditor.model import Report, Severity
from auditor.pipeline import AuditResult, CollectResult, audit_api, audit_folder, collect_folder
from auditor.settings.config import Config, load_config
from auditor.settings.options import (
    DEFAULT_HISTORY_TEXT,
    HISTORY_ENV,
    AuditOptions,
    choose_history,
    demo_history,
    resolve,
)
from auditor.sources.admin_api import DEFAULT_BASE_URL, AdminApiSource
from auditor.sources.apikey import resolve_api_key
from auditor.sources.audit_records import DEFAULT_DAYS
from auditor.sources.scim import TOKEN_VAR, scim_source
from auditor.text import money_text
from auditor.version import __version__


def demo_out() -> Path:
    """Where ``auditor demo`` writes when not told: the user's data folder, not the folder
    the command runs in (a demo run from anywhere leaves nothing there)."""
    return platformdirs.user_data_path("seat-auditor") / "demo"


def _options(config: Config | None, flags: dict[str, Any]) -> AuditOptions:
    """The audit's options from what was typed, over the config file."""
    as_of = flags.pop("as_of")
    fail_on = flags.pop("fail_on")
    return resolve(
        config,
        as_of=as_of,
        fail_on=Severity(fail_on.lower()) if fail_on else None,
        **flags,
    )


def _config(path: Path | None) -> Config | None:
    return load_config(path) if path is not None else None


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


def _say(text: str) -> None:
    """One line on stderr, with tenant text's control and bidi characters shown escaped.

    Names come from the tenant: a CR would overwrite the line on a terminal, a right-to-left
    override reorder it, a NUL or escape sequence reach the terminal as such.
    """
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    click.echo(shown, err=True)


def _summary_line(report: Report) -> str:
    s = report.summary
    counts = ", ".join(
        f"{s.findings_by_severity[v.value]} {v.value}"
        for v in Severity
        if s.findings_by_severity.get(v.value)
    )
    total = sum(s.findings_by_severity.values())
    cents = s.monthly_waste_cents
    line = (
        f"{report.tenant}: {total} findings"
        + (f" ({counts})" if counts else "")
        + f"; monthly waste {money_text(cents, report.currency)}"
        + f" (annual {money_text(cents * 12, report.currency)})"
    )
    if s.monthly_overbilled_cents:
        billed = money_text(s.monthly_overbilled_cents, report.currency)
        line += f"; overbilled {billed} a month (a credit to claim)"
    if report.skipped:
        line += f"; skipped: {', '.join(k.rule for k in report.skipped)}"
    if s.unpriced_seats:
        line += f"; {s.unpriced_seats} seats have no price"
    return line


def _finish(result: AuditResult, options: AuditOptions, *, quiet: bool) -> None:
    report = result.report
    if not quiet:
        if options.history_note:
            _say(f"note: {options.history_note}")
        for warning in report.warnings:
            _say(f"warning: {warning}")
        for skipped in report.skipped:
            _say(f"skipped {skipped.rule}: {skipped.reason}")
        kept = f"history {options.history}" if options.history else "no history kept"
        _say(f"{_summary_line(report)}; {kept}")
        for path in result.written:
            click.echo(str(path))
        for path in result.removed:
            _say(f"removed {path}: an earlier run's report, not written this time")
    reasons = crossed(report, options.fail_on, options.fail_over_waste)
    reasons += notice_crossed(report, options.fail_before_notice)
    for reason in reasons:
        _say(f"auditor: gate crossed: {reason}")
    if reasons:
        raise click.exceptions.Exit(1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def cli() -> None:
    """Audit an 8x8 X Series tenant's licenses: find the seats you pay for and nobody uses."""


@cli.command()
@click.option(
    "--base-url",
    callback=base_url_option,
    help=f"The Administration API's base URL (default: the config's, else {DEFAULT_BASE_URL}).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Snapshot folder to write (users.csv, sites.csv, manifest.json); other files in it "
    "are kept.",
)
@click.option(
    "--config",
    "config_path",
    type=FilePath(),
    help="Settings file (TOML): base_url, api_key_file, page_size, audit_records, "
    "audit_records_days.",
)
@click.option(
    "--audit-records",
    is_flag=True,
    default=None,
    help="Also read each deactivated user's deactivation time from 8x8's Audit Records API "
    f"(the last {DEFAULT_DAYS} days, or the config's audit_records_days).",
)
@click.option(
    "--scim-url",
    callback=base_url_option,
    help="Collect users from 8x8's SCIM API at this URL (Admin Console's \"8x8 URL\") instead "
    f"of the Administration API; the token comes from {TOKEN_VAR} or --scim-token-file. "
    "Writes users.csv only (SCIM has no sites or licenses).",
)
@click.option(
    "--scim-token-file",
    type=FilePath(),
    help=f"A file holding the SCIM token; default: the {TOKEN_VAR} variable.",
)
@api_options
def collect(
    base_url: str | None,
    out_dir: Path,
    audit_records: bool | None,
    scim_url: str | None,
    scim_token_file: Path | None,
    page_size: int | None,
    api_key_file: Path | None,
    config_path: Path | None,
) -> None:
    """Collect users and sites from the 8x8 Administration API (or users from SCIM) into a
    snapshot folder."""
    if scim_url is not None or scim_token_file is not None:
        _collect_scim(
            scim_url,
            scim_token_file,
            out_dir,
            {"--base-url": base_url, "--audit-records": audit_records, "--page-size": page_size},
        )
        return
    c = _config(config_path) or Config()
    base_url = base_url or c.base_url or DEFAULT_BASE_URL
    wanted = audit_records if audit_records is not None else bool(c.audit_records)
    progress = ProgressLine(sys.stderr)
    try:
        source = _source(
            base_url, api_key_file or c.api_key_file, page_size or c.page_size, progress
        )
        if wanted:
            source.audit_days = c.audit_records_days or DEFAULT_DAYS
        result = collect_folder(source, out_dir, base_url=base_url, now=_now())
    finally:
        progress.close()
    for warning in result.collected.warnings:
        _say(f"warning: {warning}")
    click.echo(_collect_line(result), err=True)
    for path in result.written:
        click.echo(str(path))


def _collect_scim(
    url: str | None, token_file: Path | None, out_dir: Path, others: dict[str, object]
) -> None:
    """``auditor collect --scim-url``: users from SCIM into the snapshot folder."""
    if url is None:
        raise UsageError("--scim-token-file needs --scim-url URL.")
    for flag, value in others.items():
        if value:
            raise UsageError(f"{flag} reads the Administration API; it cannot go with --scim-url.")
    progress = ProgressLine(sys.stderr)
    try:
        source = scim_source(url, token_file, progress=progress)
        result = collect_folder(source, out_dir, base_url=url, now=_now())
    finally:
        progress.close()
    for warning in result.collected.warnings:
        _say(f"warning: {warning}")
    s = result.collected.stats
    click.echo(
        f"collected {s.users:,} users from SCIM in {s.requests:,} requests; SCIM has no sites "
        "or licenses: put sites.csv, licenses.csv (per license, with assigned_to) and "
        "prices.csv in the folder",
        err=True,
    )
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
    callback=base_url_option,
    help="Collect from this 8x8 Administration API instead of reading --input "
    "(needs --licenses and --prices).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Report folder (required here or in the config).",
)
@click.option(
    "--licenses",
    type=click.Path(path_type=Path),
    help="License inventory CSV kept outside the snapshot folder.",
)
@click.option(
    "--prices", type=click.Path(path_type=Path), help="Price book CSV kept outside the folder."
)
@click.option(
    "--contract",
    type=click.Path(path_type=Path),
    help="Contract terms CSV (renewal, notice, buy-out, spares) kept outside the folder.",
)
@click.option(
    "--statement",
    type=click.Path(path_type=Path),
    help="8x8's monthly statement CSV to reconcile with the licenses (default: the snapshot "
    "folder's statement.csv, if any).",
)
@report_options
@api_options
def audit(
    input_dir: Path | None,
    base_url: str | None,
    out_dir: Path | None,
    page_size: int | None,
    api_key_file: Path | None,
    config_path: Path | None,
    quiet: bool,
    **flags: Any,
) -> None:
    """Audit a snapshot folder (--input) or the API (--base-url); write the reports into OUT."""
    config = _config(config_path)
    options = _options(config, flags)
    c = config or Config()
    out_dir = out_dir or c.out
    if out_dir is None:
        raise UsageError("give --out DIR (or out in the config file) for the reports.")
    if input_dir is not None and base_url is not None:
        raise UsageError("--input and --base-url cannot be used together; choose one.")
    if input_dir is None and base_url is None:
        input_dir, base_url = c.input, None if c.input else c.base_url
    if base_url is None:
        if input_dir is None:
            raise UsageError("give --input SNAPSHOT_DIR, or --base-url URL to read the 8x8 API.")
        for flag, value in (("--page-size", page_size), ("--api-key-file", api_key_file)):
            if value is not None:
                raise UsageError(f"{flag} only applies with --base-url.")
        _finish(audit_folder(input_dir, out_dir, now=_now(), options=options), options, quiet=quiet)
        return
    if options.licenses is None or options.prices is None:
        flag = "--licenses" if options.licenses is None else "--prices"
        raise UsageError(
            f"--base-url needs {flag} FILE: no 8x8 API returns the license inventory or prices."
        )
    progress = ProgressLine(sys.stderr)
    try:
        source = _source(
            base_url, api_key_file or c.api_key_file, page_size or c.page_size, progress
        )
        collected, result = audit_api(
            source, out_dir, base_url=base_url, now=_now(), options=options
        )
    finally:
        progress.close()
    if not quiet:
        click.echo(_collect_line(collected), err=True)
    _finish(result, options, quiet=quiet)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Report folder (default: the user's data folder, ~/.local/share/seat-auditor/demo on "
    "Linux).",
)
@click.option(
    "--copy-to",
    type=click.Path(path_type=Path, file_okay=False),
    help="Copy the demo tenant, an example settings file and the JSON schema into this folder "
    "(to try audit on them), then stop.",
)
@report_options
def demo(
    out_dir: Path | None, copy_to: Path | None, config_path: Path | None, quiet: bool, **flags: Any
) -> None:
    """Run the whole audit on the bundled demo tenant (Bayline Freight Logistics, 360 users).

    Its history is its own (demo-history.sqlite in the user's state folder) unless --history
    names one, so the demo never mixes with a real tenant's trend.
    """
    if copy_to is not None:
        try:
            written = copy_samples(copy_to)
        except FileExistsError as exc:
            raise UsageError(
                f"{exc.args[0]} already exists; --copy-to needs a folder without "
                "demo, auditor.example.toml and audit.schema.json."
            ) from exc
        except OSError as exc:
            raise InputError(f"{copy_to}: cannot copy the demo files ({exc.strerror}).") from exc
        for path in written:
            click.echo(str(path))
        return
    config = _config(config_path)
    if flags["history"] is None and not flags["no_history"] and not (config and config.history):
        flags["history"] = demo_history()
    options = _options(config, flags)
    _finish(
        audit_folder(demo_tenant(), out_dir or demo_out(), now=_now(), options=options),
        options,
        quiet=quiet,
    )


@cli.command()
@click.option(
    "--history",
    "path",
    type=FilePath(),
    help=f"SQLite history to read (default: {HISTORY_ENV} if set, else the config's, else "
    f"{DEFAULT_HISTORY_TEXT}).",
)
@click.option("--tenant", help="Only this tenant's runs.")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts instead of a table.")
@click.option(
    "--config",
    "config_path",
    type=FilePath(),
    help="Settings file (TOML) naming the history.",
)
def history(path: Path | None, tenant: str | None, as_json: bool, config_path: Path | None) -> None:
    """List the recorded audits with their waste and finding counts."""
    config = _config(config_path) or Config()
    chosen = choose_history(path, config.history)
    assert chosen.path is not None  # only --no-history gives none
    click.echo(run_history(chosen.path, tenant, as_json=as_json))


class _Terminated(KeyboardInterrupt):
    """SIGTERM (systemd stopping the unit, a CI timeout) unwinds like Ctrl-C does."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and turn every outcome into an exit code.

    Ctrl-C and SIGTERM unwind the stack, so staged reports are removed and the history's
    transaction rolls back: an interrupted run changes nothing.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = cli.main(args=argv, prog_name="auditor", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as exc:
        _say(f"auditor: error: {usage_sentence(exc)}")
        return 2
    except click.Abort as stop:  # click turns KeyboardInterrupt into Abort
        click.echo("auditor: interrupted; no report was changed.", err=True)
        return 143 if isinstance(stop.__cause__, _Terminated) else 130
    except AuditorError as exc:
        _say(f"auditor: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt as stop:
        click.echo("auditor: interrupted; no report was changed.", err=True)
        return 143 if isinstance(stop, _Terminated) else 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
