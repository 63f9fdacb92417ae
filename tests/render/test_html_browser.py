"""audit.html in a real headless Chromium: it loads clean, offline, and its controls work.

Chromium is Debian's `chromium` (`make system-deps`, run by `make test` and .ci/run, installs
it), driven through the playwright package with ``executable_path``: playwright's own browser
download is never used. Without Chromium these tests fail with a message saying so, never skip.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from auditor.pipeline import audit_folder
from auditor.settings.options import AuditOptions
from tests.conftest import DEMO, FIXTURES
from tests.helpers.browser import visit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    now = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    result = audit_folder(DEMO, out, now=now, options=AuditOptions(formats=("html",)))
    (page,) = result.written
    return page


def visible_rows(page: Page) -> int:
    count = page.locator("#findings-table tbody tr:visible").count()
    return int(count)


def costs(page: Page) -> list[float]:
    values = page.eval_on_selector_all(
        "#findings-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.cost)"
    )
    return [float(v) for v in values]


def test_page_loads_offline_with_no_errors(
    browser: Browser, demo_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, demo_page)
    assert seen.errors == []
    assert seen.failed == []
    assert seen.requests == [demo_page.as_uri()]  # the file itself, nothing else
    assert seen.page.title().startswith("License audit: Bayline Freight Logistics")
    assert seen.page.locator("figure svg").count() == 3
    assert seen.page.locator("#by-severity .badge").count() == 4
    assert seen.page.locator("#monthly-waste").inner_text() == "USD 1,476.00"
    assert seen.page.locator("#no-history").is_visible()  # the demo audit keeps none
    shot = tmp_path / "audit.png"
    seen.page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 50_000
    seen.page.close()


def test_the_bridge_opens_the_page_and_its_bar_adds_up(browser: Browser, demo_page: Path) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    assert page.evaluate("document.querySelector('main > section').id") == "bridge"
    bridge = page.locator("#bridge").bounding_box()
    money = page.locator("#money").bounding_box()
    assert bridge is not None
    assert money is not None
    assert bridge["y"] < money["y"]
    assert bridge["y"] < 300  # on the first screen, under the title
    headline = page.locator("[data-bridge=open-waste]").inner_text()
    assert headline == page.locator("#monthly-waste").inner_text() == "USD 1,476.00"
    assert page.locator("[data-bridge=saving]").inner_text() == "USD 1,110.00"
    bar = page.locator("#bridge-bar").bounding_box()
    assert bar is not None
    assert bar["width"] > 300
    widths = page.eval_on_selector_all(
        "#bridge-bar span",
        "spans => spans.map(s => [s.dataset.bridgeBar, s.getBoundingClientRect().width])",
    )
    names = [name for name, _ in widths]
    assert names == ["in-use", "cancel", "reclaim-then-cancel", "reassign"]
    assert sum(w for _, w in widths) == pytest.approx(bar["width"] - 2, abs=1)  # its border
    sizes = dict(widths)
    assert min(sizes.values()) >= 3  # every waste part is seen, however small
    assert sizes["in-use"] > 10 * sizes["cancel"]  # 91.8% in use against 3.4% to cancel
    assert seen.errors == []
    page.close()


def test_a_filter_changes_the_visible_rows(browser: Browser, demo_page: Path) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    assert visible_rows(page) == 52  # 48 license findings and 4 on the demo's statement
    page.select_option("select[data-filter=severity]", "info")
    assert visible_rows(page) == 6
    assert page.locator("#findings-shown").inner_text() == "6"
    page.select_option("select[data-filter=rule]", "stale-deactivated-user")
    assert visible_rows(page) == 0
    page.select_option("select[data-filter=severity]", "")
    assert visible_rows(page) == 12
    page.select_option("select[data-filter=rule]", "")
    page.select_option("select[data-filter=site]", "Dallas Warehouse")
    dallas = visible_rows(page)
    assert 0 < dallas < 52
    sites = page.eval_on_selector_all(
        "#findings-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.site)"
    )
    assert set(sites) == {"Dallas Warehouse"}
    page.select_option("select[data-filter=site]", "")
    page.select_option("select[data-filter=license-type]", "X2")
    assert 0 < visible_rows(page) < 52
    assert seen.errors == []
    page.close()


def test_sort_by_cost_both_ways(browser: Browser, demo_page: Path) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    page.click("#sort-cost")
    down = costs(page)
    assert down == sorted(down, reverse=True)
    assert down[0] == 500.0  # VCC Agent's four unassigned seats
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
    page.click("#sort-cost")
    up = costs(page)
    assert up == sorted(up)
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert seen.errors == []
    page.close()


def test_show_in_the_table_filters_by_rule(browser: Browser, demo_page: Path) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    page.click("button[data-show-rule=tax-address-mismatch]")
    assert visible_rows(page) == 10
    assert page.input_value("select[data-filter=rule]") == "tax-address-mismatch"
    page.close()


def test_reads_on_a_phone(browser: Browser, demo_page: Path, tmp_path: Path) -> None:
    seen = visit(browser, demo_page, width=390, height=844)
    page = seen.page
    # wide tables scroll inside their frames; the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#waste-by-type svg").bounding_box()
    assert box is not None
    assert box["width"] <= 390
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert seen.errors == []
    page.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_prints_on_a4_and_letter(
    browser: Browser, demo_page: Path, tmp_path: Path, paper: str
) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    page.emulate_media(media="print")
    assert page.locator(".filters").is_hidden()
    assert page.locator("button[data-show-rule]").first.is_hidden()
    pdf = tmp_path / f"audit-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, prefer_css_page_size=True, print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 100_000  # every section printed, charts included
    page.close()


def test_page_with_history_loads_offline_with_no_errors(
    browser: Browser, history_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, history_page)
    page = seen.page
    assert seen.errors == []
    assert seen.failed == []
    assert seen.requests == [history_page.as_uri()]
    assert page.locator("#previous-as-of").inner_text() == "1 October 2026"
    assert page.locator("#realised-saving").inner_text() == "USD 68.00"
    assert page.locator("#new-findings tr").count() == 2
    assert page.locator("#resolved-findings tr").count() == 2
    trend = page.locator("#waste-trend svg").bounding_box()
    assert trend is not None
    assert trend["width"] > 300
    assert trend["height"] > 150
    assert page.locator("#suppressions-table tbody tr").count() == 2
    assert page.locator("#findings-table tr.suppressed .sev-suppressed").count() == 2
    shot = tmp_path / "history.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    page.close()


def test_status_filter_hides_and_shows_suppressed_findings(
    browser: Browser, history_page: Path
) -> None:
    seen = visit(browser, history_page)
    page = seen.page
    assert visible_rows(page) == 5  # suppressed findings are shown by default
    page.select_option("select[data-filter=status]", "suppressed")
    assert visible_rows(page) == 2
    assert page.locator("#findings-table tbody tr.suppressed:visible").count() == 2
    page.select_option("select[data-filter=status]", "open")
    assert visible_rows(page) == 3
    assert page.locator("#findings-table tbody tr.suppressed:visible").count() == 0
    assert page.locator("#findings-shown").inner_text() == "3"
    page.select_option("select[data-filter=status]", "")
    assert visible_rows(page) == 5
    assert seen.errors == []
    page.close()


def test_suppressed_rows_stay_grey_and_labelled_on_paper(
    browser: Browser, history_page: Path
) -> None:
    seen = visit(browser, history_page)
    page = seen.page
    page.emulate_media(media="print")
    row = page.locator("#findings-table tbody tr.suppressed").first
    assert row.locator(".sev-suppressed").is_visible()
    assert row.inner_text().count("suppressed") >= 1
    grey = row.locator("td").nth(1).evaluate("td => getComputedStyle(td).backgroundColor")
    assert grey not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    open_row = page.locator("#findings-table tbody tr:not(.suppressed)").first
    white = open_row.locator("td").nth(1).evaluate("td => getComputedStyle(td).backgroundColor")
    assert white != grey
    page.close()


@pytest.fixture(scope="module")
def contract_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with fixtures/contract/contract.csv: a renewal, buy-outs and two spares."""
    out = tmp_path_factory.mktemp("contract")
    now = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    options = AuditOptions(formats=("html",), contract=FIXTURES / "contract" / "contract.csv")
    (page,) = audit_folder(DEMO, out, now=now, options=options).written
    return page


