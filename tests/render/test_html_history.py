"""audit.html month over month: what is new and resolved, the trend, the accepted findings.

The reports are the second of two real audits with one history (tests/render/months.py), so
these tests read what a user's second month looks like, not a hand-made report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from auditor.model import Changes
from auditor.pipeline import AuditResult, audit_folder
from auditor.render.html.charts import (
    MAX_TREND_RUNS,
    TREND_DATES_SHOWN,
    TREND_VALUES_PRINTED,
    trend_chart,
)
from auditor.render.html.history import MAX_HTML_CHANGES, MAX_HTML_SUPPRESSED
from auditor.render.html.page import render_html
from auditor.settings.options import AuditOptions
from tests.conftest import NOW, TenantFactory, user
from tests.helpers.html import Page, assert_bridge_adds_up, bridge_cents
from tests.render.conftest import finding, make_report, rederived
from tests.render.months import (
    HOSTILE_OWNER,
    HOSTILE_REASON,
    NEW,
    RESOLVED,
    tenant_in,
    two_months,
)


@pytest.fixture(scope="module")
def november(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    root = tmp_path_factory.mktemp("months")
    return two_months(tenant_in(root), root / "out", formats=("html",))


@pytest.fixture(scope="module")
def page(november: AuditResult) -> str:
    (path,) = november.written
    return path.read_text(encoding="utf-8")


def section(text: str, section_id: str) -> str:
    start = text.index(f'<section id="{section_id}"')
    return text[start : text.index("</section>", start)]


def element(text: str, element_id: str, end: str) -> str:
    start = text.index(f'id="{element_id}"')
    return text[start : text.index(end, start)]


def rows_of(text: str, table_id: str) -> list[str]:
    body = element(text, table_id, "</table>")
    return re.findall(r"<tr[ >].*?</tr>", body, flags=re.S)


@pytest.mark.slow
def test_since_last_audit_sits_after_the_money_and_before_the_findings(page: str) -> None:
    changes = page.index('<section id="changes"')
    assert page.index('<section id="money"') < changes < page.index('<section id="plan"')
    assert changes < page.index('id="findings-table"')


def test_since_last_audit_counts_new_resolved_persisting_and_the_saving(
    page: str, november: AuditResult
) -> None:
    text = section(page, "changes")
    assert 'id="previous-as-of">1 October 2026<' in text
    assert 'id="changes-new">2<' in text
    assert 'id="changes-resolved">2<' in text
    assert 'id="changes-persisting">3<' in text
    assert 'id="realised-saving">USD 68.00<' in text
    # the figure comes from the library
    assert november.report.realised_monthly_saving_cents == 6800


def test_new_and_resolved_findings_are_listed_with_their_cost(
    page: str, november: AuditResult
) -> None:
    titles = november.report.findings.set_index("id").title
    new = rows_of(page, "new-findings")
    assert len(new) == len(NEW)
    late = next(r for r in new if "LATE Test" in r)
    assert "USD 24.00" in late
    assert any(titles[NEW[0]].replace("<", "&lt;").replace(">", "&gt;") in r for r in new)
    resolved = rows_of(page, "resolved-findings")
    assert len(resolved) == len(RESOLVED)
    assert "GONE Test &lt;gone@example.com&gt; is deactivated but still holds X4" in resolved[0]
    assert all("USD 34.00" in r for r in resolved)  # their cost in the previous audit
    assert "X4 unassigned and still billed" in resolved[1]


def test_waste_trend_is_an_inline_svg_bar_per_audit(page: str) -> None:
    figure = element(page, "waste-trend", "</figure>")
    assert "<svg" in figure
    assert "Monthly waste at each audit (USD)" in figure
    labels = Page(figure).svg_text
    assert {"2026-10-01", "2026-11-01"} <= set(labels)
    assert {"68.00", "24.00"} <= set(labels)  # each bar carries its amount
    assert "<script" not in figure
    assert not re.search(r"https?:|xlink:href|<!--", figure)
    assert Page(page).tags.count("script") == 1


def test_suppressed_rows_stay_greyed_with_reason_owner_and_expiry(page: str) -> None:
    parsed = Page(page)
    status = {r["data-rule"]: r for r in parsed.rows if r.get("data-status") == "suppressed"}
    assert set(status) == {"unassigned-billed-seats", "contact-without-license"}
    assert all(r["class"] == "suppressed" for r in status.values())
    assert [r.get("class") for r in parsed.rows].count("suppressed") == 2
    row = element(page, "findings-table", "</table>")
    row = row[row.index('class="suppressed"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="badge sev-suppressed">suppressed</span>' in row  # the word, not only grey
    assert "until 31 January 2027" in row
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;keep spares&#34;)" in row  # escaped, as text
    assert "@ops &lt;b&gt;lead&lt;/b&gt;" in row
    assert HOSTILE_OWNER not in page
    assert HOSTILE_REASON not in page  # only ever escaped


def test_status_filter_offers_open_and_suppressed(page: str) -> None:
    filters = {v for t, n, v in Page(page).attributes if n == "data-filter"}
    assert "status" in filters
    select = element(page, "findings-table", "</table>")
    assert 'data-status="open"' in select


def test_findings_show_first_seen_and_days_open(page: str) -> None:
    table = element(page, "findings-table", "</table>")
    assert ">Open since</th>" in table
    rows = rows_of(page, "findings-table")[1:]
    c1 = next(r for r in rows if 'title="user c1"' in r)
    assert "1 October 2026" in c1
    assert "31 days" in c1
    c2 = next(r for r in rows if 'title="user c2"' in r)
    assert "New in this audit" in c2
    assert "0 days" not in c2
    assert "1 November 2026" not in c2


def test_suppressions_section_lists_every_suppressed_finding(page: str) -> None:
    text = section(page, "suppressions")
    assert "2 findings are accepted" in text
    rows = rows_of(text, "suppressions-table")[1:]
    assert len(rows) == 2
    first, second = rows
    assert "unassigned-billed-seats" in first
    assert "license_type: X2" in first
    assert "USD 48.00" in first
    assert "@ops &lt;b&gt;lead&lt;/b&gt;" in first
    assert "31 January 2027" in first
    assert "svc-fax" in second
    assert "Fax line; needs no seat" in second
    assert "it@example.com" in second
    assert ">never<" in second  # no expiry


def test_suppressed_cost_is_left_out_of_its_rule_group(page: str) -> None:
    card = element(page, "rule-unassigned-billed-seats", "</article>")
    expected = "1 finding, USD 0.00 a month of the waste (1 suppressed, not counted)"
    assert expected in " ".join(card.split())


def test_seats_kept_on_purpose_are_in_the_bridge_not_the_headline(
    page: str, november: AuditResult
) -> None:
    """The suppressed finding's spares are waste the plan keeps: the bridge shows them as
    kept, and the headline (and the saving) leave them out."""
    bridge = november.report.bridge
    assert bridge.kept > 0
    assert_bridge_adds_up(bridge_cents(page), bridge)
    assert 'id="monthly-waste">USD 24.00<' in page
    assert bridge.open_waste == 2400 == bridge.waste - bridge.kept


def test_an_expired_suppression_is_warned_about_and_counts_again(page: str) -> None:
    warnings = element(page, "warnings", "</ul>")
    assert "expired on 2026-10-15" in warnings
    rows = rows_of(page, "findings-table")[1:]
    c1 = next(r for r in rows if 'title="user c1"' in r)
    assert 'data-status="open"' in c1
    assert "sev-suppressed" not in c1


def test_without_history_the_page_says_so() -> None:
    report = make_report()
    assert report.changes is None
    text = render_html(report)
    assert 'id="no-history"' in section(text, "changes")
    assert "keeps no history" in text
    assert 'id="waste-trend"' not in text
    assert ">Open since</th>" not in text  # (the phone stylesheet names the column)
    assert 'id="no-suppressions"' in text
    assert 'data-filter="status"' not in text  # nothing suppressed: no filter to offer


@pytest.mark.slow
def test_first_audit_in_the_history_says_it_is_the_first(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    folder = tenant([user("c1", extension="1001")])
    options = AuditOptions(formats=("html",), history=tmp_path / "h.sqlite", tenant="Acme")
    result = audit_folder(folder, tmp_path / "out", now=NOW, options=options)
    text = section(result.written[0].read_text(encoding="utf-8"), "changes")
    assert 'id="first-run"' in text
    assert "first audit of <bdi>Acme</bdi>" in text
    assert 'id="no-trend"' in text
    assert "holds 1 so far" in text
    assert "<svg" not in text


def test_long_lists_are_capped_and_point_to_the_workbook() -> None:
    count = MAX_HTML_CHANGES + 30
    rows = [
        finding("contact-without-license", f"u{i:04}", title=f"Contact {i:04}")
        for i in range(count)
    ]
    report = make_report(findings=rows)
    findings = report.findings.assign(
        suppressed=True,
        suppression_reason="ok",
        suppression_owner="it",
        suppression_expires=dt.date(2027, 1, 1),
        first_seen=report.as_of,
        days_open=0,
    )
    resolved = pd.DataFrame(
        {
            "id": [f"stale-deactivated-user:g{i:04}" for i in range(count)],
            "rule": "stale-deactivated-user",
            "severity": "high",
            "title": [f"Gone {i:04}" for i in range(count)],
            "entity_type": "user",
            "entity_id": [f"g{i:04}" for i in range(count)],
            "monthly_cost_cents": 2400,
            "suppressed": False,
            "first_seen": "2026-09-01",
        }
    )
    changes = Changes(dt.date(2026, 10, 1), tuple(findings.id), tuple(resolved.id), 0)
    text = render_html(
        rederived(
            dataclasses.replace(
                report,
                findings=findings,
                changes=changes,
                resolved=resolved,
                realised_monthly_saving_cents=count * 2400,
                summary=dataclasses.replace(report.summary, suppressed_findings=count),
            )
        )
    )
    assert len(rows_of(text, "new-findings")) == MAX_HTML_CHANGES
    assert len(rows_of(text, "resolved-findings")) == MAX_HTML_CHANGES
    assert "and 30 more" in element(text, "more-new", "</p>")
    assert "and 30 more" in element(text, "more-resolved", "</p>")
    assert len(rows_of(text, "suppressions-table")) == MAX_HTML_SUPPRESSED + 1  # and the header
    assert f"all {count:,}" in element(text, "more-suppressed", "</p>")


def test_a_long_history_shows_the_latest_audits_with_few_labels() -> None:
    runs = 40
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=30 * i) for i in range(runs)]
    trend = pd.DataFrame(
        {
            "as_of": days,
            "findings": 10,
            "suppressed": 0,
            "monthly_cost_cents": pd.array([100000] * runs, dtype="Int64"),
            "monthly_waste_cents": pd.array([10000 + 100 * i for i in range(runs)], dtype="Int64"),
            "realised_monthly_saving_cents": pd.array([0] * runs, dtype="Int64"),
        }
    )
    chart = trend_chart(dataclasses.replace(make_report(), trend=trend))
    assert chart is not None
    assert chart.caption == f"Monthly waste at each audit (USD): the last {MAX_TREND_RUNS} of 40"
    labels = Page(str(chart.svg)).svg_text
    dates = {t for t in labels if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t)}
    assert 0 < len(dates) <= TREND_DATES_SHOWN
    assert days[-1].isoformat() in dates  # the latest audit is always labelled
    assert days[runs - MAX_TREND_RUNS - 1].isoformat() not in labels  # older ones left out
    printed = r"<text[^>]*>139\.00</text>"  # an amount written on its bar
    assert not re.search(printed, str(chart.svg))  # too many bars to print each amount
    few = trend.tail(TREND_VALUES_PRINTED)
    small = trend_chart(dataclasses.replace(make_report(), trend=few))
    assert small is not None
    assert re.search(printed, str(small.svg))
    assert trend_chart(dataclasses.replace(make_report(), trend=trend.tail(1))) is None


def test_nothing_resolved_is_not_dressed_as_a_success(november: AuditResult) -> None:
    """Zero resolved and no realised saving are plain cards; only a real gain is green."""
    changes = november.report.changes
    assert changes is not None
    quiet = rederived(
        dataclasses.replace(
            november.report,
            changes=dataclasses.replace(changes, resolved=()),
            realised_monthly_saving_cents=0,
        )
    )
    text = section(render_html(quiet), "changes")
    resolved = text[text.rindex('<div class="card', 0, text.index('id="changes-resolved"')) :]
    assert resolved.startswith('<div class="card">')
    realised = text[text.rindex('<div class="card', 0, text.index('id="realised-saving"')) :]
    assert realised.startswith('<div class="card">')
    assert 'class="card saving"' not in text
    loud = section(render_html(november.report), "changes")
    assert loud.count('<div class="card saving">') == 2  # 2 resolved, USD 68.00 realised
