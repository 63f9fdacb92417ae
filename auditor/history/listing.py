"""``auditor history``: the recorded audits as a table for people or JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pandas as pd
from tabulate import tabulate

from auditor.history.store import read_history
from auditor.text import amounts, money_text, readable

_COLUMNS = (
    "tenant",
    "as_of",
    "findings",
    "suppressed",
    "monthly_waste",
    "monthly_cost",
    "realised_monthly_saving",
    "currency",
)


def run_history(path: Path, tenant: str | None, *, as_json: bool) -> str:
    """The runs recorded in ``path`` (of ``tenant`` when given), oldest first, as text.

    ``tenant`` is matched as the audit recorded it: undecodable bytes as U+FFFD.
    """
    tenant = None if tenant is None else readable(tenant)
    with read_history(path) as history:
        runs = history.runs(tenant)
        known = history.tenants()
    table = pd.DataFrame(
        {
            "tenant": runs.tenant.astype(str),
            "as_of": runs.as_of.astype(str),
            "generated_at": runs.generated_at.astype(str),
            "currency": runs.currency.astype(str),
            "users": runs.users.astype(int),
            "findings": runs.findings.astype(int),
            "suppressed": runs.suppressed.astype(int),
            "monthly_cost": amounts(runs.monthly_cost_cents),
            "monthly_waste": amounts(runs.monthly_waste_cents),
            "realised_monthly_saving": amounts(runs.realised_saving_cents),
            # the contract's split of the saving (null on runs recorded before it existed)
            "saving_now": amounts(runs.saving_now_cents),
            "saving_at_renewal": amounts(runs.saving_at_renewal_cents),
            "monthly_overbilled": amounts(runs.monthly_overbilled_cents),
        }
    ).astype(object)
    rows = cast("list[dict[str, object]]", table.where(table.notna(), None).to_dict("records"))
    if as_json:
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        if tenant and known:
            held = ", ".join(repr(t) for t in known)
            return f"No audits recorded for {tenant!r} in {path}; it holds {held}."
        return "No audits recorded" + (f" for {tenant!r}." if tenant else ".")
    return _table(rows)


def _cell(row: dict[str, object], column: str) -> str:
    value = row[column]
    if column in ("monthly_waste", "monthly_cost", "realised_monthly_saving"):
        if value is None:
            return "-"
        return money_text(round(float(str(value)) * 100), str(row["currency"])).split(" ", 1)[1]
    return str(value)


def _table(rows: list[dict[str, object]]) -> str:
    columns = _COLUMNS[:-1]
    cells = [[_cell(r, c) for c in columns] for r in rows]
    headers = [c.replace("_", " ") for c in columns]
    numeric = {2, 3, 4, 5, 6}
    align = ["right" if i in numeric else "left" for i in range(len(columns))]
    # plain: no rules, so a cron mail or a terminal shows it as it is; the cells are already
    # text ("82.00"), so tabulate must not re-read them as numbers
    table = tabulate(
        cells, headers=headers, tablefmt="plain", colalign=align, disable_numparse=True
    )
    currency = {str(r["currency"]) for r in rows}
    note = f"(amounts in {', '.join(sorted(currency))})"
    return f"{table}\n{note}"
