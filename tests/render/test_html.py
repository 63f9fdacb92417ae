"""audit.html read as a person and a browser would: money first, nothing live from the tenant."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS
from auditor.model import Report
from auditor.render.html.charts import MAX_BARS
from auditor.render.html.page import MAX_HTML_FINDINGS, render_html, write_html
from auditor.render.html.plan import MAX_HTML_SITES
from auditor.render.html.view import rule_groups, typed_rows
from auditor.vocab import stored
from tests.conftest import DEMO, audit
from tests.helpers.html import URL_ATTRIBUTES, Page, assert_bridge_adds_up, bridge_cents
from tests.render.conftest import (
    HOSTILE,
    NOTICE,
    PAIR,
    SKIPPED,
    TINY_BRIDGE,
    WARNING,
    finding,
    frame,
    make_report,
    rederived,
)


@pytest.fixture
def tiny_html(tiny_report: Report) -> str:
    return render_html(tiny_report)


def test_header_names_the_audit(tiny_html: str) -> None:
    header = tiny_html[: tiny_html.index('id="money"')]
    for text in ("tiny", "1 November 2026", "2 November 2026, 12:00 UTC", "USD", "0.1.0"):
        assert text in header


def test_money_comes_before_the_findings(tiny_html: str) -> None:
    table = tiny_html.index('id="findings-table"')
    for figure in ("USD 82.00", "USD 984.00", "USD 145.00"):
        assert -1 < tiny_html.index(figure) < table
    assert tiny_html.index("Seats paid for") < table
    assert tiny_html.index("Contacts (no seat)") < table


def test_skipped_rules_and_warnings_come_before_the_findings(tiny_html: str) -> None:
    table = tiny_html.index('id="findings-table"')
    reason = SKIPPED.reason.replace("'", "&#39;")
    assert -1 < tiny_html.index(reason) < table
    assert -1 < tiny_html.index(WARNING.replace("'", "&#39;")) < table
    assert "did not run" in tiny_html
    # the skipped rule's own heading says it was skipped, never "No findings"
    card = tiny_html[tiny_html.index(f'id="rule-{SKIPPED.rule}"') :]
    card = card[: card.index("</article>")]
    assert "skipped" in card
    assert "No findings" not in card


def test_rules_are_grouped_with_title_rationale_count_and_waste(tiny_report: Report) -> None:
    page = render_html(tiny_report)
    for meta in tiny_report.rules:
        assert meta.title in page
        assert meta.rationale.replace("'", "&#39;") in page
    card = page[page.index('id="rule-unassigned-billed-seats"') :]
    assert "2 findings, USD 58.00 a month of the waste" in card[: card.index("</article>")]
    card = page[page.index('id="rule-tax-address-mismatch"') :]
    assert "2 findings, not waste themselves" in card[: card.index("</article>")]


def test_rule_groups_add_up_each_findings_share_of_the_waste(tiny_report: Report) -> None:
    """A finding's cost is context (here 100.00 for a seat it shares with another finding);
    the group's money is its share of the waste, so the groups add up to the headline."""
    rows = [
        finding("stale-deactivated-user", "u1", monthly_cost_cents=10000, monthly_waste_cents=0),
        finding("stale-deactivated-user", "u2", monthly_cost_cents=2400, monthly_waste_cents=2400),
        finding("tax-address-mismatch", "L4", monthly_cost_cents=2400),
    ]
    groups = {g.id: g for g in rule_groups(make_report(findings=rows), {})}
    stale = groups["stale-deactivated-user"]
    assert (stale.count, stale.monthly_waste, stale.monthly_cost) == (2, 24.0, 124.0)
    assert stale.counts_as_waste
    tax = groups["tax-address-mismatch"]
    assert (tax.monthly_waste, tax.counts_as_waste) == (0.0, False)


def test_findings_table_has_one_filterable_row_per_finding(tiny_report: Report) -> None:
    page = Page(render_html(tiny_report))
    assert len(page.rows) == len(tiny_report.findings)
    first = page.rows[0]
    assert first["data-severity"] == "high"
    assert first["data-rule"] == "stale-deactivated-user"
    assert first["data-site"] == "San Francisco"
    assert first["data-license-type"] == "X2"
    assert first["data-cost"] == "24.0"
    assert first["data-waste"] == "24.0"
    filters = {value for tag, name, value in page.attributes if name == "data-filter"}
    assert filters == {"severity", "rule", "site", "license-type"}
    assert ("button", "id", "sort-cost") in page.attributes