def test_the_bridge_splits_the_saving_now_and_at_renewal(
    browser: Browser, contract_page: Path, demo_page: Path
) -> None:
    seen = visit(browser, contract_page)
    page = seen.page
    assert seen.errors == []
    cents = {
        key: int(page.locator(f"#when [data-contract={key}]").get_attribute("data-cents") or -1)
        for key in ("saving", "now", "at-renewal", "spares")
    }
    assert cents["now"] + cents["at-renewal"] == cents["saving"] == 104200
    assert cents["spares"] == 4800
    assert page.locator("[data-contract=now]").inner_text() == "USD 238.00"
    calendar = page.locator("#when #renewals-table")
    assert calendar.is_visible()
    assert (
        calendar.locator("tbody tr")
        .first.inner_text()
        .startswith("VCC Agent\t16 March 2027\t15 January 2027")
    )
    page.close()
    plain = visit(browser, demo_page).page
    assert "assumes no buy-out fee" in plain.locator("#bridge #saving-note").inner_text()
    assert plain.locator("#renewals-table").count() == 0
    plain.close()


def test_the_bill_section_reconciles_the_demo_statement(browser: Browser, demo_page: Path) -> None:
    seen = visit(browser, demo_page)
    page = seen.page
    assert seen.errors == []
    assert page.locator("#monthly-overbilled").inner_text() == "USD 170.60"
    assert page.locator("#recurring-billed").inner_text() == "USD 17,776.00"
    assert page.locator("#recurring-expected").inner_text() == "USD 17,954.00"
    # beside the waste, never added to it
    assert page.locator("#monthly-waste").inner_text() == "USD 1,476.00"
    rows = page.locator("#bill-table tbody tr")
    assert rows.count() == 7
    over = page.locator('#bill-table tr[data-quantity="over"] td').all_inner_texts()
    assert over[0] == "X2"
    assert over[-1] == "USD 144.00"
    assert page.locator('#bill-table tr[data-price="over"] td').first.inner_text() == "X4"
    assert page.locator('#bill-table tr[data-quantity="missing"] td').first.inner_text() == "X6"
    unexpected = page.locator('#bill-table tr[data-quantity="unexpected"] td').first
    assert unexpected.inner_text() == "8x8 Analytics for Work"
    for rule in ("billed-over-inventory", "price-above-contract", "tax-outside-service-states"):
        assert page.locator(f'#findings-table tbody tr[data-rule="{rule}"]').count() == 1, rule
    seen.page.close()


def test_the_money_cards_show_the_claim_and_the_saving_by_timing(
    browser: Browser, demo_page: Path, contract_page: Path
) -> None:
    plain = visit(browser, demo_page).page
    assert plain.locator("#overbilled-card").inner_text() == "USD 170.60"
    assert plain.locator("#monthly-waste").inner_text() == "USD 1,476.00"  # not in the waste
    assert plain.locator("#saving-split").count() == 0  # no contract: the plain notice date
    plain.close()
    page = visit(browser, contract_page).page
    split = page.locator("#saving-split").inner_text()
    assert "USD 238.00 once notice is given now (after USD 350.00 of buy-out fees)" in split
    assert "USD 804.00 from each type's renewal" in split
    page.close()
