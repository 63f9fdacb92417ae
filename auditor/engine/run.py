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

from auditor.engine import (
    bill,
    chargeback,
    idle_numbers,
    ledger,
    plan,
    spares,
    suppress,
    terms,
    terms_text,
)
from auditor.engine.tax import tax_table
from auditor.errors import RuleError
from auditor.frames import member
from auditor.model import (
    FINDING_COLUMNS,
    POOL_COLUMNS,
    POOL_JSON_EXTRA,
    Bridge,
    Kind,
    Ledger,
    LicenseStatus,
    Report,
    Settings,
    Severity,
    SkippedRule,
    Snapshot,
    Summary,
    Suppression,
)
from auditor.rules import (
    contact_without_license,
    stale_deactivated_user,
    tax_address_mismatch,
    unassigned_billed_seats,
)
from auditor.rules._base import ENTITY_TYPE, RESULT_COLUMNS, Rule, discover
from auditor.rules._bill import CLAIM_RULES
from auditor.text import readable
from auditor.version import __version__
from auditor.vocab import CC_LICENSE, CC_POOL, Disposition, stored

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
    """Audit ``snapshot``: the ledger first, then every rule that can run, the plan, the totals.

    Every money figure is a sum over the ledger's rows; suppressed findings stay in the
    findings table, flagged, and their seats are kept (action ``keep``), in no saving.
    """
    rules = discover() if rules is None else rules
    snapshot = prepared(snapshot, settings)
    assert snapshot.bill is not None  # prepared() reconciles it
    reconciled = snapshot.bill
    frames: list[pd.DataFrame] = []
    skipped: list[SkippedRule] = []
    warnings = [*snapshot.warnings, *_contact_centre_note(snapshot)]
    for item in rules:
        reason = item.skip_reason(snapshot)
        if reason is not None:
            skipped.append(SkippedRule(item.meta.id, reason))
            continue
        try:
            found = item.check(snapshot, settings)
        except Exception as exc:  # a bug, not a finding: never a report that lacks a rule
            raise RuleError(
                f"rule {item.meta.id} failed on this snapshot ({type(exc).__name__}: {exc}); "
                "no report was written, because its totals would leave that rule's findings "
                "out. Please report it with the command you ran."
            ) from exc
        frames.append(_stamp(found, item))
    rows = _covered(snapshot.ledger.rows if snapshot.ledger else pd.DataFrame(), frames)
    findings, muted = suppress.apply(_findings(frames, rows), suppressions, settings.as_of)
    findings["first_seen"] = None  # filled in from the history, when there is one
    findings["days_open"] = None
    warnings += muted
    # The plan acts on open findings only: a suppressed Contact needs no seat, a suppressed
    # stale user keeps theirs, and a suppressed unassigned pool is spares kept on purpose.
    open_ = findings[~findings.suppressed]
    contacts = open_.entity_id[open_.rule.eq(_CONTACT) & open_.severity.eq(Severity.MEDIUM.value)]
    kept = set(findings.id[findings.suppressed])
    rows = plan.act(rows, snapshot.users, contacts, kept)
    rows = terms.timed(rows, snapshot.contract, settings.as_of)
    findings = plan.recommend(
        findings,
        rows,
        snapshot.users,
        snapshot.currency,
        {"unassigned": _UNASSIGNED, "stale": _STALE, "contact": _CONTACT},
    )
    if snapshot.contract is not None:
        findings = terms_text.timing_text(findings, rows, snapshot.currency)
    bridge = terms.split(
        plan.bridge(rows, set(open_.id)),
        rows,
        set(open_.id),
        contract=snapshot.contract is not None,
    )
    pools = _pools(snapshot, rows, set(open_.id))
    states = _service_states(snapshot).to_dict()
    pools["service_states"] = [states.get(t, "") for t in pools.license_type]
    summary = _summary(snapshot, pools, findings, rules, {s.rule for s in skipped}, bridge)
    summary = replace(summary, monthly_overbilled_cents=_overbilled(snapshot, open_))
    warnings += bill.period_warnings(snapshot, settings.as_of)
    pairs = plan.pairings(rows, snapshot.users)
    cancellation = terms.with_notice(
        plan.cancellation(rows, pairs, settings.as_of), snapshot.contract, settings.as_of
    )
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
        users=snapshot.users,
        ledger=rows,
        bridge=bridge,
        sites=chargeback.site_table(snapshot, rows, set(open_.id)),
        plan_totals=plan.totals(settings.as_of, cancellation, pairs),
        suppressions=suppress.suppressed_table(findings),
        cancellation=cancellation,
        renewals=terms.renewals(rows, snapshot.contract, settings.as_of),
        pairings=pairs,
        tax=tax_table(snapshot, findings, _TAX),
        statement=bill.totals(snapshot, bridge.monthly_cost),
        bill=reconciled,
        credits=bill.credits(findings, reconciled, snapshot.statement, set(CLAIM_RULES)),
    )


def prepared(snapshot: Snapshot, settings: Settings) -> Snapshot:
    """``snapshot`` with what every rule reads worked out once: the seat ledger (spares set
    aside) and the bill reconciled with it."""
    book = _with_spares(ledger.build(snapshot, settings), snapshot, settings)
    return replace(snapshot, ledger=book, bill=bill.reconcile(snapshot, book.rows))


