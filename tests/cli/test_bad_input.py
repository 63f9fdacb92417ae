"""Messy exports and wrong values: one clear sentence and exit 2, or a warning the report shows."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.cli import main as cli
from auditor.errors import InputError
from auditor.snapshot.load import load
from tests.conftest import PRICES, SITES, TenantFactory, audit, unit, user, write_csv

USERS_CSV = "user_id,email,status,site,licenses\nu1,a@x.com,ACTIVE,sf,X2\n"


def _xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")


FILES: list[tuple[str, Callable[[Path], None], str]] = [
    ("missing", lambda p: p.unlink(), "the file does not exist"),
    ("empty", lambda p: p.write_bytes(b""), "the file is empty"),
    ("blank lines only", lambda p: p.write_text("\n\n  \n"), "the file is empty"),
    (
        "header only",
        lambda p: p.write_text("user_id,email,status,site\n"),
        "has a header but no user rows",
    ),
    ("xlsx renamed .csv", _xlsx, "is an Excel workbook or another zip archive, not a CSV"),
    ("pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "is a PDF document"),
    ("binary", lambda p: p.write_bytes(bytes(range(256)) * 40), "binary data"),
    ("a folder", lambda p: (p.unlink(), p.mkdir()), "found a folder"),
    (
        "duplicate header",
        lambda p: p.write_text("user_id,email,status,site,status\nu1,a@x.com,ACTIVE,sf,INACTIVE\n"),
        "the header 'status' appears more than once",
    ),
    (
        "bad bytes",
        lambda p: p.write_bytes(USERS_CSV.encode() + b"u2,\x81\x8d,ACTIVE,sf,\n"),
        "neither UTF-8 nor Windows-1252",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("case", "damage", "message"), FILES, ids=[f[0] for f in FILES])
def test_broken_users_file(
    tenant: TenantFactory, case: str, damage: Callable[[Path], None], message: str
) -> None:
    folder = tenant([user("u1", licenses="X2")])
    damage(folder / "users.csv")
    with pytest.raises(InputError, match=message) as caught:
        load(folder)
    assert str(folder / "users.csv") in str(caught.value)


def test_unreadable_file(tenant: TenantFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, which reads any file whatever its mode: make the read itself fail.
    folder = tenant([user("u1")])
    real = Path.read_bytes

    def denied(path: Path) -> bytes:
        if path.name == "users.csv":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError, match=r"users\.csv: cannot be read \(Permission denied\)"):
        load(folder)


READABLE: list[tuple[str, bytes]] = [
    ("utf-8 BOM", b"\xef\xbb\xbf" + USERS_CSV.encode()),
    ("utf-16", USERS_CSV.encode("utf-16")),
    ("semicolons", USERS_CSV.replace(",", ";").encode()),
    ("tabs", USERS_CSV.replace(",", "\t").encode()),
    (
        "crlf and trailing empty rows",
        USERS_CSV.replace("\n", "\r\n").encode() + b",,,,\r\n,,,,\r\n",
    ),
    (
        "quoted line break",
        b'user_id,email,status,site,licenses,department\nu1,a@x.com,ACTIVE,sf,X2,"Sales\nWest"\n',
    ),
    (
        "200 columns",
        (
            ",".join(
                [
                    "user_id",
                    "email",
                    "status",
                    "site",
                    "licenses",
                    *[f"extra{i}" for i in range(195)],
                ]
            )
            + "\n"
            + ",".join(["u1", "a@x.com", "ACTIVE", "sf", "X2", *["x"] * 195])
            + "\n"
        ).encode(),
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("case", "data"), READABLE, ids=[r[0] for r in READABLE])
def test_export_quirks_still_load(tenant: TenantFactory, case: str, data: bytes) -> None:
    folder = tenant([user("u1", licenses="X2")])
    (folder / "users.csv").write_bytes(data)
    snap = load(folder)
    assert snap.users.user_id.tolist() == ["u1"]
    assert snap.users.seat_count.tolist() == [1]
    assert not any("users.csv" in w for w in snap.warnings)


@pytest.mark.slow
def test_windows_1252_names_load_with_a_warning(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X2")])
    text = (
        "user_id,email,first_name,status,site,licenses\nu1,a@x.com,José Núñez Groß,ACTIVE,sf,X2\n"
    )
    (folder / "users.csv").write_bytes(text.encode("cp1252"))
    snap = load(folder)
    assert snap.users.first_name.tolist() == ["José Núñez Groß"]
    assert any("Windows-1252" in w for w in snap.warnings)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("price", "cents"),
    [
        ("$24.00", 2400),
        ("24,50", 2450),
        ("1.200,50", 120050),
        ("1,200.50", 120050),
        ("USD 34", 3400),
        ("34 €", 3400),
        ("1 234,5", 123450),
    ],
)
def test_price_spellings(tenant: TenantFactory, price: str, cents: int) -> None:
    folder = tenant([user("u1", licenses="X2")])
    write_csv(folder / "prices.csv", [{"license_type": "X2", "monthly_price": price}])
    assert load(folder).types.set_index("license_type").price_cents["X2"] == cents


@pytest.mark.parametrize("price", ["-24.00", "free", "24.999", "1,234", "34,500", "24.5.1"])
def test_prices_that_would_be_guesses_are_refused(tenant: TenantFactory, price: str) -> None:
    folder = tenant([user("u1", licenses="X2")])
    write_csv(folder / "prices.csv", [{"license_type": "X2", "monthly_price": price}])
    with pytest.raises(InputError, match=r"row 2, column monthly_price: .* is not a price"):
        load(folder)


@pytest.mark.slow
def test_warnings_for_what_the_audit_survives(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("u1", licenses="X2;X9"), user("u2", site="Mars Base")],
        licenses=[unit("L1", "X2", "ASSIGNED", "u1"), unit("L2", "X2", "ASSIGNED", "nobody")],
    )
    report = audit(folder)
    text = "\n".join(report.warnings)
    assert "'Mars Base'" in text
    assert "assigned to a user users.csv does not have" in text
    assert "'nobody'" in text
    assert "lists no 'X9' licenses, yet 1 user(s) hold that type" in text


@pytest.mark.slow
def test_cli_shows_warnings_on_stderr(
    tenant: TenantFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tenant([user("u1", site="Mars Base")])
    code = cli.main(
        ["audit", "--input", str(folder), "--out", str(tmp_path / "o"), "--format", "json"]
    )
    assert code == 0
    assert "warning: " in capsys.readouterr().err


def _base_tenant(folder: Path) -> None:
    write_csv(folder / "users.csv", [user("u1", licenses="X2")])
    write_csv(folder / "sites.csv", SITES)
    write_csv(folder / "licenses.csv", [unit("L1", "X2", "ASSIGNED", "u1")])
    write_csv(folder / "prices.csv", PRICES)


def _outcome(folder: Path) -> str | None:
    """None when the folder loads, else the InputError's sentence (anything else escapes)."""
    try:
        load(folder)
    except InputError as exc:
        return str(exc)
    return None


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE_NAMES = st.sampled_from(
    ["users.csv", "sites.csv", "licenses.csv", "prices.csv", "statement.csv"]
)


