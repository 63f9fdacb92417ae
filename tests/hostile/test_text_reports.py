"""audit.json, findings.csv, focus.csv and the command's own output, under hostile text.

JSON carries tenant text exactly (it is never evaluated); the CSVs defuse a formula start
with a leading ``'`` and nothing else, so :func:`recover` gives the JSON's text back cell for
cell; the terminal gets one summary line whatever the tenant's name.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest

from tests.conftest import SCHEMA_FILE, TenantFactory, user
from tests.helpers.bidi import contained
from tests.hostile.conftest import (
    CASE_IDS,
    CASES,
    FILES,
    FORMULA_STARTS,
    LONG_NAME,
    TENANT,
    Case,
    Run,
    isolated,
    recover,
    run_cli,
)

SCHEMA = json.loads((SCHEMA_FILE).read_text())


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV report as a spreadsheet-neutral reader sees it; every row as wide as the header
    (a line break written unquoted would split a row in two)."""
    with path.open(newline="", encoding="utf-8") as handle:
        header, *body = list(csv.reader(handle))
    ragged = [row[:3] for row in body if len(row) != len(header)]
    assert ragged == [], f"{path.name}: rows of the wrong width"
    return [dict(zip(header, row, strict=True)) for row in body]


def csv_text(value: Any, column: str) -> str:
    """How findings.csv writes a JSON finding value: money to the cent, null empty."""
    if value is None:
        return ""
    if column in ("monthly_cost", "monthly_waste"):
        return f"{value:.2f}"
    if column == "license_ids":
        return ";".join(value)
    return str(value)


# --- audit.json --------------------------------------------------------------------------


def test_json_is_valid_and_schema_valid(hostile_run: Run) -> None:
    text = (hostile_run.out / "audit.json").read_text(encoding="utf-8")
    assert json.loads(text) == hostile_run.report
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        hostile_run.report
    )
    assert hostile_run.report["tenant"] == TENANT


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_json_carries_the_text_exactly(hostile_run: Run, case: Case) -> None:
    """Each field that held the string gives it back, in every table it reaches."""
    text, key = case.loaded, case.key
    contact = hostile_run.finding(f"contact-without-license:c-{key}")
    name = isolated(f"{text} Test")
    assert contact["title"] == f"{name} <c-{key}@example.com> is active but holds no license"
    assert f"(provisioned by {isolated(text)})" in contact["detail"]
    assert contact["site"] == case.site
    by_id = hostile_run.finding(f"contact-without-license:{text}")
    assert by_id["entity_id"] == text
    assert by_id["title"] == f"{isolated(text)} is active but holds no license"
    stale = hostile_run.finding(f"stale-deactivated-user:s-{key}")
    assert stale["title"] == (
        f"{isolated(text)} <s-{key}@example.com> is deactivated but still holds {isolated(text)}"
    )
    assert stale["license_type"] == text
    assert stale["site"] == case.site
    assert (stale["suppressed"], stale["suppression_reason"], stale["suppression_owner"]) == (
        True,
        case.reason,
        case.reason,
    )
    pool = hostile_run.finding(f"unassigned-billed-seats:{text}")
    assert (pool["entity_id"], pool["license_type"]) == (text, text)
    licenses = {p["license_type"]: p for p in hostile_run.report["licenses"]}
    assert (licenses[text]["total"], licenses[text]["holders"]) == (2, 1)  # held by its alias
    sites = {s["site_id"]: s["site"] for s in hostile_run.report["sites"]}
    assert sites[text] == case.site
    expired = f"({case.reason!r}; owner {case.reason!r}) expired"
    assert any(expired in w for w in hostile_run.report["warnings"])


def test_no_quoted_text_can_reorder_a_sentence(hostile_run: Run) -> None:
    """Every sentence the findings and the plan quote tenant text in keeps its controls inside."""
    sentences = [
        f[key]
        for f in hostile_run.report["findings"]
        for key in ("title", "detail", "recommendation")
    ] + [row["license_ids_to_cancel"] for row in hostile_run.report["cancellation"]]
    assert any("\u202e" in s for s in sentences)  # the hostile text did reach them
    assert [s for s in sentences if not contained(s)] == []


def test_nul_bytes_are_removed_with_a_warning_per_file(hostile_run: Run) -> None:
    warnings = hostile_run.report["warnings"]
    for name in ("users.csv", "sites.csv", "licenses.csv", "prices.csv"):
        count = (hostile_run.snapshot / name).read_bytes().count(b"\0")
        assert count > 0
        message = f"{hostile_run.snapshot / name}: {count} NUL character(s) were removed."
        assert message in warnings
        assert f"warning: {message}\n" in hostile_run.stderr
    # Only the config's suppression reasons and owners can still hold one (not a CSV input).
    from_csv = [
        hostile_run.report["licenses"],
        hostile_run.report["sites"],
        [{k: v for k, v in f.items() if not k.startswith("suppression_")} for f in
         hostile_run.report["findings"]],
    ]  # fmt: skip
    assert "\\u0000" not in json.dumps(from_csv)


