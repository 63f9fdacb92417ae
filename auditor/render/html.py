"""audit.html: one self-contained page that leads with the money, for finance, IT and a phone.

The page is rendered by jinja2 with autoescape on and StrictUndefined, from plain view rows
built here, so tenant text is always escaped by the template engine (never by hand, never
through f-strings) and a misspelt field fails the render instead of printing nothing. It stays
small at any tenant size: at most :data:`MAX_HTML_FINDINGS` finding rows are inlined, and the
page says how many more audit.xlsx and findings.csv hold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor.model import FINDING_COLUMNS, POOL_COLUMNS, Report, Severity
from auditor.render.cells import is_missing

#: Finding rows inlined in the page; the rest are only in audit.xlsx and findings.csv.
MAX_HTML_FINDINGS: Final = 2000

_environment: Environment | None = None


@dataclass(frozen=True)
class FindingRow:
    """One finding as the template shows it: text, or None where the report has no value."""

    id: str
    rule: str
    severity: str
    entity_type: str
    entity_id: str
    title: str
    detail: str
    monthly_cost: float | None
    cost_known: bool
    recommendation: str
    site: str | None
    license_type: str | None


@dataclass(frozen=True)
class RuleGroup:
    """A rule's heading: what it checks, why, and what it found (or why it did not run)."""

    id: str
    title: str
    rationale: str
    remediation: str
    severity: str
    count: int
    monthly_cost: float
    cost_known: bool
    skipped_reason: str | None


@dataclass(frozen=True)
class PoolRow:
    """One license pool; ``monthly_price`` is None when prices.csv does not know the type."""

    license_type: str
    kind: str
    total: int | None
    assigned: int | None
    unassigned: int | None
    suspended: int | None
    holders: int | None
    monthly_price: float | None
    monthly_cost: float | None
    monthly_waste: float | None
    waste_share: float


def write_html(report: Report, path: Path) -> None:
    """Write audit.html; the registry stages it so a failed run leaves the old page intact."""
    path.write_text(render_html(report), encoding="utf-8")


def render_html(report: Report) -> str:
    """The page as a string; split from :func:`write_html` so tests need no files."""
    findings = report.findings
    shown = [_finding_row(r) for r in _records(findings.head(MAX_HTML_FINDINGS), FINDING_COLUMNS)]
    pools = _pool_rows(report.pools)
    skipped = {s.rule: s.reason for s in report.skipped}
    template = _env().get_template("report.html")
    return template.render(
        report=report,
        summary=report.summary,
        rows=shown,
        total_findings=len(findings),
        omitted=max(0, len(findings) - len(shown)),
        max_findings=MAX_HTML_FINDINGS,
        groups=_rule_groups(report, skipped),
        rule_titles={m.id: m.title for m in report.rules},
        pools=pools,
        waste_pools=[p for p in pools if p.monthly_waste],
        severities=[s.value for s in Severity],
        options={
            "rule": _distinct(r.rule for r in shown),
            "site": _distinct(r.site for r in shown),
            "license-type": _distinct(r.license_type for r in shown),
        },
    )


