"""audit.xlsx under hostile text: no formula anywhere, every string a string, long text cut.

openpyxl reads the workbook in normal mode, so each cell's stored type is what the file says
(``f`` would be a formula); LibreOffice then converts it, which it would refuse, or "repair",
if a 100,000-character field or a control character had made the file invalid.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from auditor.render.xlsx.layout import label
from tests.hostile.conftest import (
    CASE_IDS,
    CASES,
    FORMULA_STARTS,
    LONG_DEPARTMENT,
    LONG_NAME,
    TENANT,
    Case,
    Run,
)

#: Excel's (and so openpyxl's) most characters in a cell.
EXCEL_CELL_LIMIT = 32_767


@pytest.fixture(scope="module")
def workbook(hostile_run: Run) -> Workbook:
    return openpyxl.load_workbook(hostile_run.out / "audit.xlsx")


@pytest.fixture(scope="module")
def cells_by_text(workbook: Workbook) -> dict[str, list[Cell]]:
    """Every cell holding text, by its text."""
    found: dict[str, list[Cell]] = defaultdict(list)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found[cell.value].append(cell)
    return found


def user_row(ws: Worksheet, user_id: str) -> dict[str, Cell]:
    """The Users sheet's row of ``user_id``, by column name."""
    header = [c.value for c in ws[1]]
    names = {label(n): n for n in ("user_id", "last_name", "first_name", "department", "email")}
    for row in ws.iter_rows(min_row=2):
        cells = {
            names.get(str(h), str(h)): c
            for h, c in zip(header, row, strict=True)
            if isinstance(c, Cell)  # a data sheet merges no cells
        }
        if cells["user_id"].value == user_id:
            return cells
    raise AssertionError(f"{user_id} is not on the Users sheet")


def test_no_formula_on_any_sheet(hostile_run: Run, workbook: Workbook) -> None:
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    with zipfile.ZipFile(hostile_run.out / "audit.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name), name  # no formula element at all


def test_text_starting_like_a_formula_is_a_quoted_string(workbook: Workbook) -> None:
    risky = [
        (ws.title, cell.coordinate, cell.data_type, cell.quotePrefix)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]
    assert risky  # the tenant makes plenty
    assert [r for r in risky if r[2:] != ("s", True)] == []


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_hostile_text_is_string_cells(
    workbook: Workbook, cells_by_text: dict[str, list[Cell]], case: Case
) -> None:
    """The exact text (NUL removed by the loader) in string cells: the pool, the site, the
    users' fields."""
    for text in (case.loaded, case.site):
        cells = cells_by_text[text]
        assert cells, text
        assert {c.data_type for c in cells} == {"s"}
    users = workbook["Users"]
    contact = user_row(users, f"c-{case.key}")
    assert contact["first_name"].value == case.loaded
    stale = user_row(users, f"s-{case.key}")
    assert (stale["last_name"].value, stale["department"].value) == (case.loaded, case.loaded)
    by_id = user_row(users, case.loaded)
    assert by_id["email"].value == case.loaded
    for cell in (contact["first_name"], stale["department"], by_id["user_id"]):
        assert cell.data_type == "s"
        assert cell.quotePrefix == case.loaded.startswith(FORMULA_STARTS)
    licenses = [c.value for c in workbook["Licenses"]["A"]]
    assert case.loaded in licenses
    reason = repr(case.reason)  # quoted, control characters escaped (a NUL as \\x00)
    assert any(f"({reason}; owner {reason}) expired" in text for text in cells_by_text)


def test_tenant_is_a_string(cells_by_text: dict[str, list[Cell]]) -> None:
    (cell,) = cells_by_text[TENANT]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_100k_text_is_cut_to_the_cell_limit(
    workbook: Workbook, cells_by_text: dict[str, list[Cell]]
) -> None:
    long_user = user_row(workbook["Users"], "long")
    assert long_user["department"].value == LONG_DEPARTMENT[:EXCEL_CELL_LIMIT]
    assert long_user["last_name"].value == LONG_NAME[:EXCEL_CELL_LIMIT]
    titles = [t for t in cells_by_text if t.startswith("LONG NNNN")]
    assert [len(t) for t in titles] == [EXCEL_CELL_LIMIT]
    assert max(len(text) for text in cells_by_text) == EXCEL_CELL_LIMIT


@pytest.mark.office
def test_libreoffice_opens_the_workbook(hostile_run: Run, tmp_path: Path) -> None:
    """soffice converts the file to a PDF: it is not corrupt outside openpyxl either."""
    soffice = shutil.which("soffice")
    assert soffice, "soffice is missing: run `make system-deps` (as root) to install LibreOffice"
    profile = (tmp_path / "lo-profile").as_uri()  # a fresh profile: no state from other runs
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(hostile_run.out / "audit.xlsx")],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "pdf" / "audit.pdf"
    assert pdf.is_file(), f"no PDF: {done.stdout} {done.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 8  # every sheet printed