def test_json_keeps_a_100k_name_whole(hostile_run: Run) -> None:
    long = hostile_run.finding("contact-without-license:long")
    assert long["title"] == f"LONG {LONG_NAME} <long@example.com> is active but holds no license"


# --- findings.csv and focus.csv --------------------------------------------------------


@pytest.mark.parametrize("name", ["findings.csv", "focus.csv"])
def test_no_csv_cell_starts_a_formula(hostile_run: Run, name: str) -> None:
    rows = read_rows(hostile_run.out / name)
    assert rows
    risky = [(column, cell[:40]) for row in rows for column, cell in row.items()]
    assert [r for r in risky if r[1].startswith(FORMULA_STARTS)] == []


def test_findings_csv_gives_back_the_json_text(hostile_run: Run) -> None:
    """Row for row and cell for cell, findings.csv is audit.json's findings once each ``'``
    the writer added is removed: nothing else was changed, and no row was split."""
    rows = read_rows(hostile_run.out / "findings.csv")
    findings = hostile_run.report["findings"]
    assert len(rows) == len(findings)
    for row, finding in zip(rows, findings, strict=True):
        assert set(row) == set(finding)
        for column, cell in row.items():
            assert recover(cell) == csv_text(finding[column], column), (finding["id"], column)


def test_findings_csv_defuses_exactly_the_formula_starts(hostile_run: Run) -> None:
    rows = {r["id"]: r for r in read_rows(hostile_run.out / "findings.csv")}
    for case in CASES:
        cell = rows[f"unassigned-billed-seats:{case.loaded}"]["license_type"]
        defused = case.loaded.startswith(FORMULA_STARTS)
        assert cell == ("'" + case.loaded if defused else case.loaded), case.key


def test_focus_csv_gives_back_the_pools(hostile_run: Run) -> None:
    rows = read_rows(hostile_run.out / "focus.csv")
    pools = [p for p in hostile_run.report["licenses"] if p["total"] > 0]
    assert [recover(r["SkuId"]) for r in rows] == [p["license_type"] for p in pools]
    for row, pool in zip(rows, pools, strict=True):
        assert recover(row["ChargeDescription"]) == (
            f"{pool['total']} x {pool['license_type']} licenses, monthly"
        )
        assert recover(row["BillingAccountId"]) == TENANT
        assert row["BillingAccountId"] == "'" + TENANT


# --- what the command printed ----------------------------------------------------------


def test_stdout_lists_the_reports_and_the_summary_is_one_line(hostile_run: Run) -> None:
    assert hostile_run.stdout.splitlines() == [str(hostile_run.out / name) for name in FILES]
    summary = [line for line in hostile_run.stderr.split("\n") if line.startswith(TENANT)]
    assert len(summary) == 1
    assert re.fullmatch(
        re.escape(TENANT) + r": \d+ findings \([^()]+\); monthly waste USD [\d,]+\.\d\d "
        r"\(annual USD [\d,]+\.\d\d\); overbilled USD [\d,]+\.\d\d a month \(a credit to claim\)"
        r"; skipped: idle-phone-numbers; (no history kept|history \S+)",
        summary[0],
    ), summary[0]
    assert hostile_run.stderr.endswith(summary[0] + "\n")
    lines = hostile_run.stderr.split("\n")[:-2]
    assert lines
    skipped = "skipped idle-phone-numbers: no numbers.csv was given"  # the tenant has none
    assert [line for line in lines if not line.startswith(("warning: ", skipped))] == []
    # Tenant text reaches stderr with its control and direction characters escaped: a CR
    # would overwrite the line on a terminal, U+202E reorder it, a NUL reach the terminal.
    for raw in ("\r", "\u202e", "\x00", "\t"):
        assert raw not in hostile_run.stderr


# --- a tenant name that starts with a tab or a carriage return ---------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["\tTabbed tenant", "\rCarriage return tenant"])
def test_tenant_name_starting_with_tab_or_cr(
    tenant: TenantFactory, tmp_path: Path, name: str
) -> None:
    """The loader strips every CSV cell, so only --tenant (or the config's tenant) can still
    start with a tab or CR: it is kept in audit.json, defused in focus.csv and the workbook,
    and a CR inside a CSV field does not split the row."""
    folder = tenant([user("u1", licenses="X2")])
    out = tmp_path / "out"
    code, _, err = run_cli(
        ["audit", "--input", str(folder), "--out", str(out), "--tenant", name, "--no-history",
         "--format", "json,xlsx,focus"]
    )  # fmt: skip
    assert code == 0
    assert name[0] not in err  # shown escaped (\\t, \\r), never raw on the terminal
    assert json.loads((out / "audit.json").read_text(encoding="utf-8"))["tenant"] == name
    rows = read_rows(out / "focus.csv")
    assert [r["SkuId"] for r in rows] == ["X2"]
    assert rows[0]["BillingAccountId"] == "'" + name
    wb = openpyxl.load_workbook(out / "audit.xlsx")
    (cell,) = [row[1] for row in wb["Summary"].iter_rows() if row[0].value == "Tenant"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)