@pytest.mark.slow
@FUZZ
@given(name=FILE_NAMES, blob=st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_input_error(name: str, blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _base_tenant(folder)
        (folder / name).write_bytes(blob)
        message = _outcome(folder)
    assert message is None or "\n" not in message


HEADERS = [
    "user_id",
    "User ID",
    "email",
    "status",
    "site",
    "licenses",
    "license_id",
    "license_type",
    "total",
    "unassigned",
    "monthly_price",
    "currency",
    "kind",
    "state",
    "country",
    "name",
    "site_id",
    "assigned_to",
    "service_state",
    "deactivated_at",
    "aliases",
    "suspended",
    "description",
    "quantity",
    "amount",
    "unit_price",
    "category",
    "jurisdiction",
    "period_start",
    "period_end",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "ACTIVE",
            "x",
            "X2",
            "US",
            "CA",
            "2026-01-01",
            "-1",
            "1e9",
            "nan",
            "NULL",
            "=1+1",
            "24,00",
            "3",
            "assigned",
            "seat",
            "USD",
            "EUR",
            ";;",
        ]
    ),
    st.text(max_size=12),
)


@pytest.mark.slow
@FUZZ
@given(
    name=FILE_NAMES,
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7, unique=True),
    rows=st.lists(st.lists(CELLS, min_size=7, max_size=7), max_size=5),
)
def test_wrong_tables_never_raise_anything_but_input_error(
    name: str, header: list[str], rows: list[list[str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _base_tenant(folder)
        write_csv(
            folder / name, [dict(zip(header, row, strict=False)) for row in rows], header=header
        )
        message = _outcome(folder)
    assert message is None or "\n" not in message


STATEMENT_FILES: list[tuple[str, Callable[[Path], None], str]] = [
    ("empty", lambda p: p.write_bytes(b""), "the file is empty"),
    (
        "header only",
        lambda p: p.write_text("description,quantity,amount\n"),
        "has a header but no bill line rows",
    ),
    ("xlsx renamed .csv", _xlsx, "is an Excel workbook or another zip archive, not a CSV"),
    ("pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj"), "is a PDF document"),
    ("a folder", lambda p: p.mkdir(), "found a folder"),
    (
        "no amount column",
        lambda p: p.write_text("description,quantity,price\nX2,1,24.00\n"),
        "has no 'amount' column",
    ),
    (
        "duplicate header",
        lambda p: p.write_text("description,quantity,amount,amount\nX2,1,24.00,25.00\n"),
        "the header 'amount' appears more than once",
    ),
    (
        "three decimals",
        lambda p: p.write_text("description,quantity,amount\nX2,1,24.005\n"),
        "row 2, column amount: '24.005' is not an amount",
    ),
    (
        "ambiguous thousands",
        lambda p: p.write_text('description,quantity,amount\nX2,1,"1,234"\n'),
        "row 2, column amount: '1,234' is not an amount",
    ),
    (
        "another currency",
        lambda p: p.write_text("description,quantity,amount\nX2,1,GBP 24.00\n"),
        "row 2, column amount: 'GBP 24.00' is written in GBP, but the price book's currency",
    ),
    (
        "negative count",
        lambda p: p.write_text("description,quantity,amount\nX2,-1,24.00\n"),
        "row 2, column quantity: '-1' is not a whole number",
    ),
    (
        "date that does not exist",
        lambda p: p.write_text("description,quantity,amount,period_start\nX2,1,24.00,2026-02-30\n"),
        "row 2, column period_start: '2026-02-30' is not an ISO 8601 date",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "damage", "message"), STATEMENT_FILES, ids=[f[0] for f in STATEMENT_FILES]
)
def test_broken_statement_file(
    tenant: TenantFactory, case: str, damage: Callable[[Path], None], message: str
) -> None:
    folder = tenant([user("u1", licenses="X2")])
    damage(folder / "statement.csv")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load(folder)
    assert str(caught.value).startswith(str(folder / "statement.csv"))
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_a_statement_as_the_export_tools_save_it_loads(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X2")])
    text = "Charge Description;Qty;Line Total;Charge Type\r\nX2;1;24,00;Recurring Charges\r\n"
    (folder / "statement.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    snap = load(folder)
    assert snap.statement is not None
    assert snap.statement.amount_cents.tolist() == [2400]
    assert snap.statement.license_type.tolist() == ["X2"]


STATEMENT_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "X2",
            "x2",
            "X4",
            "1",
            "0",
            "3",
            "24.00",
            "-5.00",
            "(5.00)",
            "5 CR",
            "tax",
            "fee",
            "usage",
            "payment",
            "Recurring",
            "CA",
            "FL",
            "Canada",
            "ZZ",
            "2026-11-01",
            "2026-10-31",
            "=1+1",
            "\u202e",
        ]
    ),
    st.text(max_size=8),
)
STATEMENT_HEADERS = ["description", "quantity", "amount", "unit_price", "category",
                     "jurisdiction", "period_start", "period_end"]  # fmt: skip


@pytest.mark.slow
@FUZZ
@given(rows=st.lists(st.lists(STATEMENT_CELLS, min_size=8, max_size=8), max_size=6))
def test_any_statement_is_refused_in_a_sentence_or_audited_by_every_bill_rule(
    rows: list[list[str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _base_tenant(folder)
        write_csv(
            folder / "statement.csv",
            [dict(zip(STATEMENT_HEADERS, row, strict=True)) for row in rows],
            header=STATEMENT_HEADERS,
        )
        message = _outcome(folder)
        report = audit(folder) if message is None else None
    if report is None:
        assert message is not None
        assert "\n" not in message
        return
    assert [s.rule for s in report.skipped] == []  # no bill rule failed on what loaded
    overbilled = report.summary.monthly_overbilled_cents
    assert overbilled is not None
    assert overbilled >= 0