def _with_spares(built: Ledger, snapshot: Snapshot, settings: Settings) -> Ledger:
    """The ledger with the spare allowance's seats kept, out of the waste, before any rule."""
    allowed = spares.allowance(
        dict(settings.keep_spares), snapshot.contract, snapshot.types.license_type
    )
    return replace(built, rows=spares.set_aside(built.rows, allowed))


def _service_states(snapshot: Snapshot) -> pd.Series:
    """Per license type, the distinct service states of its live licenses (``CA;TX``): where
    the type is taxed, for the FOCUS export; empty without a per-license inventory."""
    units = snapshot.licenses
    if units is None or "service_state_code" not in units:
        return pd.Series(dtype=object)
    live = units[units.status.ne(LicenseStatus.SUSPENDED.value)]
    states = live.dropna(subset=["service_state_code"])
    pairs = states[["license_type", "service_state_code"]].drop_duplicates()
    pairs = pairs.sort_values(["license_type", "service_state_code"])
    return pairs.groupby("license_type").service_state_code.agg(";".join)


def _overbilled(snapshot: Snapshot, open_: pd.DataFrame) -> int | None:
    """The credit to claim: the open bill findings' costs, beside the waste, never in it."""
    if snapshot.statement is None:
        return None
    claimed = open_.monthly_cost_cents[open_.rule.isin(CLAIM_RULES)]
    return int(claimed.sum())


