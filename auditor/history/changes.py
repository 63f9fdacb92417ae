"""What changed since the last audit: new, resolved and persisting findings, and the saving.

Pure: it compares this run's findings with the previous run's rows from the history. A
finding is the same finding when its stable id (``rule:entity_id``) is the same. The realised
saving counts the waste findings that were open (not suppressed) last time: all of the cost
of one that is gone, the drop of one that shrank; a finding muted since is not a saving.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from auditor.frames import member
from auditor.history.store import PreviousRun, open_history
from auditor.model import Changes, Report
from auditor.rules._bill import CLAIM_RULES
from auditor.vocab import stored


def compare(report: Report, previous: PreviousRun | None, waste_rules: set[str]) -> Report:
    """``report`` with ``first_seen``/``days_open`` on each finding, changes and saving."""
    findings = report.findings.copy()
    as_of = report.as_of
    if previous is None:
        prev = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("id", "rule", "title", "entity_id")}
            | {
                "monthly_cost_cents": pd.Series(dtype="int64"),
                "suppressed": pd.Series(dtype=bool),
                "first_seen": pd.Series(dtype=object),
            }
        )
    else:
        prev = previous.findings
    earlier = prev.set_index("id")
    seen_before = findings.id.map(earlier.first_seen)
    first_seen = pd.to_datetime(seen_before).dt.date.astype(object)
    findings["first_seen"] = first_seen.where(seen_before.notna(), as_of)
    opened = pd.to_datetime(findings.first_seen.astype(str))
    findings["days_open"] = (pd.Timestamp(as_of) - opened).dt.days.astype("int64")
    current = set(findings.id)
    before = set(prev.id)
    resolved = prev[~member(prev.id, current)].sort_values("id")
    saving = _saving(findings, prev, waste_rules)
    changes = Changes(
        previous_as_of=None if previous is None else previous.as_of,
        new=tuple(sorted(current - before)),
        resolved=tuple(resolved.id),
        persisting=len(current & before),
    )
    compared = dataclasses.replace(
        report,
        findings=findings,
        changes=changes,
        realised_monthly_saving_cents=saving,
        realised_monthly_credit_cents=_credit(report, findings, prev),
        resolved=resolved.reset_index(drop=True),
    )
    return dataclasses.replace(compared, changed=change_table(compared))


def _saving(findings: pd.DataFrame, prev: pd.DataFrame, waste_rules: set[str]) -> int:
    """Cents of last run's open waste that this run no longer has."""
    was = prev[prev.rule.isin(waste_rules) & ~prev.suppressed.astype(bool)]
    now = findings.set_index("id").monthly_cost_cents
    still = pd.to_numeric(was.id.map(now), errors="coerce").fillna(0)
    drop = was.monthly_cost_cents.astype("int64") - still
    return int(np.maximum(drop.to_numpy(dtype="int64"), 0).sum())


def _credit(report: Report, findings: pd.DataFrame, prev: pd.DataFrame) -> int | None:
    """The over-billing the previous run claimed that this run's statement no longer shows.

    Counted like the saving (a claim gone is its whole cost, one that shrank its drop), and
    only when this run compared a statement: without one the bill rules are skipped, and a
    claim that was not checked is not a credit obtained.
    """
    if report.statement is None:
        return None
    return _saving(findings, prev, set(CLAIM_RULES))


def with_trend(report: Report, runs: pd.DataFrame) -> Report:
    """Attach the tenant's recorded runs (oldest first) for the trend chart and sheet."""
    trend = pd.DataFrame(
        {
            "as_of": [dt.date.fromisoformat(d) for d in runs.as_of],
            "findings": runs.findings.astype(int),
            "suppressed": runs.suppressed.astype(int),
            "monthly_cost_cents": runs.monthly_cost_cents.astype("Int64"),
            "monthly_waste_cents": runs.monthly_waste_cents.astype("Int64"),
            "realised_monthly_saving_cents": runs.realised_saving_cents.astype("Int64"),
            "saving_now_cents": runs.saving_now_cents.astype("Int64"),
            "saving_at_renewal_cents": runs.saving_at_renewal_cents.astype("Int64"),
            "monthly_overbilled_cents": runs.monthly_overbilled_cents.astype("Int64"),
            "realised_monthly_credit_cents": runs.realised_credit_cents.astype("Int64"),
        }
    )
    return dataclasses.replace(report, trend=trend)


#: Columns of :func:`change_table`: whether the finding is new or resolved, then the finding.
CHANGE_COLUMNS: tuple[str, ...] = (
    "change",
    "id",
    "rule",
    "severity",
    "entity_type",
    "entity_id",
    "title",
    "monthly_cost",
    "suppressed",
    "first_seen",
)


def change_table(report: Report) -> pd.DataFrame:
    """The findings new since the previous run, then the ones resolved, one row each.

    New findings keep the report's order (most urgent and costly first); resolved ones come
    from the previous run's rows in the history, costliest first, with their cost then and
    the day they were first seen. Empty when the audit keeps no history.
    """
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in stored(CHANGE_COLUMNS)})
    if report.changes is None:
        return empty
    findings = report.findings
    new = findings[findings.id.isin(set(report.changes.new))].assign(change="new")
    gone = report.resolved if report.resolved is not None else pd.DataFrame()
    if len(gone):
        seen = pd.to_datetime(gone.first_seen.astype(str), errors="coerce")
        gone = gone.assign(
            change="resolved",
            monthly_cost_cents=gone.monthly_cost_cents.astype("int64"),
            suppressed=gone.suppressed.astype(bool),
            first_seen=seen.dt.date.astype(object).where(seen.notna(), None),
        ).sort_values(["monthly_cost_cents", "id"], ascending=[False, True], kind="mergesort")
    parts = [p.reindex(columns=stored(CHANGE_COLUMNS)) for p in (new, gone) if len(p)]
    if not parts:
        return empty
    table = pd.concat(parts, ignore_index=True)
    table["monthly_cost_cents"] = table.monthly_cost_cents.astype("int64")
    table["suppressed"] = table.suppressed.eq(True)
    return table


@contextmanager
def recorded(report: Report, path: Path, waste_rules: set[str]) -> Iterator[Report]:
    """Compare ``report`` with the history at ``path``, record it, and yield the result.

    The caller renders the reports inside the ``with`` block: the run is committed only when
    the block ends normally, so a failed or killed render leaves the history as it was.
    """
    with open_history(path) as history:
        known = history.tenants()
        others = [t for t in known if t != report.tenant]
        previous = history.previous(report.tenant, report.as_of)
        report = compare(report, previous, waste_rules)
        notes = []
        if others and report.tenant not in known:
            notes.append(_new_tenant(report.tenant, others, path))
        replaced = history.record(report)
        if replaced:
            notes.append(replaced)
        if notes:
            report = dataclasses.replace(report, warnings=(*report.warnings, *notes))
        runs = history.runs(report.tenant)
        yield with_trend(report, runs[runs.as_of <= report.as_of.isoformat()])


def _new_tenant(tenant: str, others: list[str], path: Path) -> str:
    """A first audit of ``tenant`` in a history that holds others: perhaps the same tenant
    under another name (monthly export folders named by month), so say how to join them."""
    shown = ", ".join(repr(t) for t in others[:5]) + (" and more" if len(others) > 5 else "")
    return (
        f"{path} holds no earlier audit of {tenant!r} but holds {shown}; if this is one of "
        f"them, re-run with --tenant {others[0]!r} (or set tenant in the config or the "
        "manifest) so the months compare."
    )
