"""The bill beside the licenses: per license type, what 8x8 billed and what it should have.

Pure functions of the snapshot (and the ledger the engine built): the four bill rules read
:func:`reconcile`, and the reports show the same table, so a finding and its table row never
disagree. Each difference has a direction, as bill-audit tools classify them: ``over`` (billed
more than the inventory or the contract: a credit to claim), ``under`` (billed less: noted,
never claimed; 8x8 may catch it up later), ``missing`` (a type held but not on the bill) and
``unexpected`` (a bill line that names no license type held or priced).

Several subscription lines of one type are summed first. The overcharge then splits exactly
into two parts that never count a cent twice: the seats billed beyond the inventory, at the
billed unit price (``over_inventory_cents``), and the price above the contract on the seats
that should be billed (``price_over_cents``, on min(billed, inventory) seats). Their sum is
what was billed minus what the contract says those seats cost.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from auditor.model import Snapshot, StatementTotals
from auditor.vocab import EQUAL, MISSING, OVER, RECURRING, UNDER, UNEXPECTED, UNKNOWN, stored

#: Columns of the reconciliation table (``Report.bill``), in output order.
BILL_COLUMNS: tuple[str, ...] = (
    "license_type",
    "description",
    "billed_lines",
    "billed_quantity",
    "billed_amount",
    "billed_unit_price",
    "inventory_total",
    "contract_price",
    "expected_amount",
    "quantity_difference",
    "quantity_direction",
    "price_direction",
    "over_inventory",
    "price_over",
    "claim",
)


def reconcile(snapshot: Snapshot, ledger: pd.DataFrame) -> pd.DataFrame:
    """One row per license type billed or held, then one per unmatched recurring description.

    Money columns are integer cents with a ``_cents`` suffix (nullable where a price is
    unknown); the renderers take the money columns of :data:`BILL_COLUMNS` from them.
    """
    lines = snapshot.statement
    if lines is None:
        return pd.DataFrame(columns=list(BILL_COLUMNS))
    recurring = lines[lines.category.eq(RECURRING)]
    matched = recurring[recurring.license_type.ne("")]
    billed = matched.groupby("license_type").agg(
        billed_lines=("row", "size"),
        billed_quantity=("quantity", "sum"),
        billed_cents=("amount_cents", "sum"),
    )
    held = snapshot.pools.groupby("license_type").total.sum()
    held = held[held.gt(0)]
    types = snapshot.types.drop_duplicates("license_type").set_index("license_type")
    index = billed.index.union(held.index)
    table = billed.reindex(index)
    table["billed_lines"] = table.billed_lines.fillna(0).astype("int64")
    table["billed_quantity"] = table.billed_quantity.fillna(0).astype("int64")
    table["billed_cents"] = table.billed_cents.astype("Int64")
    table["inventory_total"] = held.reindex(index).fillna(0).astype("int64")
    table["contract_cents"] = types.price_cents.reindex(index).astype("Int64")
    table["expected_cents"] = _expected(ledger, index)
    table = table.reset_index(names="license_type")
    table["description"] = None
    out = _split(table)
    unmatched = _unexpected(recurring[recurring.license_type.eq("")])
    full = pd.concat([out, unmatched], ignore_index=True) if len(unmatched) else out
    return full.reset_index(drop=True)


def _expected(ledger: pd.DataFrame, index: pd.Index) -> pd.Series:
    """What the ledger says each type costs a month; unknown when one of its seats is."""
    if ledger.empty:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    cents = ledger.groupby("license_type").price_cents.sum(min_count=1).astype("Int64")
    unknown = ledger.price_cents.isna().groupby(ledger.license_type).any()
    cents = cents.where(~unknown.reindex(cents.index, fill_value=False))
    return cents.reindex(index).astype("Int64")


def _split(table: pd.DataFrame) -> pd.DataFrame:
    """Directions and the overcharge's two parts, per type, in integer cents."""
    q = table.billed_quantity
    total = table.inventory_total
    billed = table.billed_cents.fillna(0).astype("int64")
    due = q.clip(upper=total)  # the seats that should be billed
    # The billed amount of the seats that should be billed, at the billed unit price; the
    # rest is the seats beyond the inventory. Rounded to the cent once, so both add up.
    share = pd.Series(0, index=table.index, dtype="int64")
    some = q.gt(0)
    share[some] = (billed[some] * due[some] * 2 + q[some]) // (q[some] * 2)
    table["over_inventory_cents"] = (billed - share).where(q.gt(total), 0).astype("int64")
    contract = table.contract_cents
    table["price_over_cents"] = (share - contract * due).where(some).astype("Int64")
    unit = pd.Series(pd.NA, index=table.index, dtype="Int64")
    unit[some] = (billed[some] * 2 + q[some]) // (q[some] * 2)
    table["billed_unit_cents"] = unit
    table["quantity_difference"] = (q - total).astype("int64")
    table["quantity_direction"] = _quantity_direction(table)
    table["price_direction"] = _price_direction(table)
    over = table.price_over_cents.fillna(0).clip(lower=0).astype("int64")
    table["claim_cents"] = table.over_inventory_cents + over
    return table


