"""What audit.html shows, as plain rows: the template reads these and nothing else.

Each row is a frozen dataclass of text and numbers (None where the report has no value), built
from the report's tables without computing anything new, so the template needs no pandas and
a misspelt field fails the render (StrictUndefined) instead of printing nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.chargeback import SITE_COLUMNS
from auditor.model import POOL_COLUMNS, Report
from auditor.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.render.cells import is_missing


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


def records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, object]]:
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


def finding_row(row: Mapping[str, object]) -> FindingRow:
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


def pool_rows(pools: pd.DataFrame) -> list[PoolRow]:
    """License pools, in the report's order."""
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
        )
        for r in records(pools, POOL_COLUMNS)
    ]


def rule_groups(report: Report, skipped: Mapping[str, str]) -> list[RuleGroup]:
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


def distinct(values: Iterable[str | None]) -> list[str]:
    """Sorted distinct non-empty values, for a filter's options."""
    return sorted({v for v in values if v}, key=str.casefold)


#: Site rows and pairs inlined in the page; the workbook's Sites and Reassign sheets have all.
MAX_HTML_SITES: Final = 100
MAX_HTML_PAIRS: Final = 200


@dataclass(frozen=True)
class SiteRow:
    """One site's chargeback line; the no-site row has no state or country."""

    site: str
    state: str | None
    users: int | None
    seats: int | None
    seats_unassigned: int | None
    stale_seats: int | None
    unpriced_seats: int | None
    monthly_cost: float | None
    monthly_waste: float | None
    annual_waste: float | None


@dataclass(frozen=True)
class PlanRow:
    """One license type of the cancellation plan."""

    license_type: str
    kind: str
    unassigned: int | None
    contacts_who_could_take_one: int | None
    reassign_same_state: int | None
    seats_to_cancel: int | None
    monthly_price: float | None
    monthly_saving: float | None
    annual_saving: float | None
    notice_effective: object
    held_by_stale_users: int | None


@dataclass(frozen=True)
class PairRow:
    """A Contact and the unassigned seat, already taxed in their state, to give them."""

    user_id: str
    user: str
    site: str
    state: str
    license_id: str
    license_type: str
    monthly_price: float | None


def site_rows(sites: pd.DataFrame) -> tuple[list[SiteRow], int]:
    """The costliest :data:`MAX_HTML_SITES` sites by waste then cost, and how many more exist."""
    table = sites.reindex(columns=list(SITE_COLUMNS))
    order = table.sort_values(
        ["monthly_waste", "monthly_cost"], ascending=False, kind="mergesort"
    ).head(MAX_HTML_SITES)
    rows = [
        SiteRow(
            site=_text(r["site"]) or "",
            state=", ".join(x for x in (_text(r["state"]), _text(r["country"])) if x) or None,
            users=_integer(r["users"]),
            seats=_integer(r["seats"]),
            seats_unassigned=_integer(r["seats_unassigned"]),
            stale_seats=_integer(r["stale_seats"]),
            unpriced_seats=_integer(r["unpriced_seats"]),
            monthly_cost=_number(r["monthly_cost"]),
            monthly_waste=_number(r["monthly_waste"]),
            annual_waste=_number(r["annual_waste"]),
        )
        for r in records(order, SITE_COLUMNS)
    ]
    return rows, max(0, len(table) - len(rows))


def plan_rows(cancellation: pd.DataFrame) -> list[PlanRow]:
    """The cancellation plan, one row per license type, as the report orders it."""
    return [
        PlanRow(
            license_type=_text(r["license_type"]) or "",
            kind=_text(r["kind"]) or "",
            unassigned=_integer(r["unassigned"]),
            contacts_who_could_take_one=_integer(r["contacts_who_could_take_one"]),
            reassign_same_state=_integer(r["reassign_same_state"]),
            seats_to_cancel=_integer(r["seats_to_cancel"]),
            monthly_price=_number(r["monthly_price"]),
            monthly_saving=_number(r["monthly_saving"]),
            annual_saving=_number(r["annual_saving"]),
            notice_effective=r["notice_effective"],
            held_by_stale_users=_integer(r["held_by_stale_users"]),
        )
        for r in records(cancellation, CANCELLATION_COLUMNS)
    ]


def pair_rows(pairings: pd.DataFrame) -> list[PairRow]:
    """The first :data:`MAX_HTML_PAIRS` pairs, in the report's (user id) order."""
    return [
        PairRow(
            user_id=_text(r["user_id"]) or "",
            user=_text(r["user"]) or "",
            site=_text(r["site"]) or "",
            state=", ".join(x for x in (_text(r["state"]), _text(r["country"])) if x),
            license_id=_text(r["license_id"]) or "",
            license_type=_text(r["license_type"]) or "",
            monthly_price=_number(r["monthly_price"]),
        )
        for r in records(pairings.head(MAX_HTML_PAIRS), PAIRING_COLUMNS)
    ]