def test_severity_badge_carries_the_word(tiny_html: str) -> None:
    assert '<span class="badge sev-high">high</span>' in tiny_html
    assert '<span class="badge sev-info">info</span>' in tiny_html


def test_unknown_prices_are_unknown_never_zero(unpriced_report: Report) -> None:
    page = render_html(unpriced_report)
    assert 'id="unpriced"' in page
    assert "Prices unknown for 2 seats" in page
    note = page[page.index('id="bridge-unpriced"') :]
    assert "2 seats of unknown price are in none of these sums." in note[: note.index("</p>")]
    pools = page[page.index('id="pools-table"') :]
    pool = pools[pools.index("<td>X8</td>") :]
    pool = pool[: pool.index("</tr>")]
    assert pool.count("unknown") == 3
    assert "USD 0.00" not in pool
    row = page[page.index('data-license-type="X8"') :]
    row = row[: row.index("</tr>")]
    assert "unknown" in row
    assert "USD 0.00" not in row


def test_no_unpriced_warning_when_every_price_is_known(tiny_html: str) -> None:
    assert 'id="unpriced"' not in tiny_html
    assert 'id="bridge-unpriced"' not in tiny_html


def test_hostile_text_is_escaped_and_inert(hostile_report: Report) -> None:
    text = render_html(hostile_report)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    page = Page(text)
    assert page.tags.count("script") == 1
    assert not any(h in page.scripts[0] for h in HOSTILE if len(h) > 3)
    # data- attributes carry the tenant's text back exactly, so the filters match it
    assert {r["data-site"] for r in page.rows} == set(HOSTILE)
    assert {r["data-license-type"] for r in page.rows} == set(HOSTILE)


def test_nothing_is_loaded_from_the_network(hostile_report: Report) -> None:
    text = render_html(hostile_report)
    page = Page(text)
    loads = [(t, n, v) for t, n, v in page.attributes if n in URL_ATTRIBUTES]
    assert all(t == "a" and n == "href" and (v or "").startswith("#") for t, n, v in loads)
    assert len(loads) == len(hostile_report.rules)  # jumps to the rule groups, in the page
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert not re.search(r"url\(|@import", text)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, re.IGNORECASE)


def test_page_reads_on_a_phone_and_on_paper(tiny_html: str) -> None:
    assert 'name="viewport"' in tiny_html
    assert "@media print" in tiny_html
    assert "@page { size: auto;" in tiny_html  # the printer's paper: A4 or Letter
    assert "@media (max-width: 40rem)" in tiny_html
    assert "overflow-x: auto" in tiny_html
    print_css = tiny_html[tiny_html.index("@media print") :]
    print_css = print_css[: print_css.index("</style>")]
    assert ".filters" in print_css
    assert "position: static" in print_css
    assert "break-inside: avoid" in print_css


@pytest.fixture(scope="module")
def demo_report() -> Report:
    return audit(DEMO, dt.date(2026, 11, 2))


@pytest.fixture(scope="module")
def demo_html(demo_report: Report) -> str:
    return render_html(demo_report)


@pytest.mark.slow
def test_charts_are_inline_svg_with_nothing_live(demo_html: str) -> None:
    page = Page(demo_html)
    figures = [v for t, n, v in page.attributes if t == "figure" and n == "id"]
    assert figures == ["waste-by-type", "waste-by-site", "seats-by-pool", "by-severity"]
    assert page.tags.count("svg") == 3
    assert page.tags.count("script") == 1  # ours, after the tables; none from the charts
    assert "<!--" not in demo_html
    assert not re.search(r"https?:|url\(|@import|xlink:href", demo_html)
    assert "Pygal" not in demo_html  # every chart is named by its caption
    assert "VCC Agent: USD 750.00" in page.svg_text
    assert "Dallas Warehouse: USD 650.00" in page.svg_text
    assert "X4: 12 of 207" in page.svg_text  # waste seats first: 6 unassigned + 6 held
    # each bar's tooltip is its own value; the axis guides carry none
    assert "X4: 6 unassigned" in page.svg_text
    assert "X4: 6 held by deactivated users" in page.svg_text
    assert not [t for t in page.svg_text if re.fullmatch(r"USD \d+\.\d\d", t)]


@pytest.mark.slow
def test_charts_are_the_same_on_every_run() -> None:
    report = audit(DEMO, dt.date(2026, 11, 2))
    assert render_html(report) == render_html(report)


