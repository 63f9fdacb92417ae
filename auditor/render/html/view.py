"""What audit.html shows, as plain rows: the template reads these and nothing else.

Each row is a frozen dataclass of text and numbers (None where the report has no value), built
from the report's tables without computing anything new, so the template needs no pandas and
a misspelt field fails the render (StrictUndefined) instead of printing nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, TypeVar, get_type_hints

import pandas as pd

from auditor.model import Report
from auditor.render.cells import is_missing, shown
from auditor.text import amount


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
    #: The price of what the finding is about, for context: findings can overlap, so these
    #: do not add up to anything.
    monthly_cost: float | None
    cost_known: bool
    #: The finding's share of the waste: each waste seat is in one share only, so the open
    #: findings' shares add up to the headline. ``waste_known`` is False when a seat of the
    #: share has no price (the share is then a lower bound).
    monthly_waste: float | None
    waste_known: bool
    recommendation: str
    site: str | None
    license_type: str | None
    #: Accepted by a suppression: shown greyed with its reason, owner and expiry.
    suppressed: bool = False
    suppression_reason: str | None = None
    suppression_owner: str | None = None
    suppression_expires: dt.date | None = None
    #: From the history; None when the audit keeps none.
    first_seen: dt.date | None = None
    days_open: int | None = None
    #: Who or what the finding is about, as a person reads it (see :mod:`~auditor.render.whoview`),
    #: and the rule's name in words (its id stays in the row's data-rule).
    who: str = ""
    who_sub: str | None = None
    rule_title: str = ""


@dataclass(frozen=True)
class RuleGroup:
    """A rule's heading: what it checks, why, and what it found (or why it did not run)."""

    id: str
    title: str
    rationale: str
    remediation: str
    severity: str
    count: int
    #: The open findings' share of the waste (what the rule adds to the headline), and the
    #: cost of what they are about (context only: overlapping, never summed across rules).
    monthly_waste: float
    monthly_cost: float
    cost_known: bool
    skipped_reason: str | None
    #: Of ``count``, the findings a suppression accepts (not in the money figures).
    suppressed: int = 0
    #: Whether the rule's findings are waste at all: a Contact or a tax mismatch is not.
    counts_as_waste: bool = False


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


def records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, object]]:
    """Rows as dicts over exactly ``columns`` (absent ones are None), NaN turned into None."""
    present = shown(frame, columns)
    rows: list[dict[Hashable, object]] = present.to_dict("records")
    return [{str(k): (None if is_missing(v) else v) for k, v in row.items()} for row in rows]


def as_text(value: object) -> str | None:
    """Tenant or engine value as display text; str() also unwraps StrEnum members."""
    return None if value is None else str(value)


def as_number(value: object) -> float | None:
    """A float for money cells, or None when the report has no number there."""
    return float(value) if isinstance(value, int | float) else None


def as_integer(value: object) -> int | None:
    """An int for count cells, or None when the report has no number there."""
    return int(value) if isinstance(value, int | float) else None


