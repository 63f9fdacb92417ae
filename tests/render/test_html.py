"""audit.html read as a person and a browser would: money first, nothing live from the tenant."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.model import Report
from auditor.render.html import MAX_HTML_FINDINGS, render_html, write_html
from tests.render.conftest import HOSTILE, SKIPPED, WARNING, finding, make_report

#: Attributes through which a page loads or navigates to something.
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}


class Page(HTMLParser):
    """The parts of a page these tests look at: tags, attributes, script bodies, finding rows."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.scripts: list[str] = []
        self.rows: list[dict[str, str | None]] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "tr" and any(name == "data-rule" for name, _ in attrs):
            self.rows.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture
def tiny_html(tiny_report: Report) -> str:
    return render_html(tiny_report)


def test_header_names_the_audit(tiny_html: str) -> None:
    header = tiny_html[: tiny_html.index('id="money"')]
    for text in ("tiny", "2026-11-01", "2026-11-02 12:00:00", "USD", "0.1.0"):
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


def test_rules_are_grouped_with_title_rationale_count_and_cost(tiny_report: Report) -> None:
    page = render_html(tiny_report)
    for meta in tiny_report.rules:
        assert meta.title in page
        assert meta.rationale.replace("'", "&#39;") in page
    card = page[page.index('id="rule-unassigned-billed-seats"') :]
    assert "2 findings, USD 58.00 a month" in card[: card.index("</article>")]


def test_findings_table_has_one_filterable_row_per_finding(tiny_report: Report) -> None:
    page = Page(render_html(tiny_report))
    assert len(page.rows) == len(tiny_report.findings)
    first = page.rows[0]
    assert first["data-severity"] == "high"
    assert first["data-rule"] == "stale-deactivated-user"
    assert first["data-site"] == "San Francisco"
    assert first["data-license-type"] == "X2"
    assert first["data-cost"] == "24.0"
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
    assert loads == []
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert not re.search(r"url\(|@import", text)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, re.IGNORECASE)


def test_page_reads_on_a_phone_and_on_paper(tiny_html: str) -> None:
    assert 'name="viewport"' in tiny_html
    assert "@media print" in tiny_html
    assert "overflow-x: auto" in tiny_html
    print_css = tiny_html[tiny_html.index("@media print") :]
    print_css = print_css[: print_css.index("</style>")]
    assert ".filters" in print_css
    assert "position: static" in print_css


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
    big = dataclasses.replace(tiny_report.summary, monthly_waste=1234567.5)
    page = render_html(dataclasses.replace(tiny_report, summary=big))
    assert "USD 1,234,567.50" in page


def test_empty_report_renders(tiny_report: Report) -> None:
    empty = make_report(findings=[], pools=[], skipped=(), warnings=())
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


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_inline_script_is_valid_javascript(tmp_path: Path, tiny_html: str) -> None:
    script = tmp_path / "page.js"
    script.write_text(Page(tiny_html).scripts[0], encoding="utf-8")
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


#: A stand-in for the few DOM calls the inline script makes, so node can run it for real.
FAKE_DOM = """
function El(attrs) { this.attrs = attrs; this.hidden = false; this.on = {}; this.value = ""; }
El.prototype.getAttribute = function (k) { return k in this.attrs ? this.attrs[k] : null; };
El.prototype.setAttribute = function (k, v) { this.attrs[k] = v; };
El.prototype.addEventListener = function (type, f) { this.on[type] = f; };
El.prototype.scrollIntoView = function () {};
var rows = ROWS.map(function (a) { return new El(a); });
var body = { rows: rows, order: rows.slice(), appendChild: function (r) {
  this.order.splice(this.order.indexOf(r), 1); this.order.push(r); } };
var table = new El({}); table.tBodies = [body];
var sort = new El({}); sort.parentNode = new El({});
var shown = new El({});
var selects = ["severity", "rule", "site", "license-type"].map(function (k) {
  return new El({"data-filter": k}); });
var button = new El({"data-show-rule": "tax-address-mismatch"});
var document = {
  getElementById: function (id) {
    return {"findings-table": table, "findings-shown": shown, "sort-cost": sort}[id]; },
  querySelectorAll: function (q) { return q.indexOf("select") === 0 ? selects : [button]; },
};
"""

DRIVE = """
var out = {};
function visible() { return rows.filter(function (r) { return !r.hidden; }).length; }
selects[2].value = "Austin"; selects[2].on.change(); out.austin = [visible(), shown.textContent];
selects[2].value = ""; selects[0].value = "info"; selects[0].on.change(); out.info = visible();
button.on.click(); out.rule = [visible(), selects[0].value, selects[1].value];
sort.on.click();
out.down = body.order.map(function (r) { return r.attrs["data-cost"]; });
out.sorted = sort.parentNode.attrs["aria-sort"];
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_filters_and_sort_work(tmp_path: Path, tiny_html: str) -> None:
    page = Page(tiny_html)
    program = tmp_path / "drive.js"
    rows = json.dumps(page.rows)
    program.write_text(f"var ROWS = {rows};\n{FAKE_DOM}\n{page.scripts[0]}\n{DRIVE}", "utf-8")
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run([node, str(program)], capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert out["austin"] == [3, "3"]
    assert out["info"] == 1
    assert out["rule"] == [2, "", "tax-address-mismatch"]
    assert out["down"] == ["34.0", "24.0", "24.0", "24.0", "24.0", "0.0", "0.0"]
    assert out["sorted"] == "descending"
