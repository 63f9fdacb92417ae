"""Regenerate the README's pictures from the demo tenant: `make docs` runs this.

Nothing here is drawn by hand: the demo audit is written to a temporary folder, after the
same tenant a month earlier (five spare seats not yet cancelled) was audited into a temporary
history, so the "Since the last audit" section has something to show. audit.html is
photographed by Debian's headless Chromium (through playwright, as the browser tests do), and
audit.xlsx is printed by LibreOffice Calc to PDF, whose first page (the Summary sheet, set to
fit one page wide) pdftoppm turns into a PNG. The audit's clock is pinned, so the pictures
change only when the reports do.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from auditor.pipeline import audit_folder
from auditor.settings.options import AuditOptions

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
DEMO = ROOT / "auditor" / "data" / "demo"
#: The audit a month before the demo's, for the history.
PREVIOUS_AS_OF = dt.date(2026, 10, 2)
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]  # fmt: skip


def previous_month(work: Path) -> Path:
    """The demo a month earlier: two X6 and three X4 spare seats since cancelled."""
    folder = work / "previous"
    shutil.copytree(DEMO, folder)
    with (folder / "licenses.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for number, kind in enumerate(["X6", "X6", "X4", "X4", "X4"], start=1):
            address = ["2400 Irving Blvd", "Dallas", "TX", "75207", "US"]
            writer.writerow([f"L49000{number}", kind, "UNASSIGNED", "", *address])
    return folder


def photograph_html(page: Path) -> list[Path]:
    """The top of the page on a desktop (the money and the charts), on a phone, and the
    "Since the last audit" section."""
    desktop, phone = DOCS / "report-html.png", DOCS / "report-html-phone.png"
    changes = DOCS / "report-html-changes.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 1400})
        tab.goto(page.as_uri(), wait_until="load")
        tab.screenshot(path=str(desktop))
        tab.locator("#changes").screenshot(path=str(changes))
        tab = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        tab.goto(page.as_uri(), wait_until="load")
        tab.screenshot(path=str(phone))
        browser.close()
    return [desktop, phone, changes]


def photograph_summary(workbook: Path, work: Path) -> Path:
    """The Summary sheet as LibreOffice Calc prints it, page 1 of the workbook's PDF."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("docs/screenshots.py: soffice and pdftoppm are needed: run `make system-deps`")
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(work), str(workbook)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    target = DOCS / "report-xlsx-summary.png"
    # page 1 at 110 dpi, cropped to the printed area (the page's blank margins left out)
    subprocess.run(
        [pdftoppm, "-f", "1", "-l", "1", "-r", "110", "-png", "-singlefile",
         "-x", "60", "-y", "90", "-W", "1110", "-H", "700",
         str(work / f"{workbook.stem}.pdf"), str(target.with_suffix(""))],
        check=True, timeout=120,
    )  # fmt: skip
    return target


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="seat-auditor-docs-") as tmp:
        work = Path(tmp)
        history = work / "history.sqlite"
        audit_folder(
            previous_month(work),
            work / "previous-reports",
            now=NOW - dt.timedelta(days=31),
            options=AuditOptions(formats=("json",), as_of=PREVIOUS_AS_OF, history=history),
        )
        result = audit_folder(
            DEMO,
            work / "demo",
            now=NOW,
            options=AuditOptions(formats=("html", "xlsx"), history=history),
        )
        html, xlsx = (work / "demo" / "audit.html"), (work / "demo" / "audit.xlsx")
        assert set(result.written) == {html, xlsx}
        for path in [*photograph_html(html), photograph_summary(xlsx, work)]:
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