def test_tenant_text_in_chart_labels_stays_text(hostile_report: Report) -> None:
    text = render_html(hostile_report)
    page = Page(text)
    assert page.tags.count("script") == 1
    assert "<script>alert" not in text
    labels = " ".join(page.svg_text)
    for hostile in HOSTILE:
        assert hostile.split()[0][:20] in labels  # each site name is a label, as text


def test_wide_tenants_keep_charts_and_tables_small() -> None:
    many = [
        (f"s{i:03}", f"Site {i:03}", "CA", "US", 1, 1, 1, 0, 0, 1000, 100 + 100 * i, 1200)
        for i in range(MAX_HTML_SITES + 30)
    ]
    page_text = render_html(make_report(sites=frame(SITE_COLUMNS, many)))
    site_chart = page_text[page_text.index('id="waste-by-site"') :]
    site_chart = site_chart[: site_chart.index("</figure>")]
    assert site_chart.count("<rect") < 4 * MAX_BARS  # bars and their frames, not 130 bars
    assert f"{MAX_HTML_SITES + 30 - MAX_BARS + 1} others" in site_chart
    notice = page_text[page_text.index('id="more-sites"') :]
    assert f"all {MAX_HTML_SITES + 30:,}" in notice[: notice.index("</p>")]
    assert "Site 129" in page_text  # the costliest are the ones kept
    assert len(page_text.encode()) < 150_000  # a page a phone opens at once


#: A Contact the plan gives a seat it first reclaims from deactivated Bo Ortiz (u2).
RECLAIMED: dict[str, object] = {
    "user_id": "u5", "user": "Eli Vega <eli@example.com>", "site_id": "austin", "site": "Austin",
    "state": "TX", "country": "US", "license_id": "L3", "license_type": "X2",
    "monthly_price_cents": 2400, "action": "reclaim-then-reassign", "from_user": "u2",
    "same_state": True,
}  # fmt: skip


def pairings(*rows: dict[str, object]) -> pd.DataFrame:
    """A pairings table from rows by the Report's column names (money in cents), in order."""
    table = pd.DataFrame(list(rows)).reindex(columns=stored(PAIRING_COLUMNS))
    return table.astype({"monthly_price_cents": "Int64"})


def plan_row(license_type: str, **counts: object) -> dict[str, object]:
    """A cancellation row by the Report's column names (money in cents): zero seats of each
    kind unless ``counts`` says."""
    row: dict[str, object] = dict.fromkeys(stored(CANCELLATION_COLUMNS), 0)
    row.update(license_type=license_type, kind="seat", monthly_price_cents=3400,
               monthly_saving_cents=0, annual_saving_cents=0, notice_effective=NOTICE,
               license_ids_to_cancel="")  # fmt: skip
    row.update(counts)
    return row


