"""Every discovered rule: complete metadata, fires on the demo, silent on a clean tenant, pure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from auditor.engine.run import prepared
from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import CONTRACT_ORDER, RESULT_COLUMNS, Rule, discover
from auditor.snapshot.load import load
from tests.conftest import DEMO, FIXTURES

RULES = discover()
AS_OF = dt.date(2026, 11, 2)


def test_the_contract_rules_are_all_there_in_order() -> None:
    assert [r.meta.id for r in RULES] == list(CONTRACT_ORDER)


@pytest.mark.parametrize("item", RULES, ids=lambda r: r.meta.id)
def test_metadata_is_complete(item: Rule) -> None:
    meta = item.meta
    assert meta.entity in {"user", "license", "license_type", "bill_line"}
    assert isinstance(meta.severity, Severity)
    for text in (meta.title, meta.rationale, meta.remediation):
        assert len(text) > 20 or text == meta.title
        assert text.strip() == text
    assert item.check.__doc__


#: Rules about data quality fire where the exports disagree; the demo's exports agree.
FIRES_ON = {"sources-disagree": FIXTURES / "disagree"}


def _with_ledger(folder: Path) -> Snapshot:
    """A loaded snapshot with what the engine works out before any rule runs."""
    snap = load(folder)
    return prepared(snap, Settings(as_of=AS_OF))


@pytest.mark.parametrize("item", RULES, ids=lambda r: r.meta.id)
def test_fires_on_the_demo_without_touching_the_snapshot(item: Rule) -> None:
    snap = _with_ledger(FIRES_ON.get(item.meta.id, DEMO))
    assert snap.ledger is not None
    names = ("users", "holdings", "pools", "types", "statement")
    before = {name: getattr(snap, name).copy() for name in names if getattr(snap, name) is not None}
    before["ledger"] = snap.ledger.rows.copy()
    found = item.check(snap, Settings(as_of=AS_OF))
    assert item.skip_reason(snap) is None
    assert list(found.columns) == list(RESULT_COLUMNS)
    assert len(found) > 0
    assert found.entity_id.is_unique
    assert found.severity.isin([s.value for s in Severity]).all()
    assert (found.monthly_cost_cents >= 0).all()
    for column in ("title", "detail", "recommendation"):
        assert found[column].str.len().gt(10).all(), column
    for name, frame in before.items():
        now = snap.ledger.rows if name == "ledger" else getattr(snap, name)
        pd.testing.assert_frame_equal(now, frame)


@pytest.mark.parametrize("item", RULES, ids=lambda r: r.meta.id)
def test_silent_on_the_clean_tenant(item: Rule) -> None:
    snap = _with_ledger(FIXTURES / "clean")
    found = item.check(snap, Settings(as_of=AS_OF))
    assert list(found.columns) == list(RESULT_COLUMNS)
    assert found.empty