def _quantity_direction(table: pd.DataFrame) -> pd.Series:
    direction = pd.Series(EQUAL, index=table.index, dtype=object)
    direction[table.billed_quantity.gt(table.inventory_total)] = OVER
    direction[table.billed_quantity.lt(table.inventory_total)] = UNDER
    direction[table.billed_lines.eq(0)] = MISSING
    return direction


def _price_direction(table: pd.DataFrame) -> pd.Series:
    over = table.price_over_cents
    direction = pd.Series(EQUAL, index=table.index, dtype=object)
    direction[over.gt(0).fillna(False)] = OVER
    direction[over.lt(0).fillna(False)] = UNDER
    direction[table.contract_cents.isna() & table.billed_quantity.gt(0)] = UNKNOWN
    direction[table.billed_lines.eq(0)] = ""
    return direction


def _unexpected(lines: pd.DataFrame) -> pd.DataFrame:
    """Recurring lines that name no license type, one row per description as written."""
    if lines.empty:
        return pd.DataFrame()
    grouped = lines.groupby("description", sort=True).agg(
        billed_lines=("row", "size"),
        billed_quantity=("quantity", "sum"),
        billed_cents=("amount_cents", "sum"),
    )
    out = grouped.reset_index()
    out["license_type"] = None
    out["billed_quantity"] = out.billed_quantity.astype("int64")
    out["billed_cents"] = out.billed_cents.astype("Int64")
    q = out.billed_quantity
    unit = pd.Series(pd.NA, index=out.index, dtype="Int64")
    some = q.gt(0)
    unit[some] = (out.billed_cents[some].astype("int64") * 2 + q[some]) // (q[some] * 2)
    out["billed_unit_cents"] = unit
    out["inventory_total"] = 0
    out["contract_cents"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["expected_cents"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["quantity_difference"] = q
    out["quantity_direction"] = UNEXPECTED
    out["price_direction"] = ""
    out["over_inventory_cents"] = 0
    out["price_over_cents"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["claim_cents"] = 0
    return out


#: The money columns of :data:`BILL_COLUMNS` and the cents each is read from.
_MONEY = {
    "billed_amount": "billed_cents",
    "billed_unit_price": "billed_unit_cents",
    "contract_price": "contract_cents",
    "expected_amount": "expected_cents",
    "over_inventory": "over_inventory_cents",
    "price_over": "price_over_cents",
    "claim": "claim_cents",
}


def money_table(bill: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation over exactly :data:`BILL_COLUMNS`, money as cents / 100 (NaN where
    unknown): what renderers show. The division happens here, once, at the edge."""
    out = bill.copy()
    for name, cents in _MONEY.items():
        values = out[cents] if cents in out else pd.Series(pd.NA, index=out.index)
        out[name] = (
            values.astype("Float64").div(100).to_numpy(dtype="float64", na_value=float("nan"))
        )
    return out.reindex(columns=list(BILL_COLUMNS))


def totals(snapshot: Snapshot, monthly_cost_cents: int) -> StatementTotals | None:
    """The statement block: recurring billed against the ledger's monthly cost."""
    lines = snapshot.statement
    if lines is None:
        return None
    recurring = lines.category.eq(RECURRING)
    start = lines.period_start.dropna()
    end = lines.period_end.dropna()
    return StatementTotals(
        recurring_billed=int(lines.amount_cents[recurring].sum()),
        recurring_expected=monthly_cost_cents,
        lines=len(lines),
        lines_matched=int(lines.license_type.ne("").sum()),
        period_start=start.min().date() if len(start) else None,
        period_end=end.max().date() if len(end) else None,
    )


def period_warnings(snapshot: Snapshot, as_of: dt.date) -> list[str]:
    """Why the statement may be for another month than the licenses it is compared with.

    The recurring lines' billing months are compared with the audit date's month: a
    statement for October beside a November snapshot would show every change made in
    between as a billing error, so it is said, never silently compared.
    """
    lines = snapshot.statement
    if lines is None:
        return []
    recurring = lines[lines.category.eq(RECURRING)]
    starts = recurring.period_start.dropna()
    if starts.empty:
        return [
            "the statement gives no billing period (period_start); it is compared with the "
            f"licenses as of {as_of.isoformat()} on trust."
        ]
    months = sorted({(d.year, d.month) for d in starts.dt.date})
    named = ", ".join(f"{y:04d}-{m:02d}" for y, m in months)
    if len(months) > 1:
        return [
            f"the statement's recurring lines bill several months ({named}); each is compared "
            f"with the licenses as of {as_of.isoformat()}."
        ]
    if months[0] != (as_of.year, as_of.month):
        return [
            f"the statement bills {named}, but the audit is as of {as_of.isoformat()}: the bill "
            "is compared with the licenses of another month, so a difference may be a change "
            "made in between rather than a billing error."
        ]
    return []


#: Columns of :func:`credits`, in output order: what procurement sends 8x8.
CREDIT_COLUMNS: tuple[str, ...] = (
    "finding_id",
    "rule",
    "item",
    "statement_rows",
    "billed_quantity",
    "billed_amount",
    "expected_quantity",
    "expected_amount",
    "claim",
)


def credits(
    findings: pd.DataFrame, bill: pd.DataFrame, lines: pd.DataFrame | None, claim_rules: set[str]
) -> pd.DataFrame:
    """One row per open over-billing finding: the statement lines it is about, what they
    billed, what they should have billed, and the credit to claim (money in cents).

    The claims add up to ``summary.monthly_overbilled``: each row's claim is its finding's
    ``monthly_cost``, and billed - expected = claim on every row.
    """
    if lines is None or findings.empty:
        return pd.DataFrame(columns=stored(CREDIT_COLUMNS))
    open_ = findings[findings.rule.isin(claim_rules) & ~findings.suppressed.astype(bool)]
    per_type = bill.dropna(subset=["license_type"]).set_index("license_type").to_dict("index")
    rows_of = lines.groupby("license_type").row.agg(lambda r: ", ".join(str(v) for v in r))
    out: list[dict[str, object]] = []
    found = zip(
        open_.id.astype(str),
        open_.rule.astype(str),
        open_.entity_id.astype(str),
        open_.monthly_cost_cents.astype("int64").tolist(),
        strict=True,
    )
    for finding_id, rule, entity, claim in found:
        if rule in ("billed-over-inventory", "price-above-contract"):
            t = per_type[entity]
            due = min(int(t["billed_quantity"]), int(t["inventory_total"]))
            if rule == "billed-over-inventory":
                quantity, billed, expected = int(t["billed_quantity"]), int(t["billed_cents"]), due
            else:
                quantity = expected = due
                billed = int(t["billed_cents"]) - int(t["over_inventory_cents"])
            row = {
                "statement_rows": rows_of.get(entity, ""),
                "billed_quantity": quantity,
                "billed_amount_cents": billed,
                "expected_quantity": expected,
                "expected_amount_cents": billed - claim,
            }
        else:
            taxed = lines[(lines.description + " (" + lines.jurisdiction + ")").eq(entity)]
            row = {
                "statement_rows": ", ".join(str(v) for v in taxed.row),
                "billed_quantity": None,
                "billed_amount_cents": int(taxed.amount_cents.sum()),
                "expected_quantity": None,
                "expected_amount_cents": int(taxed.amount_cents.sum()) - claim,
            }
        out.append(
            {"finding_id": finding_id, "rule": rule, "item": entity, **row, "claim_cents": claim}
        )
    table = pd.DataFrame(out, columns=stored(CREDIT_COLUMNS))
    for column in ("billed_quantity", "expected_quantity"):
        table[column] = table[column].astype("Int64")
    return table
