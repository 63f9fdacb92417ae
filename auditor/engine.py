"""Run the rules over a snapshot and assemble the report: findings, pools, summary.

Pure: no I/O and no clock; ``as_of`` is in the settings and ``generated_at`` is passed in, so
the same inputs always give the same report. Money is summed in integer cents and turned into
floats with two decimals only when the report is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from auditor import __version__, chargeback, plan, suppress
from auditor.config import Suppression
from auditor.frames import member
from auditor.model import (
    FINDING_COLUMNS,
    POOL_COLUMNS,
    Kind,
    Report,
    Settings,
    Severity,
    SkippedRule,
    Snapshot,
    Summary,
)
from auditor.rules import (
    contact_without_license,
    stale_deactivated_user,
    tax_address_mismatch,
    unassigned_billed_seats,
)
from auditor.rules._base import RESULT_COLUMNS, Rule, discover
from auditor.tax import tax_table
from auditor.text import readable

# The rules whose findings feed the pools, sites, plan and summary, by their own ids.
_STALE = stale_deactivated_user.RULE_ID
_UNASSIGNED = unassigned_billed_seats.RULE_ID
_CONTACT = contact_without_license.RULE_ID
_TAX = tax_address_mismatch.RULE_ID


def run(
    snapshot: Snapshot,
    settings: Settings,
    *,
    tenant: str,
    generated_at: dt.datetime,
    rules: list[Rule] | None = None,
    suppressions: Sequence[Suppression] = (),
) -> Report:
    """Audit ``snapshot``: every rule that can run, the pools, the summary.

    Suppressed findings stay in the findings table, flagged, and count in no money total.
    """
    rules = discover() if rules is None else rules
    frames: list[pd.DataFrame] = []
    skipped: list[SkippedRule] = []
    warnings = list(snapshot.warnings)
    for item in rules:
        reason = item.skip_reason(snapshot)
        if reason is not None:
            skipped.append(SkippedRule(item.meta.id, reason))
            continue
        try:
            found = item.check(snapshot, settings)
        except Exception as exc:  # one broken rule must not sink the others, nor hide itself
            skipped.append(SkippedRule(item.meta.id, f"the rule failed: {exc!r}"))
            continue
        frames.append(_stamp(found, item))
    findings, muted = suppress.apply(_findings(frames), suppressions, settings.as_of)
    findings["first_seen"] = None  # filled in from the history, when there is one
    findings["days_open"] = None
    warnings += muted
    # The plan acts on open findings only: a suppressed Contact needs no seat, a suppressed
    # stale user keeps theirs, and a suppressed unassigned pool is spares kept on purpose.
    open_ = findings[~findings.suppressed]
    contacts = open_.entity_id[open_.rule.eq(_CONTACT) & open_.severity.eq(Severity.MEDIUM.value)]
    pairs = plan.pairings(snapshot, contacts)
    findings = plan.recommend(findings, pairs, snapshot.currency, _CONTACT)
    stale_ids = open_.entity_id[open_.rule.eq(_STALE)]
    spares = findings.entity_id[findings.rule.eq(_UNASSIGNED) & findings.suppressed]
    pools = _pools(snapshot, findings)
    summary = _summary(snapshot, pools, findings, rules, {s.rule for s in skipped})
    return Report(
        tool_version=__version__,
        tenant=readable(tenant),  # from a folder name or argv, so possibly undecodable bytes
        as_of=settings.as_of,
        generated_at=generated_at,
        currency=snapshot.currency,
        inputs=tuple(replace(i, name=readable(i.name)) for i in snapshot.inputs),
        settings=settings,
        summary=summary,
        pools=pools,
        findings=findings,
        rules=tuple(r.meta for r in rules),
        skipped=tuple(replace(s, reason=readable(s.reason)) for s in skipped),
        warnings=tuple(readable(w) for w in warnings),  # they may name files
        snapshot=snapshot,
        sites=chargeback.site_table(snapshot, findings, _STALE, _UNASSIGNED),
        cancellation=plan.cancellation(
            snapshot, pairs, len(contacts), stale_ids, settings.as_of, kept=spares
        ),
        pairings=pairs,
        tax=tax_table(snapshot, findings, _TAX),
    )


def _stamp(found: pd.DataFrame, item: Rule) -> pd.DataFrame:
    """A rule's rows with the columns the engine owns: rule, entity type, stable id."""
    rows = found.loc[:, list(RESULT_COLUMNS)].copy()
    rows["rule"] = item.meta.id
    rows["entity_type"] = item.meta.entity
    rows["entity_id"] = rows.entity_id.astype(str)
    rows["id"] = item.meta.id + ":" + rows.entity_id
    return rows