def _env() -> Environment:
    """The jinja2 environment, built on first use so importing this module does no I/O."""
    global _environment
    if _environment is None:
        env = Environment(
            loader=PackageLoader("auditor", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["money"] = _money
        env.filters["count"] = _count
        env.filters["stamp"] = _stamp
        _environment = env
    return _environment


def _money(value: float | None, currency: str, known: bool = True) -> str:
    """``USD 1,234.50``; a price the report does not know is "unknown", never 0."""
    if value is None or not math.isfinite(value):
        return "unknown"
    if not known:
        return "unknown" if value == 0 else f"{currency} {value:,.2f} + unknown"
    return f"{currency} {value:,.2f}"


def _count(value: int | None) -> str:
    """Counts with thousands separators; a missing count is a dash, not 0."""
    return "—" if value is None else f"{value:,}"


def _stamp(value: dt.date) -> str:
    """ISO dates and second-precision timestamps, the same everywhere in the report."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value.isoformat()


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, object]]:
    """Rows as dicts over exactly ``columns`` (absent ones are None), NaN turned into None."""
    present = frame.reindex(columns=list(columns))
    rows: list[dict[Hashable, object]] = present.to_dict("records")
    return [{str(k): (None if is_missing(v) else v) for k, v in row.items()} for row in rows]


def _text(value: object) -> str | None:
    """Tenant or engine value as display text; str() also unwraps StrEnum members."""
    return None if value is None else str(value)


def _number(value: object) -> float | None:
    """A float for money cells, or None when the report has no number there."""
    return float(value) if isinstance(value, int | float) else None


def _integer(value: object) -> int | None:
    """An int for count cells, or None when the report has no number there."""
    return int(value) if isinstance(value, int | float) else None


def _finding_row(row: Mapping[str, object]) -> FindingRow:
    """One finding record as the template's row; cost_known defaults to True when absent."""
    return FindingRow(
        id=_text(row["id"]) or "",
        rule=_text(row["rule"]) or "",
        severity=_text(row["severity"]) or "",
        entity_type=_text(row["entity_type"]) or "",
        entity_id=_text(row["entity_id"]) or "",
        title=_text(row["title"]) or "",
        detail=_text(row["detail"]) or "",
        monthly_cost=_number(row["monthly_cost"]),
        cost_known=row["cost_known"] is None or bool(row["cost_known"]),
        recommendation=_text(row["recommendation"]) or "",
        site=_text(row["site"]),
        license_type=_text(row["license_type"]),
    )


def _pool_rows(pools: pd.DataFrame) -> list[PoolRow]:
    """License pools, each with its share of the largest waste so the bars need no script."""
    records = _records(pools, POOL_COLUMNS)
    wastes = [w for r in records if (w := _number(r["monthly_waste"])) is not None]
    top = max(wastes, default=0.0)
    return [
        PoolRow(
            license_type=_text(r["license_type"]) or "",
            kind=_text(r["kind"]) or "",
            total=_integer(r["total"]),
            assigned=_integer(r["assigned"]),
            unassigned=_integer(r["unassigned"]),
            suspended=_integer(r["suspended"]),
            holders=_integer(r["holders"]),
            monthly_price=_number(r["monthly_price"]),
            monthly_cost=_number(r["monthly_cost"]),
            monthly_waste=_number(r["monthly_waste"]),
            waste_share=round(100 * (_number(r["monthly_waste"]) or 0.0) / top, 1) if top else 0,
        )
        for r in records
    ]


def _rule_groups(report: Report, skipped: Mapping[str, str]) -> list[RuleGroup]:
    """One group per rule, in the report's rule order; rules that only have findings come last.

    The per-rule cost is summed over all findings (not only the inlined ones), so the groups
    stay true when the table is capped.
    """
    findings = report.findings
    costs: dict[str, float] = {}
    unknown: set[str] = set()
    if len(findings) and {"rule", "monthly_cost"} <= set(findings.columns):
        sums = findings.groupby(findings["rule"].astype(str))["monthly_cost"].sum()
        costs = {str(k): round(float(v), 2) for k, v in sums.items()}
        if "cost_known" in findings.columns:
            unknown = set(findings.loc[findings["cost_known"].eq(False), "rule"].astype(str))
    counts = dict(report.summary.findings_by_rule)
    metas = list(report.rules)
    known_ids = {m.id for m in metas}
    groups = [
        RuleGroup(
            id=m.id,
            title=m.title,
            rationale=m.rationale,
            remediation=m.remediation,
            severity=str(m.severity),
            count=counts.get(m.id, 0),
            monthly_cost=costs.get(m.id, 0.0),
            cost_known=m.id not in unknown,
            skipped_reason=skipped.get(m.id),
        )
        for m in metas
    ]
    for rid in dict.fromkeys([*counts, *skipped]):
        if rid not in known_ids:  # no metadata: still shown, so nothing found goes unseen
            groups.append(
                RuleGroup(
                    id=rid,
                    title=rid,
                    rationale="",
                    remediation="",
                    severity="",
                    count=counts.get(rid, 0),
                    monthly_cost=costs.get(rid, 0.0),
                    cost_known=rid not in unknown,
                    skipped_reason=skipped.get(rid),
                )
            )
    return groups


def _distinct(values: Iterable[str | None]) -> list[str]:
    """Sorted distinct non-empty values, for a filter's options."""
    return sorted({v for v in values if v}, key=str.casefold)
