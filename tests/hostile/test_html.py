"""audit.html under hostile text: escaped in the file, inert and visible in a real Chromium.

The browser is Debian's chromium driven by playwright, as in tests/render/test_html_browser.py
(one launch for this module). A ``<script>`` or ``onerror`` that escaped escaping would open
a dialog, fail a request for ``x`` or log an error; none may happen, and the names must read
as the text they are.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, ViewportSize, sync_playwright

from tests.helpers.browser import CHROMIUM, FLAGS
from tests.helpers.html import bridge_cents
from tests.hostile.conftest import CASES, LONG_NAME, TENANT, Run, isolated

VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


def shown(text: str) -> str:
    """``text`` as the page's rendered text has it: runs of white space are one space."""
    return re.sub(r"\s+", " ", text)


def in_dom(text: str) -> str:
    """``text`` as the DOM keeps it: HTML parsing turns every CR (and CRLF) into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="module")
def html(hostile_run: Run) -> str:
    return (hostile_run.out / "audit.html").read_text(encoding="utf-8")


@dataclass
class Visit:
    """The page, and every dialog, console message, error and request it caused."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def visit(hostile_run: Run) -> Iterator[Visit]:
    """audit.html loaded once in headless Chromium, listening from before the first byte."""
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).is_file(), (
        f"{CHROMIUM} is missing: run `make system-deps` (as root) to install Debian's chromium"
    )
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        seen = Visit(page)

        def dialog(opened: Dialog) -> None:
            seen.dialogs.append(f"{opened.type}: {opened.message}")
            opened.dismiss()

        page.on("dialog", dialog)
        page.on("console", lambda m: seen.errors.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda error: seen.errors.append(f"pageerror: {error}"))
        page.on("request", lambda request: seen.requests.append(request.url))
        page.goto((hostile_run.out / "audit.html").as_uri(), wait_until="load", timeout=30_000)
        yield seen
        browser.close()


class _Tags(HTMLParser):
    """Every start tag of a page with its attribute names, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [name for name, _ in attrs]))


@pytest.mark.slow
def test_the_file_holds_no_live_markup(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parser = _Tags()
    parser.feed(html)
    assert [t for t, _ in parser.tags].count("script") == 1  # the page's own filter script
    assert "img" not in {t for t, _ in parser.tags}
    handlers = [(t, a) for t, names in parser.tags for a in names if a.startswith("on")]
    assert handlers == []


def test_the_100k_name_keeps_the_page_small(html: str) -> None:
    """The long name is in the page (its finding is inlined) a handful of times, not per
    chart, per filter option or per row."""
    assert LONG_NAME in html
    assert len(html) < 10 * len(LONG_NAME)


@pytest.mark.browser
def test_nothing_runs_and_nothing_is_fetched(hostile_run: Run, visit: Visit) -> None:
    assert visit.dialogs == []
    assert visit.errors == []
    assert visit.requests == [(hostile_run.out / "audit.html").as_uri()]  # never src=x
    assert visit.page.evaluate("document.images.length") == 0
    assert visit.page.evaluate("document.scripts.length") == 1
    assert visit.page.title() == f"License audit: {TENANT} (1 November 2026)"


@pytest.mark.browser
def test_hostile_names_read_as_text(visit: Visit) -> None:
    text = visit.page.inner_text("body")
    for case in CASES:
        assert shown(case.site) in text, case.key
        name = isolated(f"{case.loaded} Test")
        assert shown(f"{name} <c-{case.key}@example.com>") in text, case.key
    assert "<script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "'single' \"double\" & ampersand" in text
    assert "Ops \u202egnp.exe" in text
    warnings = visit.page.inner_text("#warnings")
    for case in CASES:  # an expired suppression's reason and owner, from the config
        reason = shown(repr(case.reason))  # quoted, control characters escaped
        assert f"({reason}; owner {reason}) expired" in warnings, case.key


@pytest.mark.browser
def test_hostile_site_names_filter_the_table(hostile_run: Run, visit: Visit) -> None:
    """Site names travel through data- attributes and option values intact: choosing each
    one shows exactly its findings."""
    page = visit.page
    rows = page.locator("#findings-table tbody tr:visible")
    for case in CASES:
        expected = sum(f["site"] == case.site for f in hostile_run.report["findings"])
        page.select_option("select[data-filter=site]", value=in_dom(case.site))
        assert rows.count() == expected, case.key
        sites = rows.evaluate_all("rows => rows.map(r => r.dataset.site)")
        assert set(sites) == {in_dom(case.site)}
    page.select_option("select[data-filter=site]", value="")
    assert rows.count() == len(hostile_run.report["findings"])
    assert visit.dialogs == []
    assert visit.errors == []


#: For each cell of a row: its left edge, and each text node in it with the position (left,
#: top) of its first and of its last character.
_LAYOUT = """row => Array.from(row.cells).map(td => {
  const nodes = [];
  const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.data.trim();
    if (text.length < 2) continue;
    const start = n.data.indexOf(text), range = document.createRange();
    const at = i => { range.setStart(n, i); range.setEnd(n, i + 1);
                      const box = range.getBoundingClientRect(); return [box.left, box.top]; };
    nodes.push([text, at(start), at(start + text.length - 1)]);
  }
  return [td.getBoundingClientRect().left, nodes];
})"""


@pytest.mark.browser
def test_a_right_to_left_override_stays_in_its_cell(visit: Visit) -> None:
    """Outside the cell holding it, the override reorders nothing: the cells stay in order
    and every other text on one line reads left to right (its last character right of its
    first). Inside its cell it does reverse the rest of the sentence: see the report."""
    row = visit.page.locator('#findings-table tbody tr:has(td[title="user c-rtl"])')
    assert row.count() == 1
    layout = row.evaluate(_LAYOUT)
    lefts = [left for left, _ in layout]
    assert lefts == sorted(lefts)
    texts = [node for _, nodes in layout for node in nodes]
    assert any("\u202e" in text for text, _, _ in texts)
    plain = {text: (first, last) for text, first, last in texts if "\u202e" not in text}
    checked = [t for t, (first, last) in plain.items() if first[1] == last[1]]  # one line
    # the user's email (in the who cell, breakable after its @) and the rule's name in words
    assert {"c-rtl@", "Active users without a license (Contacts)", "USD 0.00"} <= set(checked)
    for text in checked:
        first, last = plain[text]
        assert first[0] < last[0], text


@pytest.mark.browser
def test_the_page_does_not_scroll_sideways(visit: Visit) -> None:
    """A 100,000-character name with no spaces stays inside the table's own scroller."""
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"]


#: The bridge's lines in the page (``data-bridge``) and in audit.json's ``bridge``.
BRIDGE_KEYS = {
    "monthly-cost": "monthly_cost",
    "in-use": "in_use",
    "waste": "waste",
    "cancel": "cancel",
    "reclaim-then-cancel": "reclaim_then_cancel",
    "reassign": "reassign",
    "kept": "kept",
    "open-waste": "open_waste",
    "saving": "monthly_saving",
}


@pytest.mark.browser
def test_the_bridge_says_what_audit_json_says(hostile_run: Run, html: str, visit: Visit) -> None:
    """Hostile names change no number: the page's bridge is audit.json's, to the cent, and it
    is the first thing after the title in the browser too."""
    expected = hostile_run.report["bridge"]
    assert bridge_cents(html) == {k: round(expected[v] * 100) for k, v in BRIDGE_KEYS.items()}
    first = visit.page.evaluate("document.querySelector('main > section').id")
    assert first == "bridge"