def _findings(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All findings in one table, sorted most urgent and costly first, deterministically."""
    columns = [*FINDING_COLUMNS, "monthly_cost_cents"]
    if not frames or all(f.empty for f in frames):
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        empty["monthly_cost_cents"] = empty.monthly_cost_cents.astype("int64")
        empty["monthly_cost"] = empty.monthly_cost.astype("float64")
        empty["cost_known"] = empty.cost_known.astype(bool)
        return empty
    table = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    table["monthly_cost_cents"] = table.monthly_cost_cents.astype("int64")
    table["monthly_cost"] = table.monthly_cost_cents / 100
    table["cost_known"] = table.cost_known.astype(bool)
    for column in ("site", "license_type"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
        table[column] = table[column].where(table[column].ne(""), None)
    rank = table.severity.map({s.value: s.rank for s in Severity})
    order = table.assign(_rank=rank).sort_values(
        ["_rank", "monthly_cost_cents", "rule", "entity_id"],
        ascending=[True, False, True, True],
        kind="mergesort",
    )
    return order.loc[:, columns].reset_index(drop=True)


def _pools(snapshot: Snapshot, findings: pd.DataFrame) -> pd.DataFrame:
    """Per license type: inventory counts, holders, price, cost and waste.

    Waste is the unassigned licenses plus the seats stale deactivated users hold, so the
    pools' waste adds up to the summary's ``monthly_waste``.
    """
    pools = snapshot.pools.set_index("license_type")[["total", "unassigned", "suspended"]]
    holders = snapshot.holdings.groupby("license_type").user_id.nunique().rename("holders")
    table = pools.join(holders, how="outer").fillna(0).astype("int64")
    table["assigned"] = table.total - table.unassigned - table.suspended
    types = snapshot.types.set_index("license_type")
    table = table.join(types[["kind", "price_cents"]])
    table["kind"] = table.kind.fillna(Kind.SEAT.value)
    price = table.price_cents.astype("Int64")
    live = findings[~findings.suppressed]
    stale_ids = live.entity_id[live.rule.eq(_STALE)]
    stale = snapshot.holdings[member(snapshot.holdings.user_id, stale_ids)]
    # A suppressed unassigned-seats finding (spares kept on purpose) is not waste either.
    idle = table.index.isin(live.entity_id[live.rule.eq(_UNASSIGNED)])
    unassigned = table.unassigned.where(idle, 0)
    stale_held = stale.groupby("license_type").size().reindex(table.index, fill_value=0)
    stale_held = stale_held.where(table.kind.eq(Kind.SEAT.value), 0)
    cost_cents = (table.total * price).fillna(0).astype("int64")
    waste_cents = ((unassigned + stale_held) * price).fillna(0).astype("int64")
    out = table.reset_index(names="license_type")
    out["monthly_price"] = (
        (price / 100).astype("Float64").to_numpy(dtype="float64", na_value=float("nan"))
    )
    out["monthly_cost"] = (cost_cents / 100).to_numpy()
    out["monthly_waste"] = (waste_cents / 100).to_numpy()
    out["monthly_cost_cents"] = cost_cents.to_numpy()
    out["monthly_waste_cents"] = waste_cents.to_numpy()
    out = out.sort_values("license_type", key=lambda s: s.str.casefold(), kind="mergesort")
    return out.loc[:, [*POOL_COLUMNS, "monthly_cost_cents", "monthly_waste_cents"]].reset_index(
        drop=True
    )


def _summary(
    snapshot: Snapshot,
    pools: pd.DataFrame,
    findings: pd.DataFrame,
    rules: list[Rule],
    skipped: set[str],
) -> Summary:
    """The report's headline figures; a skipped rule has no count (it was not checked)."""
    users = snapshot.users
    waste_rules = {r.meta.id for r in rules if r.meta.counts_as_waste}
    open_waste = findings.rule.isin(waste_rules) & ~findings.suppressed
    waste_cents = int(findings.monthly_cost_cents[open_waste].sum())
    unpriced = pools.monthly_price.isna() & pools.kind.eq(Kind.SEAT.value)
    by_rule = findings.rule.value_counts()
    by_severity = findings.severity.value_counts()
    return Summary(
        users=len(users),
        active_users=int(users.active.sum()),
        inactive_users=int((~users.active).sum()),
        contacts=int(by_rule.get(_CONTACT, 0)),
        seats_total=int(pools.total.sum()),
        seats_assigned=int(pools.assigned.sum()),
        seats_unassigned=int(pools.unassigned.sum()),
        seats_suspended=int(pools.suspended.sum()),
        unpriced_seats=int(
            pools.total.where(pools.total > pools.holders, pools.holders)[unpriced].sum()
        ),
        monthly_cost=int(pools.monthly_cost_cents.sum()) / 100,
        monthly_waste=waste_cents / 100,
        annual_waste=waste_cents * 12 / 100,
        findings_by_rule={
            r.meta.id: int(by_rule.get(r.meta.id, 0)) for r in rules if r.meta.id not in skipped
        },
        findings_by_severity={s.value: int(by_severity.get(s.value, 0)) for s in Severity},
        suppressed_findings=int(findings.suppressed.sum()),
    )
