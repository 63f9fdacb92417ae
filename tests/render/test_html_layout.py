"""audit.html measured in headless Chromium at a laptop's 1280 px and a phone's 390 px: what
the page shows first, how wide each column is against its longest word, and whether anything
needs a sideways scroll. Real Chromium, as in test_html_browser.py; never skipped."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from auditor.pipeline import audit_folder
from auditor.settings.options import AuditOptions
from tests.conftest import DEMO
from tests.helpers.browser import visit

pytestmark = pytest.mark.browser


LAPTOP = (1280, 900)
PHONE = (390, 844)
#: The demo's tables a reader must be able to read at every width.
TABLES = ("findings-table", "pairs-table", "plan-table", "sites-table", "pools-table")
#: Canvas text metrics and layout round differently: a column may be this much "narrower".
SLACK = 1.0

#: Per column of a table (per cell, in card layout): its content width, and its widest word
#: (text between spaces or a <wbr>: the page's own break chances) measured in the font each
#: piece of text is set in.
WIDTHS_JS = """([id, cards]) => {
  const canvas = document.createElement("canvas").getContext("2d");
  const table = document.getElementById(id);
  const rows = Array.from(table.tBodies[0].rows);
  const groups = cards
    ? Array.from(table.tBodies[0].querySelectorAll("td"), td => [td])
    : Array.from(table.tHead.rows[0].cells, (th, j) =>
        [th, ...rows.map(r => r.cells[j]).filter(Boolean)]);
  return groups.map(cells => {
    let widest = 0, word = "";
    for (const cell of cells) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const s = getComputedStyle(node.parentElement);
        canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        for (const w of node.textContent.split(/\\s+/)) {
          const width = canvas.measureText(w).width;
          if (width > widest) { widest = width; word = w; }
        }
      }
    }
    const body = cells[1] || cells[0], style = getComputedStyle(body);
    const inner = body.getBoundingClientRect().width
      - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {column: cells[0].textContent.trim().slice(0, 40), width: inner, word: word,
            wordWidth: widest};
  });
}"""

#: A table's own width against its frame's: more means a sideways scroll inside the frame.
FRAME_JS = "id => [document.getElementById(id).scrollWidth, document.getElementById(id).parentElement.clientWidth]"  # noqa: E501
#: Each money cell's left and right edges, and its text.
MONEY_JS = "cells => cells.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().right, c.textContent])"  # noqa: E501


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo audited as a first audit with a history: the page a first-time reader gets."""
    out = tmp_path_factory.mktemp("demo-layout")
    now = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    options = AuditOptions(formats=("html", "json"), history=out / "history.sqlite")
    audit_folder(DEMO, out, now=now, options=options)
    return out / "audit.html"


@pytest.fixture(scope="module")
def demo_json(demo_page: Path) -> dict[str, Any]:
    """The same run's audit.json: what the page's figures must be."""
    loaded: dict[str, Any] = json.loads((demo_page.parent / "audit.json").read_text())
    return loaded


@pytest.fixture(params=[LAPTOP, PHONE], ids=["1280px", "390px"])
def page_at(request: pytest.FixtureRequest, browser: Browser, demo_page: Path) -> Iterator[Page]:
    width, height = request.param
    seen = visit(browser, demo_page, width=width, height=height)
    yield seen.page
    assert seen.errors == []
    seen.page.close()


@pytest.fixture
def laptop(browser: Browser, demo_page: Path) -> Iterator[Page]:
    seen = visit(browser, demo_page, *LAPTOP)
    yield seen.page
    seen.page.close()


@pytest.fixture
def phone(browser: Browser, demo_page: Path) -> Iterator[Page]:
    seen = visit(browser, demo_page, *PHONE)
    yield seen.page
    seen.page.close()


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return dict(found)


def test_the_first_screen_says_how_much_why_and_what_to_do(page_at: Page) -> None:
    """Without scrolling: the headline, the two sums of the bridge, and the first action with
    its money."""
    height = page_at.viewport_size["height"] if page_at.viewport_size else 0
    headline = box(page_at, "#headline [data-bridge=open-waste]")
    assert headline["y"] + headline["height"] <= height
    for part in ("cancel", "reclaim-then-cancel", "reassign", "kept"):
        term = box(page_at, f"#bridge-parts [data-bridge={part}]")
        assert term["y"] + term["height"] <= height, part
    first = "#todo-list > li:first-child"
    for piece in (".what", ".money"):
        found = box(page_at, f"{first} {piece}")
        assert found["y"] + found["height"] <= height, piece
    assert page_at.locator(f"{first} .money").inner_text().startswith("USD 500.00")


