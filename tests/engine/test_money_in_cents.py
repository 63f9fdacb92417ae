"""Money is integer cents in the Report; only a renderer turns it into an amount.

The demo is audited with its statement, the example contract and a history of two runs, so
every money table is filled: the trend, the changes, the credits, the renewals and the
contract's ledger columns. No Report table may hold an amount under the name a report shows
(``monthly_cost``), every ``*_cents`` column holds integers, and :func:`shown` of a table is
what audit.json says of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditor.engine.bill import BILL_COLUMNS, CREDIT_COLUMNS, money_table
from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.engine.terms import RENEWAL_COLUMNS, TERM_MONEY_COLUMNS
from auditor.model import ALL_FINDING_COLUMNS, POOL_COLUMNS, POOL_JSON_EXTRA, Report, Summary
from auditor.pipeline import audit_folder
from auditor.render.cells import shown
from auditor.settings.options import AuditOptions
from auditor.vocab import MONEY_COLUMNS
from tests.conftest import DEMO, FIXTURES

pytestmark = pytest.mark.slow  # whole audits

#: The tables every run of the demo fills, by their path on the Report.
FILLED = frozenset(
    {
        "findings",
        "pools",
        "ledger",
        "sites",
        "cancellation",
        "renewals",
        "pairings",
        "tax",
        "trend",
        "bill",
        "credits",
    }
)


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, dict[str, Any]]:
    """The demo's second audit (history of two runs) and its audit.json."""
    root = tmp_path_factory.mktemp("cents")
    history = root / "history.sqlite"
    contract = FIXTURES / "contract" / "contract.csv"
    result = None
    for as_of in (dt.date(2026, 10, 2), dt.date(2026, 11, 2)):
        options = AuditOptions(formats=("json",), history=history, as_of=as_of, contract=contract)
        now = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC)
        result = audit_folder(DEMO, root / as_of.isoformat(), now=now, options=options)
    assert result is not None
    data = json.loads(Path(result.written[0]).read_text(encoding="utf-8"))
    return result.report, data


def frames(value: object, path: str = "") -> Iterator[tuple[str, pd.DataFrame]]:
    """Every DataFrame reachable from ``value`` through dataclass fields, by its path."""
    if isinstance(value, pd.DataFrame):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            name = f"{path}.{field.name}" if path else field.name
            yield from frames(getattr(value, field.name), name)


def test_no_report_table_holds_an_amount_and_cents_are_integers(
    second: tuple[Report, dict[str, Any]],
) -> None:
    report, _ = second
    tables = dict(frames(report))
    filled = {path for path, table in tables.items() if len(table)}
    assert filled >= FILLED, sorted(FILLED - filled)
    assert report.trend is not None
    assert len(report.trend) == 2
    assert report.changes is not None
    assert report.changes.previous_as_of == dt.date(2026, 10, 2)
    for path, table in tables.items():
        amounts = sorted(MONEY_COLUMNS.intersection(table.columns))
        assert amounts == [], f"{path} holds amounts: {amounts}"
        for column in (c for c in table.columns if str(c).endswith("_cents")):
            dtype = table[column].dtype
            assert pd.api.types.is_integer_dtype(dtype), f"{path}.{column} is {dtype}"
    # the contract's figures are in the ledger, in cents (some unknown: X8 has no price)
    ledger = report.ledger
    assert ledger.saving_now_cents.notna().any()
    assert ledger.buyout_fee_cents.fillna(0).gt(0).any()


def test_summary_and_report_money_fields_are_ints(second: tuple[Report, dict[str, Any]]) -> None:
    report, _ = second
    money = [f.name for f in dataclasses.fields(Summary) if f.name.endswith("_cents")]
    assert money == [
        "monthly_cost_cents",
        "monthly_waste_cents",
        "annual_waste_cents",
        "monthly_saving_cents",
        "monthly_overbilled_cents",
    ]
    values = {name: getattr(report.summary, name) for name in money}
    values["realised_monthly_saving_cents"] = report.realised_monthly_saving_cents
    values["realised_monthly_credit_cents"] = report.realised_monthly_credit_cents
    for name, value in values.items():
        assert type(value) is int, f"{name} is {type(value).__name__}"
    assert values["annual_waste_cents"] == 12 * values["monthly_waste_cents"]
    assert values["monthly_overbilled_cents"] == 17060  # the demo statement's claims


def _same(report_value: object, json_value: object) -> bool:
    """An amount as shown equals audit.json's: both unknown, or the same number."""
    if json_value is None:
        return isinstance(report_value, float) and math.isnan(report_value)
    return report_value == json_value


@pytest.mark.parametrize(
    ("key", "table", "columns"),
    [
        ("licenses", "pools", (*POOL_COLUMNS, *POOL_JSON_EXTRA)),
        ("findings", "findings", ALL_FINDING_COLUMNS),
        ("sites", "sites", SITE_COLUMNS),
        ("cancellation", "cancellation", CANCELLATION_COLUMNS),
        ("renewals", "renewals", RENEWAL_COLUMNS),
        ("pairings", "pairings", PAIRING_COLUMNS),
        ("statement.credits", "credits", CREDIT_COLUMNS),
    ],
)
def test_shown_gives_what_audit_json_holds(
    second: tuple[Report, dict[str, Any]], key: str, table: str, columns: tuple[str, ...]
) -> None:
    report, data = second
    rows: Any = data
    for part in key.split("."):
        rows = rows[part]
    frame = shown(getattr(report, table), columns)
    assert len(rows) == len(frame) > 0
    assert all(set(r) == set(columns) for r in rows)
    money = [c for c in columns if c in MONEY_COLUMNS]
    assert money, f"{table} shows no money"
    for column in money:
        got = frame[column].tolist()
        written = [r[column] for r in rows]
        mismatch = [(a, b) for a, b in zip(got, written, strict=True) if not _same(a, b)]
        assert mismatch == [], f"{key}.{column}"
        # and each amount is its cents exactly: cents / 100 read back rounds to the cents
        cents = getattr(report, table)[f"{column}_cents"]
        for c, v in zip(cents, written, strict=True):
            assert (v is None) if pd.isna(c) else round(v * 100) == c


def test_the_ledger_and_the_bill_show_the_same_amounts_as_audit_json(
    second: tuple[Report, dict[str, Any]],
) -> None:
    """The two tables whose amounts are not read through :func:`shown` by name: the ledger's
    price (``price_cents``, shown as ``monthly_price``) and the bill's reconciliation
    (``engine.bill.money_table``); the contract's ledger columns are :func:`shown`'s."""
    report, data = second
    ledger = data["ledger"]
    terms = shown(report.ledger, sorted(TERM_MONEY_COLUMNS))
    assert len(ledger) == len(report.ledger)
    for column in sorted(TERM_MONEY_COLUMNS):
        written = [r[column] for r in ledger]
        assert any(v is not None for v in written), column
        assert all(_same(a, b) for a, b in zip(terms[column], written, strict=True)), column
    prices = [None if pd.isna(c) else c / 100 for c in report.ledger.price_cents]
    assert [r["monthly_price"] for r in ledger] == prices
    bill = money_table(report.bill)
    types = data["statement"]["types"]
    assert len(types) == len(bill) > 0
    for column in (c for c in BILL_COLUMNS if c in MONEY_COLUMNS):
        values = bill[column].tolist()
        assert all(_same(a, r[column]) for a, r in zip(values, types, strict=True)), column