def _covered(rows: pd.DataFrame, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The ledger with each waste row's ``finding_id``: the one waste finding that covers it.

    An unassigned row is its type's ``unassigned-billed-seats`` finding's, a stale row its
    holder's ``stale-deactivated-user`` finding's: the same keys the two rules group by.
    """
    ids = set(pd.concat([f.id for f in frames], ignore_index=True)) if frames else set()
    unassigned = rows.disposition.eq(Disposition.UNASSIGNED.value)
    stale = rows.disposition.eq(Disposition.STALE.value)
    finding = pd.Series(None, index=rows.index, dtype=object)
    finding[unassigned] = _UNASSIGNED + ":" + rows.license_type[unassigned].astype(str)
    finding[stale] = _STALE + ":" + rows.holder[stale].astype(str)
    finding = finding.where(member(finding.fillna(""), ids) & rows.waste, None)
    return rows.assign(finding_id=finding, waste=rows.waste & finding.notna())


def _stamp(found: pd.DataFrame, item: Rule) -> pd.DataFrame:
    """A rule's rows with the columns the engine owns: rule, entity type, stable id."""
    rows = found.loc[:, list(RESULT_COLUMNS)].copy()
    rows["rule"] = item.meta.id
    rows["entity_type"] = item.meta.entity
    if ENTITY_TYPE in found:  # a rule with two forms (a license, or an address) says which
        rows["entity_type"] = found[ENTITY_TYPE].fillna(item.meta.entity).astype(str).to_numpy()
    rows["entity_id"] = rows.entity_id.astype(str)
    rows["id"] = item.meta.id + ":" + rows.entity_id
    return rows


def _findings(frames: list[pd.DataFrame], rows: pd.DataFrame) -> pd.DataFrame:
    """All findings in one table, each with its waste share and the ledger rows it covers,
    sorted most urgent and costly first, deterministically."""
    columns = stored(FINDING_COLUMNS)
    if not frames or all(f.empty for f in frames):
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        for column in ("monthly_cost_cents", "monthly_waste_cents"):
            empty[column] = empty[column].astype("int64")
        empty["cost_known"] = empty.cost_known.astype(bool)
        return empty
    table = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    table["monthly_cost_cents"] = table.monthly_cost_cents.astype("int64")
    table["cost_known"] = table.cost_known.astype(bool)
    covered = rows[rows.finding_id.notna()].sort_values("seat_id", kind="mergesort")
    shares = covered.price_cents.fillna(0).astype("int64").groupby(covered.finding_id).sum()
    seats = covered.groupby("finding_id").seat_id.agg(list)
    table["monthly_waste_cents"] = table.id.map(shares).fillna(0).astype("int64")
    listed = table.id.map(seats)
    table["license_ids"] = [v if isinstance(v, list) else [] for v in listed]
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


def _pools(snapshot: Snapshot, rows: pd.DataFrame, open_ids: set[str]) -> pd.DataFrame:
    """Per license type: inventory counts, holders, price, and the ledger's cost and waste.

    Cost and waste are sums over the type's ledger rows (waste: the rows an open finding
    covers), so the pools add up to the summary and the bridge.
    """
    # A type given once per country is one pool in the report, its countries listed.
    counts = ["total", "unassigned", "suspended"]
    pools = snapshot.pools.groupby("license_type", sort=False)[counts].sum()
    idle = idle_numbers.pool_counts(rows)  # numbers.csv's idle numbers: a pool of their own
    if len(idle):
        pools = pools.add(idle, fill_value=0)
    holders = snapshot.holdings.groupby("license_type").user_id.nunique().rename("holders")
    table = pools.join(holders, how="outer").fillna(0).astype("int64")
    table["assigned"] = table.total - table.unassigned - table.suspended
    types = snapshot.types.set_index("license_type")
    table = table.join(types[["kind", "price_cents"]])
    table["kind"] = table.kind.fillna(Kind.SEAT.value)
    cents = rows.price_cents.fillna(0).astype("int64")
    open_waste = rows.waste & member(rows.finding_id.fillna(""), open_ids)
    cost_cents = cents.groupby(rows.license_type).sum().reindex(table.index, fill_value=0)
    waste_cents = cents[open_waste].groupby(rows.license_type[open_waste]).sum()
    waste_cents = waste_cents.reindex(table.index, fill_value=0)
    out = table.reset_index(names="license_type")
    out = _contact_centre_pools(out, snapshot, rows)
    countries = _countries(snapshot, rows)
    out["country"] = out.license_type.map(countries).astype(object)
    out["country"] = out.country.where(out.country.notna(), None)
    out["monthly_price_cents"] = out.price_cents.astype("Int64")
    out["monthly_cost_cents"] = cost_cents.to_numpy(dtype="int64")
    out["monthly_waste_cents"] = waste_cents.to_numpy(dtype="int64")
    out = out.sort_values("license_type", key=lambda s: s.str.casefold(), kind="mergesort")
    return out.loc[:, stored([*POOL_COLUMNS, *POOL_JSON_EXTRA])].reset_index(drop=True)


def _countries(snapshot: Snapshot, rows: pd.DataFrame) -> pd.Series:
    """Per license type, its countries (``GB, US``), from the ledger and the per-pool file."""
    seen = [rows[["license_type", "country"]]]
    if "country" in snapshot.pools:
        seen.append(snapshot.pools[["license_type", "country"]])
    both = pd.concat(seen, ignore_index=True).dropna()
    both = both[both.country.astype(str).ne("")]
    return both.groupby("license_type").country.agg(lambda c: ", ".join(sorted(set(c))))


def _contact_centre_note(snapshot: Snapshot) -> list[str]:
    """The sentence every report carries when a Contact Center pool is in the inventory."""
    note = snapshot.ledger.cc_note if snapshot.ledger is not None else None
    return [] if note is None else [note]


def _contact_centre_pools(
    pools: pd.DataFrame, snapshot: Snapshot, rows: pd.DataFrame
) -> pd.DataFrame:
    """The Contact Center quirk on the pools table (see :func:`auditor.ledger.contact_centre`).

    The Additional Named User pool is shown with its counts but is not billed (``billed``
    False, no price, in no ``seats_*``); the X8 (Contact Center) pool's assigned and unassigned
    are the ledger's (seats in use / 5, rounded up), not the Licenses page's unmoving count.
    """
    pool_types = ledger.roles(snapshot, CC_POOL)
    billed = ~member(pools.license_type, pool_types)
    out = pools.assign(billed=billed.to_numpy())
    out["price_cents"] = out.price_cents.astype("Int64").mask(~billed.to_numpy())
    cc = member(out.license_type, ledger.roles(snapshot, CC_LICENSE))
    if cc.any():
        idle = rows[rows.disposition.eq(Disposition.UNASSIGNED.value)].groupby("license_type")
        unassigned = out.license_type[cc].map(idle.size()).fillna(0).astype("int64")
        out.loc[cc, "unassigned"] = unassigned
        out.loc[cc, "assigned"] = out.total[cc] - unassigned - out.suspended[cc]
    return out


def _summary(
    snapshot: Snapshot,
    pools: pd.DataFrame,
    findings: pd.DataFrame,
    rules: list[Rule],
    skipped: set[str],
    bridge: Bridge,
) -> Summary:
    """The report's headline figures, read off the bridge; a skipped rule has no count."""
    users = snapshot.users
    pools = pools[pools.billed]  # the Additional Named User pool is shown, never billed
    by_rule = findings.rule.value_counts()
    by_severity = findings.severity.value_counts()
    return Summary(
        users=len(users),
        active_users=int(users.active.sum()),
        inactive_users=int(users.status.eq("INACTIVE").sum()),
        unknown_status_users=int(users.status.eq("UNKNOWN").sum()),
        contacts=int(by_rule.get(_CONTACT, 0)),
        seats_total=int(pools.total.sum()),
        seats_assigned=int(pools.assigned.sum()),
        seats_unassigned=int(pools.unassigned.sum()),
        seats_suspended=int(pools.suspended.sum()),
        unpriced_seats=bridge.unpriced_seats,
        monthly_cost_cents=bridge.monthly_cost,
        monthly_waste_cents=bridge.open_waste,
        annual_waste_cents=bridge.open_waste * 12,
        monthly_saving_cents=bridge.saving,
        findings_by_rule={
            r.meta.id: int(by_rule.get(r.meta.id, 0)) for r in rules if r.meta.id not in skipped
        },
        findings_by_severity={s.value: int(by_severity.get(s.value, 0)) for s in Severity},
        suppressed_findings=int(findings.suppressed.sum()),
    )