def test_the_four_parts_add_up_to_the_waste_on_screen(page_at: Page) -> None:
    cents = page_at.eval_on_selector_all(
        "#bridge [data-bridge]", "els => els.map(e => [e.dataset.bridge, +e.dataset.cents])"
    )
    figures: dict[str, int] = {}
    for name, value in cents:
        assert figures.setdefault(name, value) == value
    parts = ("cancel", "reclaim-then-cancel", "reassign", "kept")
    assert figures["waste"] == sum(figures[p] for p in parts)
    assert figures["monthly-cost"] == figures["in-use"] + figures["waste"]
    for name in ("monthly-cost", "in-use", "waste", *parts):
        shown = page_at.locator(f"#bridge [data-bridge={name}]").first
        assert shown.is_visible(), name
        assert shown.inner_text() == f"USD {figures[name] / 100:,.2f}"


@pytest.mark.parametrize("table", TABLES)
def test_no_column_is_narrower_than_its_longest_word_at_1280(laptop: Page, table: str) -> None:
    columns: list[dict[str, Any]] = laptop.evaluate(WIDTHS_JS, [table, False])
    assert len(columns) >= 5
    narrow = [c for c in columns if c["width"] + SLACK < c["wordWidth"]]
    assert narrow == []
    frame = laptop.evaluate(FRAME_JS, table)
    assert frame[0] <= frame[1], "the table scrolls sideways inside its frame"


@pytest.mark.parametrize("table", TABLES)
def test_tables_are_cards_on_a_phone_with_the_money_on_screen(phone: Page, table: str) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    frame = phone.evaluate(FRAME_JS, table)
    assert frame[0] <= frame[1]
    money = phone.eval_on_selector_all(f"#{table} td.money", MONEY_JS)
    assert money  # every one of these tables has money on each row
    for left, right, text in money:
        assert left >= 0
        assert right <= PHONE[0], text
    cells: list[dict[str, Any]] = phone.evaluate(WIDTHS_JS, [table, True])
    narrow = [c for c in cells if c["width"] + SLACK < c["wordWidth"]]
    assert narrow == []  # names and emails never wrap a few letters a line


def test_findings_name_people_and_rules_in_words(laptop: Page) -> None:
    rows = laptop.locator("#findings-table tbody tr")
    assert rows.count() == 52  # the demo with its statement: 48 + 4 bill findings
    who = laptop.eval_on_selector_all("#findings-table td.who", "tds => tds.map(t => t.innerText)")
    assert not [w for w in who if w.startswith(("user:", "license_type", "license:"))]
    assert "Jamal Kaur\njamal.kaur@baylinefreight.example" in who
    rules = laptop.eval_on_selector_all(
        "#findings-table .rule-name", "els => els.map(e => [e.textContent, e.title])"
    )
    assert len(rules) == 52
    assert ["Deactivated users still holding a seat", "Rule stale-deactivated-user"] in rules
    assert laptop.locator("#findings-table code").count() == 0  # no rule-id tags
    option = laptop.locator("select[data-filter=rule] option[value=stale-deactivated-user]")
    assert option.inner_text() == "Deactivated users still holding a seat"


def test_a_first_audit_says_nothing_about_days_open(laptop: Page) -> None:
    assert laptop.locator("#first-run").is_visible()
    assert laptop.locator("#findings-table th", has_text="Open since").count() == 0
    assert laptop.locator(".days-open").count() == 0
    assert not re.search(r"\b0 days\b", laptop.inner_text("main"))