def rendered_row(text: str, table_id: str, first_cell: str) -> str:
    """The row of a table whose first cell starts with ``first_cell``, as markup."""
    table = text[text.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    match = re.search(rf"<tr[^>]*><td[^>]*>(<strong>)?(<bdi>)?{re.escape(first_cell)}", table)
    assert match is not None, first_cell
    return table[match.start() : table.index("</tr>", match.start())]


def test_plan_and_pairs_are_shown_before_the_findings(tiny_report: Report) -> None:
    pairs_table = pd.concat(
        [frame(PAIRING_COLUMNS, [PAIR]), pairings(RECLAIMED)], ignore_index=True
    )
    text = render_html(rederived(dataclasses.replace(tiny_report, pairings=pairs_table)))
    table = text.index('id="findings-table"')
    assert -1 < text.index('id="pairs-table"') < table
    assert -1 < text.index('id="plan-table"') < table
    assert -1 < text.index('id="sites-table"') < table
    heading = text[text.index("Reassign before you buy: ") :]
    assert heading.startswith(
        "Reassign before you buy: 2 Contacts get a seat already paid for, 1 of them taxed"
    )
    chen = rendered_row(text, "pairs-table", "Chen Li")
    assert "Chen Li &lt;chen@<wbr>example.com&gt;" in chen  # may wrap after the @
    assert "<code>L5</code>" in chen
    assert "TX, US" in chen
    assert "Assign it: it is unassigned" in chen
    assert "no: change its service address" in chen
    eli = rendered_row(text, "pairs-table", "Eli Vega")
    # the deactivated holder is named as the findings name a user, not by a bare id
    assert (
        "Remove it from Bo Ortiz &lt;bo@<wbr>example.com&gt; (deactivated), then assign it" in eli
    )
    assert '<td data-label="Taxed in their state">yes</td>' in eli
    assert "1 December 2026" in text  # the notice date
    saving = text[text.index('id="saving"') :]
    assert saving.startswith('id="saving">USD 58.00</div>')


def test_plan_rows_say_where_every_waste_seat_goes(tiny_html: str) -> None:
    x2 = rendered_row(tiny_html, "plan-table", "X2")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", x2, flags=re.S)
    # unassigned, held by deactivated users, to Contacts, to cancel, kept, price, saving
    assert cells[1:8] == ["1", "1", "1", "1", "0", "USD 24.00", "USD 24.00"]
    assert "<code>L3</code>" in x2  # the id to name in the cancellation request
    total = tiny_html[tiny_html.index('id="plan-table"') :]
    total = total[total.index("<tfoot>") : total.index("</tfoot>")]
    assert 'id="plan-seats-to-cancel">2<' in total
    assert 'id="plan-saving">USD 58.00<' in total


def test_spares_kept_on_purpose_are_said_on_their_plan_row(tiny_report: Report) -> None:
    kept = plan_row("X4", unassigned=3, reassign_to_contacts=1, spares_kept=2)
    table = pd.DataFrame([kept]).reindex(columns=stored(CANCELLATION_COLUMNS))
    page = render_html(rederived(dataclasses.replace(tiny_report, cancellation=table)))
    row = rendered_row(page, "plan-table", "X4")
    assert '2 <span class="muted">(kept as spares)</span>' in row
    assert "<td>—</td>" not in row  # a dash, not a blank, where nothing is cancelled
    assert "kept as spares" not in render_html(tiny_report).split('id="plan-table"')[1]


def test_no_pair_is_said_not_left_blank(tiny_html: str) -> None:
    assert 'id="no-pairs"' in tiny_html
    assert 'id="pairs-table"' not in tiny_html


def test_the_bridge_opens_the_page(tiny_html: str) -> None:
    bridge = tiny_html.index('<section id="bridge"')
    assert tiny_html.index("</header>") < bridge < tiny_html.index('<section id="money"')
    assert tiny_html[tiny_html.index("</header>") : bridge].strip() == "</header>"
    assert_bridge_adds_up(bridge_cents(tiny_html), TINY_BRIDGE)
    section = tiny_html[bridge : tiny_html.index("</section>", bridge)]
    for amount in ("USD 145.00", "USD 63.00", "USD 82.00", "USD 34.00", "USD 24.00", "USD 58.00"):
        assert f">{amount}</" in section
    assert 'id="bridge-bar"' in section


def test_demo_bridge_is_the_reports_and_adds_up(demo_report: Report, demo_html: str) -> None:
    bridge = demo_report.bridge
    assert_bridge_adds_up(bridge_cents(demo_html), bridge)
    assert bridge.open_waste == demo_report.summary.monthly_waste_cents
    assert bridge.saving == demo_report.summary.monthly_saving_cents
    assert bridge.monthly_cost == demo_report.summary.monthly_cost_cents
    # the headline cards say what the bridge says
    assert 'id="monthly-waste">USD 1,476.00<' in demo_html
    assert 'id="monthly-cost">USD 17,954.00<' in demo_html
    assert 'id="saving">USD 1,110.00 + unknown<' in demo_html  # X8's price is unknown
    note = demo_html[demo_html.index('id="bridge-unpriced"') :]
    assert f"{bridge.unpriced_seats} seats of unknown price are in none" in note
    # the bar: in use, then each waste part that is not zero, widths from the same cents
    bar = demo_html[demo_html.index('id="bridge-bar"') :]
    bar = bar[: bar.index("</div>")]
    widths = dict(re.findall(r'data-bridge-bar="([a-z-]+)" style="flex-basis: ([\d.]+)%"', bar))
    assert list(widths) == ["in-use", "cancel", "reclaim-then-cancel", "reassign"]
    assert float(widths["cancel"]) == pytest.approx(
        100 * bridge.cancel / bridge.monthly_cost, abs=1e-3
    )
    assert sum(map(float, widths.values())) == pytest.approx(100, abs=0.01)


def test_findings_waste_column_adds_up_to_the_headline(demo_report: Report, demo_html: str) -> None:
    page = Page(demo_html)
    assert len(page.rows) == len(demo_report.findings)
    shares = [float(r["data-waste"] or 0) for r in page.rows if r["data-status"] == "open"]
    assert sum(shares) == pytest.approx(demo_report.summary.monthly_waste_cents / 100)
    costs = sum(float(r["data-cost"] or 0) for r in page.rows)
    assert costs > demo_report.summary.monthly_waste_cents / 100  # costs overlap: not a sum
    assert "shares add up to the monthly waste, USD 1,476.00" in demo_html
    head = demo_html[demo_html.index('id="findings-table"') :]
    head = head[: head.index("</thead>")]
    assert head.index(">Waste a month<") < head.index("Monthly cost &#8597;")


def test_the_ledger_is_summed_never_listed(demo_report: Report, demo_html: str) -> None:
    """The page names a license only where a finding, the plan or a tax row does; the ledger's
    other rows (every seat in use) stay out, so the page is small at any tenant size."""
    named: set[str] = set()
    for table in (demo_report.findings, demo_report.pairings, demo_report.cancellation,
                  demo_report.tax):  # fmt: skip
        named.update(re.findall(r"\bL\d{7}\b", table.astype(str).to_string()))
    shown = set(re.findall(r"\bL\d{7}\b", demo_html))
    assert shown <= named
    assert len(shown) < len(demo_report.ledger) / 4


def test_each_rule_opens_with_why_it_costs_money(tiny_report: Report) -> None:
    text = render_html(tiny_report)
    for meta in tiny_report.rules:
        card = text[text.index(f'id="rule-{meta.id}"') :]
        card = card[: card.index("</article>")]
        why = card.index('class="why"')
        assert why < card.index('class="figures"')
        assert meta.rationale.replace("'", "&#39;") in card[why:]


@pytest.mark.slow
def test_findings_beyond_the_cap_are_counted_and_pointed_to() -> None:
    rows = [finding("contact-without-license", f"u{i:05}") for i in range(2500)]
    page_text = render_html(make_report(findings=rows))
    page = Page(page_text)
    assert len(page.rows) == MAX_HTML_FINDINGS == 2000
    notice = page_text[page_text.index('id="omitted"') :]
    notice = " ".join(notice[: notice.index("</p>")].split())
    assert "first 2,000 of 2,500 findings" in notice
    assert "500 more" in notice
    assert "audit.xlsx and findings.csv have all 2,500" in notice
    # the inlined rows are the first ones, in the report's order
    assert [r["data-rule"] for r in page.rows[:1]] == ["contact-without-license"]
    assert "u01999" in page_text
    assert "u02000" not in page_text


def test_no_cap_notice_under_the_cap(tiny_html: str) -> None:
    assert 'id="omitted"' not in tiny_html


def test_money_has_thousands_separators_and_two_decimals(tiny_report: Report) -> None:
    big = dataclasses.replace(tiny_report.summary, monthly_waste_cents=123456750)
    page = render_html(dataclasses.replace(tiny_report, summary=big))
    assert "USD 1,234,567.50" in page


def test_empty_report_renders(tiny_report: Report) -> None:
    empty = make_report(
        findings=[],
        pools=[],
        skipped=(),
        warnings=(),
        sites=frame(SITE_COLUMNS, []),
        cancellation=frame(CANCELLATION_COLUMNS, []),
    )
    page = render_html(empty)
    assert "No findings." in page
    assert "Every rule ran." in page
    assert "No license inventory was given." in page
    assert tiny_report.tenant in page


def test_write_html_writes_utf8(tmp_path: Path, hostile_report: Report) -> None:
    path = tmp_path / "audit.html"
    write_html(hostile_report, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "\u202e" in text


def test_row_fields_are_typed_by_their_annotations() -> None:
    @dataclasses.dataclass(frozen=True)
    class Row:
        name: str
        note: str | None
        count: int | None
        cost: float | None
        flag: bool

    table = pd.DataFrame(
        {"name": [None, "a"], "note": [None, "n"], "count": [2.0, float("nan")],
         "cost": [float("nan"), 1.5], "flag": [None, True]}
    )  # fmt: skip
    assert typed_rows(Row, table) == [Row("", None, 2, None, False), Row("a", "n", None, 1.5, True)]

    @dataclasses.dataclass(frozen=True)
    class Odd:
        things: list[str]

    with pytest.raises(TypeError, match="no row conversion"):
        typed_rows(Odd, pd.DataFrame({"things": [["x"]]}))
