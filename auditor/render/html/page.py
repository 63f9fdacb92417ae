"""audit.html: one self-contained page that leads with the money, for finance, IT and a phone.

The page is rendered by jinja2 with autoescape on and StrictUndefined, from the plain view
rows of :mod:`auditor.render.htmlview`, :mod:`~auditor.render.planview` and
:mod:`~auditor.render.historyview` and the inline SVG charts of :mod:`auditor.render.charts`
(the only markup the template does not escape: lxml builds it from escaped text), so tenant
text is always escaped (never by hand, never through f-strings) and a misspelt field fails the
render instead of printing nothing. It opens with how the money adds up (the report's bridge:
sums over the seat ledger, whose rows it never lists). It stays small at any tenant size: at
most :data:`MAX_HTML_FINDINGS` finding rows, 100 sites, 200 pairs, and 200 each of the new,
resolved and suppressed findings are inlined, charts are capped at 25 bars (the trend at 36
audits), and the page says how many more audit.xlsx and findings.csv hold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Final

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from auditor.model import ALL_FINDING_COLUMNS, Report, Severity
from auditor.render.html.actions import top_actions
from auditor.render.html.bill import bill_view
from auditor.render.html.charts import MAX_SHOWN_WIDTH, report_charts
from auditor.render.html.contract import contract_view
from auditor.render.html.history import history_view, suppressed_rows
from auditor.render.html.plan import (
    MAX_HTML_PAIRS,
    bridge_view,
    pair_rows,
    plan_rows,
    site_rows,
)
from auditor.render.html.view import distinct, finding_row, pool_rows, records, rule_groups
from auditor.render.html.who import who_labels
from auditor.text import amount, money_text

#: Finding rows inlined in the page; the rest are only in audit.xlsx and findings.csv.
MAX_HTML_FINDINGS: Final = 2000

_environment: Environment | None = None


def write_html(report: Report, path: Path) -> None:
    """Write audit.html; the registry stages it so a failed run leaves the old page intact."""
    path.write_text(render_html(report), encoding="utf-8")


def render_html(report: Report) -> str:
    """The page as a string; split from :func:`write_html` so tests need no files."""
    findings = report.findings
    head = findings.head(MAX_HTML_FINDINGS)
    waste_rules = frozenset(m.id for m in report.rules if m.counts_as_waste)
    users = report.users if len(report.users.columns) else None
    titles = {m.id: m.title for m in report.rules}
    shown = [
        dataclasses.replace(
            finding_row(r, waste_rules),
            who=who.name,
            who_sub=who.sub,
            rule_title=titles.get(str(r["rule"]), str(r["rule"])),
        )
        for r, who in zip(records(head, ALL_FINDING_COLUMNS), who_labels(head, users), strict=True)
    ]
    pools = pool_rows(report.pools)
    sites, more_sites = site_rows(report.sites)
    suppressed, more_suppressed = suppressed_rows(report.suppressions)
    skipped = {s.rule: s.reason for s in report.skipped}
    template = _env().get_template("report.html")
    return template.render(
        report=report,
        summary=report.summary,
        bridge=bridge_view(report.bridge),
        contract=contract_view(report),
        actions=top_actions(findings),
        rows=shown,
        total_findings=len(findings),
        omitted=max(0, len(findings) - len(shown)),
        max_findings=MAX_HTML_FINDINGS,
        groups=rule_groups(report, skipped),
        rule_titles=titles,
        pools=pools,
        charts=report_charts(report),
        chart_max_width=MAX_SHOWN_WIDTH,
        sites=sites,
        more_sites=more_sites,
        plan=plan_rows(report.cancellation),
        plan_totals=report.plan(),
        pairs=pair_rows(report.pairings, users),
        more_pairs=max(0, len(report.pairings) - MAX_HTML_PAIRS),
        severities=[s.value for s in Severity],
        history=history_view(report),
        bill=bill_view(report),
        suppressed=suppressed,
        more_suppressed=more_suppressed,
        options={
            # (value, label): a rule is chosen by its name, filtered by its id
            "rule": sorted({(r.rule, r.rule_title) for r in shown}, key=lambda p: p[1].casefold()),
            "site": [(v, v) for v in distinct(r.site for r in shown)],
            "license-type": [(v, v) for v in distinct(r.license_type for r in shown)],
        },
    )


def _env() -> Environment:
    """The jinja2 environment, built on first use so importing this module does no I/O."""
    global _environment
    if _environment is None:
        env = Environment(
            loader=PackageLoader("auditor.templates", "."),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["money"] = _money
        env.filters["cents"] = _cents
        env.filters["count"] = _count
        env.filters["stamp"] = _stamp
        env.filters["breakable"] = _breakable
        _environment = env
    return _environment


def _money(value: float | None, currency: str, known: bool = True) -> str:
    """``USD 1,234.50``; a price the report does not know is "unknown", never 0."""
    if value is None or not math.isfinite(value):
        return "unknown"
    text = money_text(round(value * 100), currency)
    if not known:
        return "unknown" if value == 0 else f"{text} + unknown"
    return text


def _cents(value: int | None, currency: str, known: bool = True) -> str:
    """:func:`_money` for a figure the Report holds in cents (``summary.*_cents``)."""
    return _money(amount(value), currency, known)


def _breakable(value: object) -> Markup:
    """Text escaped, then a line-break chance after each ``@``: an email in a sentence may
    wrap there instead of widening its column or breaking letter by letter. The ``<wbr>`` is
    added to already-escaped text, so tenant text can never become markup."""
    return Markup(str(escape(value)).replace("@", "@<wbr>"))


def _count(value: int | None) -> str:
    """Counts with thousands separators; a missing count is a dash, not 0."""
    return "—" if value is None else f"{value:,}"


#: English month names, fixed here so the page reads the same whatever the machine's locale.
_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")  # fmt: skip


def _stamp(value: dt.date) -> str:
    """Dates as a person writes them, the same everywhere in the page: ``2 December 2026``,
    and a timestamp to the minute in UTC: ``2 December 2026, 02:55 UTC``."""
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo is not None else value
        return f"{_stamp(utc.date())}, {utc:%H:%M} UTC"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