#: Per bar of a chart: the text a browser shows on hovering its middle (the nearest <title>
#: of the shape under the pointer) and its drawn width.
TOOLTIPS_JS = """(id) => Array.from(document.querySelectorAll(`#${id} .bar rect`), rect => {
  rect.scrollIntoView({block: "center"});
  const r = rect.getBoundingClientRect();
  let node = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const hit = node === rect;
  while (node && !Array.from(node.children).some(c => c.tagName === "title")) {
    node = node.parentElement;
  }
  const title = node ? Array.from(node.children).find(c => c.tagName === "title") : null;
  return {hit: hit, tip: title ? title.textContent : null, width: r.width, height: r.height};
})"""

#: Every chart text's size as drawn on screen: its font size times the SVG's scale.
FONT_SIZES_JS = """() => Array.from(document.querySelectorAll("figure svg text"), t =>
  [t.closest("figure").id, parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a,
   t.textContent])"""  # noqa: E501


def test_waste_bar_tooltips_say_their_own_value(laptop: Page, demo_json: dict[str, Any]) -> None:
    pools = [p for p in demo_json["licenses"] if (p["monthly_waste"] or 0) > 0]
    expected = {f"{p['license_type']}: USD {p['monthly_waste']:,.2f}" for p in pools}
    bars: list[dict[str, Any]] = laptop.evaluate(TOOLTIPS_JS, "waste-by-type")
    assert len(bars) == len(pools) == 5
    assert all(b["hit"] for b in bars)
    assert {b["tip"] for b in bars} == expected
    assert "VCC Agent: USD 750.00" in expected
    sites = laptop.evaluate(TOOLTIPS_JS, "waste-by-site")
    assert {b["tip"] for b in sites} >= {"Dallas Warehouse: USD 650.00"}
    assert all(b["tip"].endswith(".00") for b in sites)


def test_the_seats_chart_shows_the_waste_not_hairlines(
    phone: Page, demo_json: dict[str, Any]
) -> None:
    bars: list[dict[str, Any]] = phone.evaluate(TOOLTIPS_JS, "seats-by-pool")
    expected = set()
    for row in demo_json["cancellation"]:
        expected.add(f"{row['license_type']}: {row['unassigned']:,} unassigned")
        expected.add(
            f"{row['license_type']}: {row['held_by_stale_users']:,} held by deactivated users"
        )
    drawn = [b for b in bars if b["width"] > 0]
    assert {b["tip"] for b in drawn} <= expected
    assert "X4: 6 unassigned" in {b["tip"] for b in drawn}
    # the smallest waste (X6: one seat) is a bar a reader can see and hover on a phone
    assert min(b["width"] for b in drawn) >= 5
    assert all(b["hit"] for b in drawn)
    labels = phone.eval_on_selector_all("#seats-by-pool text", "ts => ts.map(t => t.textContent)")
    assert "X4: 12 of 207" in labels
    assert "X8: 2 of 5" in labels


def test_one_font_scale_across_charts_legible_on_a_phone(page_at: Page) -> None:
    sizes: list[list[Any]] = page_at.evaluate(FONT_SIZES_JS)
    assert {figure for figure, _, _ in sizes} == {"waste-by-type", "waste-by-site", "seats-by-pool"}
    drawn = {round(size, 1) for _, size, _ in sizes}
    assert max(drawn) - min(drawn) <= 0.5, drawn
    assert min(drawn) >= 11  # ~9 px before: unreadable at 390 px
    assert max(drawn) <= 17


def test_the_trend_chart_matches_the_others(browser: Browser, history_page: Path) -> None:
    for width, height in (LAPTOP, PHONE):
        seen = visit(browser, history_page, width, height)
        sizes: list[list[Any]] = seen.page.evaluate(FONT_SIZES_JS)
        by_figure: dict[str, set[float]] = {}
        for figure, size, _ in sizes:
            by_figure.setdefault(figure, set()).add(round(size, 1))
        assert "waste-trend" in by_figure
        everything = set().union(*by_figure.values())
        assert max(everything) - min(everything) <= 0.5, by_figure
        axis = seen.page.eval_on_selector_all(
            "#waste-trend .axis.y text", "ts => ts.map(t => t.textContent)"
        )
        assert len(axis) <= 4  # a few round amounts, not 15
        bars = seen.page.evaluate(TOOLTIPS_JS, "waste-trend")
        assert [b["tip"] for b in bars] == ["2026-10-01: 68.00", "2026-11-01: 24.00"]
        seen.page.close()
