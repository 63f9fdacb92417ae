"""The top of audit.html: the bridge as two sums, then "What to do this month"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from auditor.model import Report
from auditor.render.html.actions import MAX_ACTION_IDS, MAX_ACTIONS, top_actions
from auditor.render.html.page import render_html
from tests.conftest import DEMO, audit


@pytest.fixture(scope="module")
def demo_report() -> Report:
    return audit(DEMO, dt.date(2026, 11, 2))


@pytest.fixture(scope="module")
def demo_html(demo_report: Report) -> str:
    return render_html(demo_report)


def todo_items(page: str) -> list[str]:
    section = page[page.index('<section id="todo"') :]
    section = section[: section.index("</section>")]
    return re.findall(r"<li .*?</li>", section, flags=re.S)


@pytest.mark.slow
def test_actions_are_the_open_findings_with_the_most_waste(demo_report: Report) -> None:
    findings = demo_report.findings
    open_ = findings[~findings.suppressed & findings.monthly_waste_cents.gt(0)]
    actions = top_actions(findings)
    assert len(actions.rows) == MAX_ACTIONS
    assert actions.more == len(open_) - MAX_ACTIONS
    cents = [a.monthly_waste for a in actions.rows]
    assert cents == sorted(open_.monthly_waste_cents, reverse=True)[:MAX_ACTIONS]
    assert cents[0] == 50_000  # VCC Agent's four unassigned seats
    by_id = findings.set_index("id")
    for action in actions.rows:
        row = by_id.loc[action.finding_id]
        assert action.sentence == row.recommendation  # the engine's words, unchanged
        assert list(action.license_ids) == list(row.license_ids)[:MAX_ACTION_IDS]
        assert action.monthly_waste == row.monthly_waste_cents


def test_a_suppressed_or_waste_free_finding_is_never_an_action(demo_report: Report) -> None:
    findings = demo_report.findings.copy()
    top = top_actions(findings).rows[0].finding_id
    findings.loc[findings.id.eq(top), "suppressed"] = True
    ids = {a.finding_id for a in top_actions(findings, limit=1000).rows}
    assert top not in ids
    free = set(findings.id[findings.monthly_waste_cents.eq(0)])
    assert free
    assert not ids & free


def test_many_ids_are_cut_with_a_count(demo_report: Report) -> None:
    findings = demo_report.findings.copy()
    top = findings.monthly_waste_cents.idxmax()
    findings.at[top, "license_ids"] = [f"L{n:05d}" for n in range(MAX_ACTION_IDS + 7)]
    (first,) = top_actions(findings, limit=1).rows
    assert len(first.license_ids) == MAX_ACTION_IDS
    assert first.more_ids == 7


@pytest.mark.slow
def test_the_page_lists_the_actions_under_the_bridge(demo_html: str, demo_report: Report) -> None:
    assert demo_html.index('<section id="bridge"') < demo_html.index('<section id="todo"')
    assert demo_html.index('<section id="todo"') < demo_html.index('<section id="money"')
    items = todo_items(demo_html)
    actions = top_actions(demo_report.findings).rows
    assert len(items) == len(actions) == MAX_ACTIONS
    for item, action in zip(items, actions, strict=True):
        assert f'data-cents="{action.monthly_waste}"' in item
        assert f"USD {action.monthly_waste / 100:,.2f}" in item
        for license_id in action.license_ids:
            assert f"<code>{license_id}</code>" in item
    assert "File a partial cancellation request with 8x8 for 4 licenses" in items[0]


def test_the_headline_sentence_is_the_bridge(demo_html: str, demo_report: Report) -> None:
    lead = demo_html[demo_html.index('id="headline"') :]
    lead = " ".join(lead[: lead.index("</p>")].split())
    assert ">USD 1,476.00</strong> a month (USD 17,712.00 a year)" in lead
    assert ">USD 1,110.00</strong> a month off the bill" in lead
    assert demo_report.bridge.open_waste == 147_600


def test_no_action_is_said_not_left_blank(tiny_report: Report) -> None:
    page = render_html(tiny_report)
    if top_actions(tiny_report.findings).rows:
        assert 'id="todo-list"' in page
    empty = tiny_report.findings.iloc[0:0]
    assert top_actions(empty).rows == ()


def test_dates_read_as_a_person_writes_them(demo_html: str) -> None:
    header = demo_html[: demo_html.index("</header>")]
    assert "<dd>2 November 2026</dd>" in header
    assert re.search(r"<dd>\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC</dd>", header)
    assert "+00:00" not in header
