"""statement.csv: read forgivingly, refused with one sentence, matched to license types."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.snapshot.billmatch import match
from auditor.snapshot.load import load
from tests.conftest import TenantFactory, unit, user, write_csv

HEADER = ("description", "quantity", "amount", "category", "jurisdiction")


def _tenant(tenant: TenantFactory) -> Path:
    return tenant(
        [user("u1", licenses="X2"), user("u2", licenses="X4")],
        licenses=[
            unit("L1", "X2", "ASSIGNED", "u1"),
            unit("L2", "X4", "ASSIGNED", "u2"),
            unit("L3", "X4", "UNASSIGNED"),
        ],
        prices=[
            {"license_type": "X2", "monthly_price": "24.00", "currency": "USD", "aliases": ""},
            {
                "license_type": "X4",
                "monthly_price": "34.00",
                "currency": "USD",
                "aliases": "8x8 Work X Series - X4;X4-VOSVC-US",
            },
        ],
    )


def _bill(folder: Path, text: str, name: str = "statement.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_folders_statement_is_read_matched_and_hashed(tenant: TenantFactory) -> None:
    folder = _tenant(tenant)
    _bill(
        folder,
        "Charge Description;Qty;Total;Charge Type;State\n"
        "8x8 Work X Series - X4 Monthly Subscription;2;68,00;;\n"
        "x2;1;$24.00;Recurring Charges;\n"
        "E911 Fee;;1,10;Fees;California\n"
        "Payment - thank you;;(100,00);Payments;\n",
    )
    snap = load(folder)
    lines = snap.statement
    assert lines is not None
    assert lines.license_type.tolist() == ["X4", "X2", "", ""]
    assert lines.category.tolist() == ["recurring", "recurring", "fee", "payment"]
    assert lines.amount_cents.tolist() == [6800, 2400, 110, -10000]
    assert lines.quantity.tolist()[:2] == [2, 1]
    assert lines.jurisdiction_state.tolist()[2] == "CA"
    assert lines.row.tolist() == [2, 3, 4, 5]
    assert "statement.csv" in [i.name for i in snap.inputs]


@pytest.mark.slow
def test_no_statement_leaves_it_none_and_a_flag_overrides_the_folder(
    tenant: TenantFactory, tmp_path: Path
) -> None:
    folder = _tenant(tenant)
    assert load(folder).statement is None
    _bill(folder, "description,quantity,amount\nX2,1,24.00\n")
    other = _bill(tmp_path, "description,quantity,amount\nX4,3,102.00\n", "october.csv")
    lines = load(folder, statement=other).statement
    assert lines is not None
    assert lines.license_type.tolist() == ["X4"]
    assert "october.csv" in [i.name for i in load(folder, statement=other).inputs]


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        ("X2,two,48.00\n", "row 2, column quantity", "'two' is not a whole number"),
        ("X2,1.5,36.00\n", "row 2, column quantity", "whole number"),
        ("X2,1,24.00\nX4,1,34.001\n", "row 3, column amount", "'34.001' is not an amount"),
        ("X2,1,\n", "row 2, column amount", "the value is empty"),
        (",1,24.00\n", "row 2, column description", "the value is empty"),
        ("X2,1,€24.00\n", "row 2, column amount", "written in EUR"),
        ("X2,1,24.00,Rental\n", "row 2, column category", "'Rental' is not a statement section"),
    ],
)
def test_a_bad_line_is_one_sentence_naming_file_row_and_column(
    tenant: TenantFactory, body: str, where: str, what: str
) -> None:
    folder = _tenant(tenant)
    header = "description,quantity,amount" + (",category" if "Rental" in body else "")
    path = _bill(folder, header + "\n" + body)
    with pytest.raises(InputError) as caught:
        load(folder)
    message = str(caught.value)
    assert message.startswith(f"{path} {where}:"), message
    assert what in message
    assert "\n" not in message


@pytest.mark.slow
def test_missing_column_and_backwards_period_are_refused(tenant: TenantFactory) -> None:
    folder = _tenant(tenant)
    _bill(folder, "description,amount\nX2,24.00\n")
    with pytest.raises(InputError, match=r"has no 'quantity' column \(accepted headers: "):
        load(folder)
    _bill(
        folder,
        "description,quantity,amount,period_start,period_end\nX2,1,24,2026-11-30,2026-11-01\n",
    )
    with pytest.raises(InputError, match=r"row 2, column period_end: the period ends before"):
        load(folder)
    _bill(folder, "description,quantity,amount,period_start\nX2,1,24,30/11/2026\n")
    with pytest.raises(InputError, match=r"row 2, column period_start: '30/11/2026' is not an ISO"):
        load(folder)


def test_a_statement_that_is_a_workbook_is_refused(tenant: TenantFactory) -> None:
    folder = _tenant(tenant)
    (folder / "statement.csv").write_bytes(b"PK\x03\x04rest of a zip")
    with pytest.raises(InputError, match="is an Excel workbook or another zip archive"):
        load(folder)


def test_usage_and_tax_quantities_are_not_license_counts(tenant: TenantFactory) -> None:
    folder = _tenant(tenant)
    write_csv(
        folder / "statement.csv",
        [
            {
                "description": "Outbound minutes",
                "quantity": "1234.5",
                "amount": "12.35",
                "category": "usage",
            },
            {
                "description": "E911",
                "quantity": "",
                "amount": "3.00",
                "category": "tax",
                "jurisdiction": "ZZ",
            },
        ],
    )
    snap = load(folder)
    assert snap.statement is not None
    assert snap.statement.quantity.isna().all()
    assert any("'ZZ' is not a known state or country" in w for w in snap.warnings)


def test_unit_price_disagreeing_with_the_amount_is_said(tenant: TenantFactory) -> None:
    folder = _tenant(tenant)
    _bill(folder, "description,quantity,unit price,amount\nX4,2,34.00,70.00\n")
    snap = load(folder)
    assert any("not quantity x unit_price (first: row 2)" in w for w in snap.warnings)


NAMES = {
    "x2": "X2",
    "x4": "X4",
    "8x8 work x series - x4": "X4",
    "x8": "X8",
    "x8 (contact center)": "X8 (Contact Center)",
    "vcc agent": "VCC Agent",
}


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("X4", "X4"),
        ("  x4 ", "X4"),
        ("8x8 Work X Series - X4 Monthly Subscription", "X4"),
        ("X8 (Contact Center) licence", "X8 (Contact Center)"),
        ("X8 seats", "X8"),
        ("VCC Agent - Nov", "VCC Agent"),
        ("X42 bundle", ""),
        ("Premium analytics", ""),
        ("X2 and X4 bundle", ""),
        ("", ""),
    ],
)
def test_descriptions_match_by_name_alias_and_whole_words(description: str, expected: str) -> None:
    assert match(pd.Series([description]), NAMES).tolist() == [expected]
