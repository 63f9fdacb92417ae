"""audit.json: the machine-readable report whose keys are the contract (schema_version 2)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.engine.bill import BILL_COLUMNS, CREDIT_COLUMNS, money_table
from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.ledger import LEDGER_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.engine.terms import (
    LEDGER_TERM_COLUMNS,
    RENEWAL_COLUMNS,
    TERM_DATE_COLUMNS,
    TERM_MONEY_COLUMNS,
)
from auditor.model import (
    ALL_FINDING_COLUMNS,
    POOL_COLUMNS,
    POOL_JSON_EXTRA,
    Bridge,
    Report,
    StatementTotals,
)
from auditor.render.cells import shown
from auditor.text import amount, amounts

#: The ledger's keys in audit.json: the contract's, then what the contract and the spare
#: allowance add (null where they do not apply, and on a ledger built without them).
JSON_LEDGER_COLUMNS: Final = (*LEDGER_COLUMNS, *LEDGER_TERM_COLUMNS)

SCHEMA_VERSION = 2


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows over exactly ``columns`` as plain dicts: NaN and NA null, dates ISO text."""
    table = shown(frame, columns).astype(object)
    table = table.where(table.notna(), None)
    for column in table.columns:
        present = table[column].dropna()
        if len(present) and isinstance(present.iloc[0], dt.date):
            # not Series.map: it turns the None of a missing date back into NaN, not JSON
            iso = [_iso(v) for v in table[column]]
            table[column] = pd.Series(iso, index=table.index, dtype=object)
    return cast("list[dict[str, Any]]", table.to_dict("records"))


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _changes(report: Report) -> dict[str, Any] | None:
    """Counts against the previous run, with the new and resolved finding ids."""
    c = report.changes
    if c is None:
        return None
    return {
        "previous_as_of": None if c.previous_as_of is None else c.previous_as_of.isoformat(),
        "new": len(c.new),
        "resolved": len(c.resolved),
        "persisting": c.persisting,
        "new_ids": list(c.new),
        "resolved_ids": list(c.resolved),
    }


def _default(value: object) -> object:
    """What json cannot encode by itself: dates (``first_seen``) as ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def ledger_records(ledger: pd.DataFrame) -> list[dict[str, Any]]:
    """The ledger's rows as JSON objects: ``monthly_price`` in money, null where unknown.

    Built column by column from plain lists: at a million seats this is a few seconds where
    a DataFrame's generic ``to_dict`` takes many.
    """
    if ledger.empty:
        return []
    price = amounts(ledger.price_cents)
    columns: dict[str, list[Any]] = {}
    for name in JSON_LEDGER_COLUMNS:
        if name == "monthly_price":
            values = price.astype(object).where(price.notna(), None).tolist()
        elif name == "waste":
            values = ledger.waste.astype(bool).tolist()
        else:
            values = _term_values(ledger, name).tolist()
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def bridge_dict(bridge: Bridge) -> dict[str, Any]:
    """The bridge in money: each line a sum over the ledger, adding up as its docstring says."""
    return {
        "monthly_cost": amount(bridge.monthly_cost),
        "in_use": amount(bridge.in_use),
        "waste": amount(bridge.waste),
        "cancel": amount(bridge.cancel),
        "reclaim_then_cancel": amount(bridge.reclaim_then_cancel),
        "reassign": amount(bridge.reassign),
        "kept": amount(bridge.kept),
        "open_waste": amount(bridge.open_waste),
        "monthly_saving": amount(bridge.saving),
        "unpriced_seats": bridge.unpriced_seats,
        "saving_now": amount(bridge.saving_now),
        "saving_at_renewal": amount(bridge.saving_at_renewal),
        "buyout_fees": amount(bridge.buyout_fees),
        "spares": amount(bridge.spares),
        "spare_seats": bridge.spare_seats,
        "contract_given": bridge.contract_given,
        "saving_note": saving_note(bridge),
    }


def saving_note(bridge: Bridge) -> str:
    """The bridge's own sentence on what the saving assumes (every renderer shows it)."""
    if not bridge.contract_given:
        return (
            "No contract file was given, so this saving assumes no buy-out fee and no term: "
            "every cancellation stops billing after the notice period."
        )
    return (
        "Split by the contract: seats best stopped now (after their buy-out fees) and seats "
        "best stopped at their renewal, with no fee."
    )


