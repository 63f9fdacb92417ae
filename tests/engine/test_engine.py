"""The engine on the hand-worked examples: findings, pools and the summary's money."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from auditor.engine.run import run
from auditor.errors import RuleError
from auditor.model import Settings
from auditor.snapshot.load import load
from auditor.vocab import MONEY_COLUMNS
from tests.conftest import DEMO, FIXTURES, NOW, audit, ids


@pytest.mark.slow
def test_tiny_example_matches_the_hand_worked_findings(tiny_dir: Path) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 1))
    assert ids(report, "unassigned-billed-seats") == ["X2", "X4"]
    assert ids(report, "contact-without-license") == ["u3", "u5"]
    assert ids(report, "stale-deactivated-user") == ["u2"]
    assert ids(report, "tax-address-mismatch") == ["L4", "L5"]
    assert ids(report, "license-overassigned") == []
    severity = report.findings.set_index("id").severity
    assert severity["contact-without-license:u3"] == "medium"
    assert severity["contact-without-license:u5"] == "info"
    s = report.summary
    assert (s.monthly_cost_cents, s.monthly_waste_cents, s.annual_waste_cents) == (
        14500,
        8200,
        98400,
    )
    assert (s.users, s.active_users, s.inactive_users, s.contacts) == (5, 4, 1, 2)
    assert (s.seats_total, s.seats_assigned, s.seats_unassigned, s.seats_suspended) == (6, 4, 2, 0)
    assert report.pools.monthly_waste_cents.sum() == s.monthly_waste_cents
    assert report.findings.id.is_unique


@pytest.mark.slow
def test_tiny_pools_form_skips_the_tax_rule_only(tiny_dir: Path) -> None:
    snap = load(tiny_dir, licenses=FIXTURES / "tiny-pools" / "licenses.csv")
    report = run(snap, Settings(as_of=dt.date(2026, 11, 1)), tenant="t", generated_at=NOW)
    assert [k.rule for k in report.skipped] == [
        "tax-address-mismatch",
        # no statement.csv in the tiny tenant: the bill rules are skipped, never clean
        "billed-over-inventory",
        "price-above-contract",
        "tax-outside-service-states",
        "billed-unknown-product",
        "idle-phone-numbers",  # no numbers.csv either
    ]
    assert report.summary.monthly_waste_cents == 8200
    assert report.summary.findings_by_rule == {
        "unassigned-billed-seats": 2,
        "contact-without-license": 2,
        "stale-deactivated-user": 1,
        "license-overassigned": 0,
        "sources-disagree": 0,
    }


@pytest.mark.slow
def test_demo_matches_its_planted_expectations() -> None:
    expected = json.loads((DEMO / "expected.json").read_text())
    report = audit(DEMO, dt.date(2026, 11, 2))
    assert dict(report.summary.findings_by_rule) == expected["findings_by_rule"]
    for rule, entity_ids in expected["entity_ids"].items():
        assert ids(report, rule) == sorted(entity_ids), rule
    summary = vars(report.summary)
    for key, value in expected["summary"].items():  # the oracle's amounts; the Report's cents
        if key in MONEY_COLUMNS:
            assert summary[f"{key}_cents"] == round(value * 100), key
        else:
            assert summary[key] == value, key
    assert report.skipped == ()  # numbers.csv too: two numbers still porting in, none idle
    costs = report.findings.set_index(["rule", "entity_id"]).monthly_cost_cents
    for rule, by_entity in expected["monthly_cost_by_finding"].items():
        for entity, value in by_entity.items():
            if value is not None:
                assert costs[(rule, entity)] == round(value * 100), (rule, entity)
    bill = expected["statement"]
    assert report.statement is not None
    assert report.statement.recurring_billed / 100 == bill["recurring_billed"]
    assert report.statement.recurring_expected / 100 == bill["recurring_expected"]
    assert report.statement.difference / 100 == bill["difference"]
    assert (report.statement.lines, report.statement.lines_matched) == (
        bill["lines"],
        bill["lines_matched"],
    )
    billed = report.bill.dropna(subset=["license_type"]).set_index("license_type")
    for name, figures in bill["types"].items():
        row = billed.loc[name]
        assert (row.billed_quantity, row.billed_cents / 100, row.inventory_total) == (
            figures["quantity"],
            figures["amount"],
            figures["total"],
        ), name


@pytest.mark.slow
def test_finding_ids_are_stable_and_order_is_deterministic(tiny_dir: Path) -> None:
    first = audit(tiny_dir)
    second = audit(tiny_dir)
    assert first.findings.id.tolist() == second.findings.id.tolist()
    assert "stale-deactivated-user:u2" in set(first.findings.id)
    ranks = first.findings.severity.map({"high": 0, "medium": 1, "low": 2, "info": 3})
    assert ranks.is_monotonic_increasing


@pytest.mark.slow
def test_a_failing_rule_stops_the_audit_never_a_report_without_it(tiny_dir: Path) -> None:
    from auditor.rules._base import discover

    rules = discover()
    broken = rules[0].__class__(
        meta=rules[0].meta,
        check=lambda s, c: 1 / 0,
        requires=rules[0].requires,  # type: ignore[arg-type,return-value]
    )
    with pytest.raises(RuleError, match=r"^rule unassigned-billed-seats failed .*ZeroDivision"):
        run(
            load(tiny_dir),
            Settings(as_of=dt.date(2026, 11, 1)),
            tenant="t",
            generated_at=NOW,
            rules=[broken, *rules[1:]],
        )
