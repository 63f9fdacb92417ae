"""What audit.html puts under the bridge: "What to do this month", the few plan actions worth
the most money.

A reader who opens the page wants three answers on the first screen: how much, why, and what
to do. The first two are the bridge; the third is here. Each action is an open finding that
covers waste (its ``monthly_waste`` share of the ledger), with the owner-ready sentence the
engine wrote from the plan and the exact license ids to name: nothing is computed or reworded
here, the findings table is only ranked and cut, so the page says what audit.json says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.render.html.view import as_integer

#: Actions shown at the top of the page; the findings table and the workbook have the rest.
MAX_ACTIONS: Final = 5
#: License ids listed per action; past this, the action says how many more the Ledger sheet has.
MAX_ACTION_IDS: Final = 12


@dataclass(frozen=True)
class Action:
    """One thing to do this month: what, the sentence to hand its owner, and the money."""

    finding_id: str
    rule: str
    severity: str
    title: str
    #: The finding's recommendation, written by the engine from the plan.
    sentence: str
    #: The finding's share of the monthly waste, in cents.
    monthly_waste: int
    license_ids: tuple[str, ...]
    more_ids: int


@dataclass(frozen=True)
class Actions:
    """The top actions, and the money and count of the open waste findings left below them."""

    rows: tuple[Action, ...]
    more: int
    #: Cents of waste the actions shown cover (a sum the engine's shares already add to).
    shown_cents: int


def top_actions(findings: pd.DataFrame, limit: int = MAX_ACTIONS) -> Actions:
    """The open findings with the largest waste share, largest first (ties by finding id, so
    the page is the same on every run)."""
    needed = {"id", "monthly_waste_cents", "suppressed"}
    if findings.empty or not needed <= set(findings.columns):
        return Actions((), 0, 0)
    open_ = findings[~findings.suppressed.eq(True) & findings.monthly_waste_cents.gt(0)]
    ranked = open_.sort_values(
        ["monthly_waste_cents", "id"], ascending=[False, True], kind="mergesort"
    )
    head = ranked.head(limit)
    rows = tuple(_action(r) for r in head.to_dict("records"))
    return Actions(rows, max(0, len(ranked) - len(rows)), sum(a.monthly_waste for a in rows))


def _action(row: dict[object, object]) -> Action:
    ids = row.get("license_ids")
    listed = tuple(str(i) for i in ids) if isinstance(ids, list | tuple) else ()
    return Action(
        finding_id=str(row["id"]),
        rule=str(row["rule"]),
        severity=str(row["severity"]),
        title=str(row["title"]),
        sentence=str(row["recommendation"] or ""),
        monthly_waste=as_integer(row["monthly_waste_cents"]) or 0,
        license_ids=listed[:MAX_ACTION_IDS],
        more_ids=max(0, len(listed) - MAX_ACTION_IDS),
    )