def statement_dict(
    totals: StatementTotals | None, bill: pd.DataFrame, credits: pd.DataFrame
) -> dict[str, Any] | None:
    """The bill beside the licenses: PRODUCT.md's five keys, then the period, ``types``
    (the reconciliation table, one row per license type or unmatched description) and
    ``credits`` (each open over-billing finding as a credit request line)."""
    if totals is None:
        return None
    return {
        "recurring_billed": amount(totals.recurring_billed),
        "recurring_expected": amount(totals.recurring_expected),
        "difference": amount(totals.difference),
        "lines": totals.lines,
        "lines_matched": totals.lines_matched,
        "period_start": None if totals.period_start is None else totals.period_start.isoformat(),
        "period_end": None if totals.period_end is None else totals.period_end.isoformat(),
        "types": _records(money_table(bill), BILL_COLUMNS),
        "credits": _records(credits, CREDIT_COLUMNS),
    }


def report_dict(report: Report, *, ledger: bool = True) -> dict[str, Any]:
    """The report as the JSON object PRODUCT.md specifies, plus keys it does not name.

    Added keys, never in place of a contract key: ``bridge`` (how the bill splits into in
    use and waste, and the waste by the plan's actions); ``skipped`` and ``warnings``;
    ``sites`` (the chargeback view), ``cancellation`` (the plan per license type) and
    ``pairings`` (each seat the plan gives a Contact); ``changes`` and
    ``realised_monthly_saving`` (null without a history); ``summary.unpriced_seats`` and
    ``summary.suppressed_findings``. ``statement`` and ``summary.monthly_overbilled`` are
    PRODUCT.md's (null without a statement); ``realised_monthly_credit`` (the over-billing
    claims of the previous run that are gone; null without a history or a statement).
    ``ledger=False`` leaves the ledger array empty, for :func:`write_json`, which writes it
    straight from the ledger's columns.
    """
    s = report.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "tool_version": report.tool_version,
        "tenant": report.tenant,
        "as_of": report.as_of.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "currency": report.currency,
        "inputs": [{"name": i.name, "sha256": i.sha256} for i in report.inputs],
        "settings": report.settings.as_dict(),
        "summary": {
            "users": s.users,
            "active_users": s.active_users,
            "inactive_users": s.inactive_users,
            "contacts": s.contacts,
            "seats_total": s.seats_total,
            "seats_assigned": s.seats_assigned,
            "seats_unassigned": s.seats_unassigned,
            "seats_suspended": s.seats_suspended,
            "unpriced_seats": s.unpriced_seats,
            "monthly_cost": amount(s.monthly_cost_cents),
            "monthly_waste": amount(s.monthly_waste_cents),
            "annual_waste": amount(s.annual_waste_cents),
            "monthly_saving": amount(s.monthly_saving_cents),
            "findings_by_rule": dict(s.findings_by_rule),
            "findings_by_severity": dict(s.findings_by_severity),
            "suppressed_findings": s.suppressed_findings,
            "monthly_overbilled": amount(s.monthly_overbilled_cents),
            "unknown_status_users": s.unknown_status_users,
        },
        "licenses": _records(report.pools, (*POOL_COLUMNS, *POOL_JSON_EXTRA)),
        "findings": _records(report.findings, ALL_FINDING_COLUMNS),
        "ledger": ledger_records(report.ledger) if ledger else [],
        "bridge": bridge_dict(report.bridge),
        "sites": _records(report.sites, SITE_COLUMNS),
        "cancellation": _records(report.cancellation, CANCELLATION_COLUMNS),
        "renewals": _records(report.renewals, RENEWAL_COLUMNS),
        "pairings": _records(report.pairings, PAIRING_COLUMNS),
        "skipped": [{"rule": k.rule, "reason": k.reason} for k in report.skipped],
        "changes": _changes(report),
        "realised_monthly_saving": amount(report.realised_monthly_saving_cents),
        "realised_monthly_credit": amount(report.realised_monthly_credit_cents),
        "warnings": list(report.warnings),
        "statement": statement_dict(report.statement, report.bill, report.credits),
    }


#: Arrays written one element per line: compact, diffable, and encoded by json's C encoder
#: (an indented dump falls back to pure Python, minutes at a million users).
_ROW_ARRAYS = frozenset({"findings", "licenses", "ledger"})


def dumps(data: dict[str, Any]) -> str:
    """The report as JSON text: keys sorted, small parts indented, big arrays a row per line."""
    parts = [f"  {json.dumps(key)}: {text}" for key, text in _parts(data)]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def ledger_lines(ledger: pd.DataFrame) -> pa.Array:
    """Each ledger row as its JSON object text, exactly as ``json.dumps(record, sort_keys=True)``
    writes the matching :func:`ledger_records` entry.

    Built a column at a time: each distinct value is encoded once by :func:`json.dumps`, the
    codes take their text, and Arrow joins the columns. A million seats as dicts cost seconds
    and gigabytes (a dict per row); this costs one string per row.
    """
    names = sorted(JSON_LEDGER_COLUMNS)
    pieces: list[Any] = []
    for position, name in enumerate(names):
        key = ("{" if position == 0 else ", ") + json.dumps(name) + ": "
        pieces.append(pa.scalar(key, type=pa.large_string()))
        pieces.append(_encoded(ledger, name))
    pieces.append(pa.scalar("}", type=pa.large_string()))
    if ledger.empty:
        return pa.array([], type=pa.large_string())
    return pc.binary_join_element_wise(*pieces, pa.scalar("", type=pa.large_string()))