def as_date(value: object) -> dt.date | None:
    """A date cell's value (a timestamp's calendar date), or None when there is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


#: How a row field's annotation turns a table value into what the template reads.
_CONVERTERS: Final[tuple[tuple[object, Callable[[object], object]], ...]] = (
    (str, lambda v: as_text(v) or ""),
    (str | None, as_text),
    (int | None, as_integer),
    (float | None, as_number),
    (dt.date | None, as_date),
    (bool, bool),
    (object, lambda v: v),
)

Row = TypeVar("Row")


def typed_rows(kind: type[Row], frame: pd.DataFrame) -> list[Row]:
    """``frame``'s rows as ``kind`` dataclasses, each field read from the column of its name
    and converted by its annotation (``str``: text, ``""`` where missing; ``int | None``: a
    count or None; ...), so a row class is the one place its columns are typed."""
    hints = get_type_hints(kind)
    names = tuple(f.name for f in fields(kind))  # type: ignore[arg-type]
    convert = {name: _converter(hints[name]) for name in names}
    build: Callable[..., Row] = kind
    return [build(**{n: convert[n](r[n]) for n in names}) for r in records(frame, names)]


def _converter(hint: Any) -> Callable[[object], object]:
    for annotation, convert in _CONVERTERS:
        if hint == annotation:
            return convert
    raise TypeError(f"no row conversion for {hint!r}")


def finding_row(row: Mapping[str, object], waste_rules: frozenset[str] = frozenset()) -> FindingRow:
    """One finding record as the template's row; cost_known defaults to True when absent.

    ``waste_rules``: the rules whose findings are waste. Only their share can hide an unknown
    price; another rule's share is 0 by definition, never "unknown".
    """
    cost_known = row["cost_known"] is None or bool(row["cost_known"])
    rule = as_text(row["rule"]) or ""
    return FindingRow(
        id=as_text(row["id"]) or "",
        rule=rule,
        severity=as_text(row["severity"]) or "",
        entity_type=as_text(row["entity_type"]) or "",
        entity_id=as_text(row["entity_id"]) or "",
        title=as_text(row["title"]) or "",
        detail=as_text(row["detail"]) or "",
        monthly_cost=as_number(row["monthly_cost"]),
        cost_known=cost_known,
        monthly_waste=as_number(row.get("monthly_waste")),
        waste_known=cost_known or rule not in waste_rules,
        recommendation=as_text(row["recommendation"]) or "",
        site=as_text(row["site"]),
        license_type=as_text(row["license_type"]),
        suppressed=bool(row.get("suppressed")),
        suppression_reason=as_text(row.get("suppression_reason")),
        suppression_owner=as_text(row.get("suppression_owner")),
        suppression_expires=as_date(row.get("suppression_expires")),
        first_seen=as_date(row.get("first_seen")),
        days_open=as_integer(row.get("days_open")),
    )


def pool_rows(pools: pd.DataFrame) -> list[PoolRow]:
    """License pools, in the report's order."""
    return typed_rows(PoolRow, pools)


def rule_groups(report: Report, skipped: Mapping[str, str]) -> list[RuleGroup]:
    """One group per rule, in the report's rule order; rules that only have findings come last.

    The per-rule money is summed over all findings (not only the inlined ones), so the groups
    stay true when the table is capped. It is the findings' ``monthly_waste``, so the groups
    add up to the headline; suppressed findings are counted apart and left out of it, as they
    are out of every money total.
    """
    findings = report.findings
    muted: dict[str, int] = {}
    if "suppressed" in findings.columns:
        accepted = findings["suppressed"].eq(True)
        muted = {str(k): int(v) for k, v in findings.loc[accepted, "rule"].value_counts().items()}
        findings = findings[~accepted]
    waste = _sums(findings, "monthly_waste_cents")
    costs = _sums(findings, "monthly_cost_cents")
    unknown: set[str] = set()
    if len(findings) and {"rule", "cost_known"} <= set(findings.columns):
        unknown = set(findings.loc[findings["cost_known"].eq(False), "rule"].astype(str))
    counts = dict(report.summary.findings_by_rule)
    metas = {m.id: m for m in report.rules}
    ids = [*metas, *(r for r in dict.fromkeys([*counts, *skipped]) if r not in metas)]
    return [
        RuleGroup(
            id=rid,
            # a rule with no metadata is still shown, so nothing found goes unseen
            title=metas[rid].title if rid in metas else rid,
            rationale=metas[rid].rationale if rid in metas else "",
            remediation=metas[rid].remediation if rid in metas else "",
            severity=str(metas[rid].severity) if rid in metas else "",
            count=counts.get(rid, 0),
            monthly_waste=waste.get(rid, 0.0),
            monthly_cost=costs.get(rid, 0.0),
            cost_known=rid not in unknown,
            skipped_reason=skipped.get(rid),
            suppressed=muted.get(rid, 0),
            counts_as_waste=rid in metas and metas[rid].counts_as_waste,
        )
        for rid in ids
    ]


def _sums(findings: pd.DataFrame, column: str) -> dict[str, float]:
    """Per rule, the sum of a cents column as an amount; empty when it is absent."""
    if not len(findings) or not {"rule", column} <= set(findings.columns):
        return {}
    sums = findings.groupby(findings["rule"].astype(str))[column].sum()
    return {str(k): amount(int(v)) or 0.0 for k, v in sums.items()}


def distinct(values: Iterable[str | None]) -> list[str]:
    """Sorted distinct non-empty values, for a filter's options."""
    return sorted({v for v in values if v}, key=str.casefold)