def _encoded(ledger: pd.DataFrame, name: str) -> pa.Array:
    """The JSON text of every value of column ``name`` (``monthly_price`` from cents)."""
    if name == "monthly_price":
        cents = ledger.price_cents.astype("Float64")
        values = amounts(cents).astype(object).where(cents.notna(), None)
    elif name == "waste":
        values = ledger.waste.astype(bool)
    else:
        values = _term_values(ledger, name)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = pa.concat_arrays([_texts(list(uniques)), pa.array(["null"], type=pa.large_string())])
    codes = np.where(codes < 0, len(uniques), codes)
    return table.take(pa.array(codes))


def _term_values(ledger: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as JSON values: None where missing, money from the cents columns."""
    if name in TERM_MONEY_COLUMNS and f"{name}_cents" in ledger:
        cents = ledger[f"{name}_cents"].astype("Float64")
        return amounts(cents).astype(object).where(cents.notna(), None)
    if name not in ledger:
        return pd.Series(None, index=ledger.index, dtype=object)
    column = ledger[name].astype(object)
    if name in TERM_DATE_COLUMNS:  # a handful of distinct dates: ISO text once per date
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        texts = np.array([_iso(v) for v in uniques] + [None], dtype=object)
        return pd.Series(texts[codes], index=ledger.index, dtype=object)
    return column.where(column.notna(), None)


#: What JSON must escape in a string: the quote, the backslash and the control characters.
_ESCAPED: Final = r'["\\\x00-\x1f]'


def _texts(uniques: list[object]) -> pa.Array:
    """The JSON text of each distinct value. Text that needs no escape is only quoted (by
    Arrow, a million ids in milliseconds); the rest goes through :func:`json.dumps`."""
    if uniques and all(isinstance(v, str) for v in uniques):
        text = pa.array(uniques, type=pa.large_string())
        quote = pa.scalar('"', type=pa.large_string())
        quoted = pc.binary_join_element_wise(quote, text, quote, pa.scalar("", pa.large_string()))
        dirty = pc.match_substring_regex(text, _ESCAPED)
        escaped = [json.dumps(uniques[i], ensure_ascii=False) for i in pc.indices_nonzero(dirty)]
        if not escaped:
            return quoted
        return pc.replace_with_mask(quoted, dirty, pa.array(escaped, type=pa.large_string()))
    return pa.array([json.dumps(_plain(v), ensure_ascii=False) for v in uniques], pa.large_string())


def _plain(value: object) -> object:
    """A numpy scalar as its Python value, so json encodes it as it would the record's."""
    return value.item() if hasattr(value, "item") else value


#: Ledger rows written per batch: the text of one batch is held at a time.
_BATCH: Final = 100_000


def _write_rows(handle: IO[str], lines: pa.Array) -> None:
    """The ledger array, a row per line, as :func:`dumps` writes its row arrays."""
    if len(lines) == 0:
        handle.write("[]")
        return
    handle.write("[\n")
    for start in range(0, len(lines), _BATCH):
        batch = lines.slice(start, _BATCH).to_pylist()
        handle.write(("" if start == 0 else ",\n") + "    " + ",\n    ".join(batch))
    handle.write("\n  ]")


def _parts(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Each key of ``data`` with its text, as :func:`dumps` lays it out."""
    for key in sorted(data):
        value = data[key]
        if key in _ROW_ARRAYS and value:
            rows = ",\n".join(
                "    " + json.dumps(row, sort_keys=True, ensure_ascii=False, default=_default)
                for row in value
            )
            text = "[\n" + rows + "\n  ]"
        else:
            text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, default=_default)
            text = text.replace("\n", "\n  ")
        yield key, text


def write_json(report: Report, path: Path) -> None:
    """Write audit.json; the same report always gives the same bytes.

    The same text as ``dumps(report_dict(report))``, but the ledger goes straight from its
    columns to the file (:func:`ledger_lines`), never through a dict per seat.
    """
    data = report_dict(report, ledger=False)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("{\n")
        for position, (key, text) in enumerate(_parts(data)):
            handle.write(("" if position == 0 else ",\n") + f"  {json.dumps(key)}: ")
            if key == "ledger":
                _write_rows(handle, ledger_lines(report.ledger))
            else:
                handle.write(text)
        handle.write("\n}\n")
