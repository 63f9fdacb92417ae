"""contract.csv and spare allowances: loading, the timing of each cancellation, the bridge's
split, the gate, and the reports that show them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pytest

from auditor.cli import main as cli
from auditor.engine.run import run as run_engine
from auditor.engine.terms import Term, renewal
from auditor.history.store import MIGRATIONS
from auditor.model import Report, Settings
from auditor.snapshot.load import load
from tests.conftest import DEMO, FIXTURES, NOW, ROOT, SCHEMA_FILE
from tests.helpers.ledger import LEDGER_CHECK

CONTRACT = FIXTURES / "contract" / "contract.csv"
AS_OF = dt.date(2026, 11, 2)

SCHEMA = json.loads(SCHEMA_FILE.read_text())
_SHARED = ROOT.parent / "shared" / "audit.schema.json"  # the contract's, beside a checkout
SHARED_SCHEMA = json.loads(_SHARED.read_text()) if _SHARED.exists() else None
HEADER = "License Type,Renewal Date,Term Months,Notice Days,Auto Renew,Buy-out,Spares\n"


def audit(contract: Path | None = None, **settings: object) -> Report:
    snap = load(DEMO, contract=contract)
    return run_engine(
        snap,
        Settings(as_of=AS_OF, **settings),
        tenant="demo",
        generated_at=NOW,  # type: ignore[arg-type]
    )


def write(tmp_path: Path, body: str, name: str = "contract.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def cli_run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# --- loading ---------------------------------------------------------------------------


@pytest.mark.slow
def test_forgiving_headers_aliases_star_and_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "license_type;TERM START;term-length;Buyout rule;keep spares\n"
        "*;2026-03-16;12;remaining months;\n"
        "8x8 Work X Series - X4;2026-03-16T09:00:00Z;24;Fixed 50.00;1\n",
    )
    terms = load(DEMO, contract=path).contract
    assert terms is not None
    rows = terms.set_index("license_type")
    assert list(rows.index) == ["*", "X4"]  # the alias from prices.csv resolves to X4
    assert rows.loc["*", "term_end"] == dt.date(2027, 3, 16)  # start + 12 months
    assert rows.loc["X4", "term_end"] == dt.date(2028, 3, 16)
    assert rows.loc["X4", "buyout"] == "fixed"
    assert rows.loc["X4", "buyout_fee_cents"] == 5000
    assert rows.loc["*", "buyout"] == "remaining-months"
    assert rows.loc["*", "notice_days"] == 30  # the default
    assert bool(rows.loc["*", "auto_renew"]) is True  # the default
    assert rows.loc["X4", "spares"] == 1
    assert pd.isna(rows.loc["*", "spares"])


@pytest.mark.slow
def test_the_folder_contract_is_read_and_hashed_into_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    shutil.copytree(DEMO, folder)
    shutil.copy(CONTRACT, folder / "contract.csv")
    snap = load(folder)
    assert snap.contract is not None
    names = [i.name for i in snap.inputs]
    assert "contract.csv" in names
    assert load(DEMO).contract is None
    assert "contract.csv" not in [i.name for i in load(DEMO).inputs]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("X4,2027-03-16,12,30,yes,sometimes,\n", "row 2, column buyout: 'sometimes'"),
        ("X4,16/03/2027,12,30,yes,none,\n", "row 2, column term_end: '16/03/2027'"),
        ("X4,2027-03-16,12,30,maybe,none,\n", "row 2, column auto_renew: 'maybe'"),
        ("X4,2027-03-16,12,-5,yes,none,\n", "row 2, column notice_days: '-5'"),
        ("X4,2027-03-16,0,30,yes,none,\n", "row 2, column term_months: '0'"),
        ("X4,2027-03-16,12,30,yes,none,two\n", "row 2, column spares: 'two'"),
        ("X44,2027-03-16,12,30,yes,none,\n", "row 2, column license_type: 'X44'"),
        ("X4,,,30,yes,remaining-months,\n", "row 2, column buyout: a buy-out rule needs"),
        ("X4,2027-03-16,,,,,\nx4,2027-03-16,,,,,\n", "row 3, column license_type: 'X4'"),
    ],
)
def test_a_bad_row_is_exit_2_naming_file_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, expected: str
) -> None:
    path = write(tmp_path, HEADER + body)
    code, _out, err = cli_run(
        ["audit", "--input", str(DEMO), "--contract", str(path), "--out", "o", "--no-history"],
        capsys,
    )
    assert code == 2
    assert f"{path} {expected}" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1  # one sentence
    assert not Path("o").exists()  # no half-written report


def test_a_missing_contract_flag_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli_run(
        ["audit", "--input", str(DEMO), "--contract", "nope.csv", "--out", "o", "--no-history"],
        capsys,
    )
    assert code == 2
    assert "nope.csv: the file does not exist." in err


# --- the renewal and each seat's timing -------------------------------------------------


def term(end: dt.date | None, *, notice: int = 30, auto: bool = True) -> Term:
    return Term(
        end=end, months=12, notice_days=notice, auto_renew=auto, buyout="none", fee_cents=None
    )


def test_renewal_rolls_forward_past_a_missed_notice_deadline() -> None:
    # filing deadline 2027-02-14 still ahead: this renewal
    assert renewal(term(dt.date(2027, 3, 16)), AS_OF) == (dt.date(2027, 3, 16), 30)
    # deadline 2026-10-16 passed on 2026-11-02: the next one, a term later
    assert renewal(term(dt.date(2026, 11, 15)), AS_OF) == (dt.date(2027, 11, 15), 30)
    # a term that does not renew: past its end the notice alone stops the seat
    assert renewal(term(dt.date(2026, 11, 15), auto=False), AS_OF) == (dt.date(2026, 12, 2), 30)
    assert renewal(None, AS_OF) == (None, 30)


@pytest.fixture(scope="module")
def timed() -> Report:
    return audit(CONTRACT)


@pytest.mark.slow
def test_each_cancel_seat_says_when_and_what_it_saves_either_way(timed: Report) -> None:
    rows = timed.ledger.set_index("seat_id")
    cancels = rows[rows.action.isin(["cancel", "reclaim-then-cancel"])]
    assert cancels.effective_date.notna().all()
    assert cancels.timing.notna().all()
    others = rows[~rows.action.isin(["cancel", "reclaim-then-cancel"])]
    assert others.effective_date.isna().all()
    assert others.buyout_fee_cents.isna().all()
    # X4, fixed fee 50.00: filing on 2026-11-02 stops it 2026-12-02, 4 bills before the
    # 2027-03-16 renewal: 4 x 34 + 12 x 34 - 50 = 494.00 against 12 x 34 = 408.00 -> now
    x4 = cancels[cancels.license_type.eq("X4")].iloc[0]
    assert (x4.effective_date, x4.notice_by) == (dt.date(2027, 3, 16), dt.date(2027, 2, 14))
    assert (x4.buyout_fee_cents, x4.saving_now_cents, x4.saving_at_renewal_cents, x4.timing) == (
        5000,
        49400,
        40800,
        "now",
    )
    # X6 under *, remaining-months: the fee is the 4 bills it saves, so waiting is as good
    # and pays no fee -> at renewal
    x6 = cancels[cancels.license_type.eq("X6")].iloc[0]
    assert (x6.buyout_fee_cents, x6.saving_now_cents, x6.saving_at_renewal_cents, x6.timing) == (
        4 * 4400,
        12 * 4400,
        12 * 4400,
        "renewal",
    )
    # VCC Agent: 60 days' notice moves its deadline
    vcc = cancels[cancels.license_type.eq("VCC Agent")].iloc[0]
    assert vcc.notice_by == dt.date(2027, 1, 15)
    # X8 has no price: its fee and savings are unknown, never zero, and it waits
    x8 = cancels[cancels.license_type.eq("X8")].iloc[0]
    assert pd.isna(x8.buyout_fee_cents)
    assert pd.isna(x8.saving_now_cents)
    assert x8.timing == "renewal"


@pytest.mark.slow
def test_the_bridge_splits_the_gross_saving_and_still_adds_up(timed: Report) -> None:
    b = timed.bridge
    plain = audit().bridge
    assert b.contract_given
    assert not plain.contract_given
    assert b.saving_now + b.saving_at_renewal == b.saving
    assert b.saving_now == 7 * 3400  # the seven X4 seats, stopped now
    assert b.buyout_fees == 7 * 5000
    assert b.monthly_cost == b.in_use + b.waste
    assert b.waste == b.cancel + b.reclaim_then_cancel + b.reassign + b.kept
    assert timed.summary.monthly_saving_cents == b.saving  # stays gross
    # without a contract everything is "now", with no fee
    assert (plain.saving_now, plain.saving_at_renewal, plain.buyout_fees) == (plain.saving, 0, 0)


@pytest.mark.slow
def test_the_recommendation_says_when_to_file(timed: Report) -> None:
    text = dict(zip(timed.findings.id, timed.findings.recommendation, strict=True))
    x6 = text["unassigned-billed-seats:X4"]
    assert "file today, even with a buy-out fee of USD 50.00" in x6
    vcc = text["unassigned-billed-seats:VCC Agent"]
    assert "file by 2027-01-15 to stop paying on 2027-03-16 with no buy-out fee" in vcc
    assert "(60 days' notice;" in vcc
    assert "30 days' notice" not in vcc
    plain = audit().findings
    assert not plain.recommendation.str.contains("file by").any()


@pytest.mark.slow
def test_the_cancellation_sheet_takes_each_types_notice(timed: Report) -> None:
    plan = timed.cancellation.set_index("license_type").notice_effective
    assert plan["VCC Agent"] == dt.date(2027, 1, 1)  # 60 days' notice
    assert plan["X4"] == dt.date(2026, 12, 2)
    assert set(audit().cancellation.notice_effective) == {dt.date(2026, 12, 2)}


def test_renewal_calendar_per_type(timed: Report) -> None:
    table = timed.renewals.set_index("license_type")
    assert next(iter(timed.renewals.license_type)) == "VCC Agent"  # earliest deadline first
    x4 = table.loc["X4"]
    assert (x4.seats_to_cancel, x4.cancel_now, x4.cancel_at_renewal) == (7, 7, 0)
    assert x4.monthly_saving_cents == 23800
    assert x4.buyout_fees_cents == 35000
    assert table.seats_to_cancel.sum() == int(
        timed.ledger.action.isin(["cancel", "reclaim-then-cancel"]).sum()
    )


# --- spares ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_spare_allowance_keeps_exactly_n_seats_out_of_the_waste() -> None:
    before = audit()
    after = audit(keep_spares=(("x4", 3),))  # the config's spelling need not match
    rows = after.ledger
    spare = rows[rows.keep_reason.eq("spare allowance")]
    assert len(spare) == 3
    assert set(spare.license_type) == {"X4"}
    assert set(spare.disposition) == {"unassigned"}
    assert set(spare.action) == {"keep"}
    assert not spare.waste.any()
    assert spare.finding_id.isna().all()
    assert before.bridge.open_waste - after.bridge.open_waste == 3 * 3400
    assert after.bridge.spares == 3 * 3400
    assert after.bridge.spare_seats == 3
    assert after.bridge.monthly_cost == before.bridge.monthly_cost
    finding = after.findings.set_index("id").loc["unassigned-billed-seats:X4"]
    assert not set(spare.seat_id) & set(finding.license_ids)
    assert "3 more are kept as spares (the spare allowance)." in finding.detail
    plan = after.cancellation.set_index("license_type").loc["X4"]
    assert plan.spares_kept == 3
    assert plan.unassigned + plan.held_by_stale_users == (
        plan.reassign_to_contacts + plan.seats_to_cancel + plan.spares_kept
    )


@pytest.mark.slow
def test_an_allowance_larger_than_the_pool_keeps_them_all_and_the_finding_goes() -> None:
    report = audit(keep_spares=(("Call Recording Storage", 10),))
    assert "unassigned-billed-seats:Call Recording Storage" not in set(report.findings.id)
    kept = report.ledger[report.ledger.keep_reason.eq("spare allowance")]
    assert len(kept) == 2


@pytest.mark.slow
def test_the_config_allowance_overrides_the_contract_column(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "X4,,,,,,5\n")
    assert audit(path).bridge.spare_seats == 5
    assert audit(path, keep_spares=(("X4", 1),)).bridge.spare_seats == 1


@pytest.mark.slow
def test_spares_leave_the_gates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = ["audit", "--input", str(DEMO), "--out", "o", "--no-history", "--format", "json"]
    assert cli_run([*base, "--fail-over-waste", "1475"], capsys)[0] == 1  # 1,476.00
    config = write(tmp_path, '[keep_spares]\n"X2" = 2\n', "auditor.toml")
    code, _, err = cli_run([*base, "--config", str(config), "--fail-over-waste", "1428"], capsys)
    assert code == 0, err  # 1,476.00 - 2 x 24.00


# --- the reports, end to end ------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "out"
    code = cli.main(
        [
            "audit",
            "--input",
            str(DEMO),
            "--contract",
            str(CONTRACT),
            "--out",
            str(out),
            "--no-history",
            "--quiet",
        ]
    )
    assert code == 0
    return out


@pytest.mark.slow
def test_json_carries_the_split_and_the_ledger_invariants_hold(reports: Path) -> None:
    data = json.loads((reports / "audit.json").read_text())
    for schema in (SCHEMA, SHARED_SCHEMA):
        if schema is not None:
            jsonschema.Draft202012Validator(
                schema, format_checker=jsonschema.FormatChecker()
            ).validate(data)
    assert data["schema_version"] == 2
    b = data["bridge"]
    assert round((b["saving_now"] + b["saving_at_renewal"]) * 100) == round(
        b["monthly_saving"] * 100
    )
    assert b["contract_given"] is True
    assert b["spare_seats"] == 2
    assert {r["license_type"] for r in data["renewals"]} >= {"X4", "VCC Agent"}
    spare = [r for r in data["ledger"] if r["keep_reason"] == "spare allowance"]
    assert len(spare) == 2
    assert all(r["action"] == "keep" and not r["waste"] for r in spare)
    x4 = next(r for r in data["ledger"] if r["license_type"] == "X4" and r["action"] == "cancel")
    assert (x4["effective_date"], x4["notice_by"], x4["buyout_fee"]) == (
        "2027-03-16",
        "2027-02-14",
        50.0,
    )
    check = subprocess.run(
        [sys.executable, str(LEDGER_CHECK), str(reports / "audit.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout


@pytest.mark.slow
def test_json_without_a_contract_says_the_saving_assumes_no_buy_out(tmp_path: Path) -> None:
    assert cli.main(["audit", "--input", str(DEMO), "--out", "o", "--no-history", "-q"]) == 0
    bridge = json.loads(Path("o/audit.json").read_text())["bridge"]
    assert bridge["contract_given"] is False
    assert "assumes no buy-out fee" in bridge["saving_note"]
    html = Path("o/audit.html").read_text()
    start = html.index('id="bridge"')
    assert "assumes no buy-out fee" in html[start : html.index("</section>", start)]


@pytest.mark.slow
def test_workbook_has_the_renewals_sheet_and_the_split_in_the_bridge(reports: Path) -> None:
    wb = openpyxl.load_workbook(reports / "audit.xlsx")
    assert "Renewals" in wb.sheetnames
    rows = list(wb["Renewals"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("License type", "Renewal date", "Notice by")
    x4 = next(r for r in rows[1:] if r[0] == "X4")
    assert x4[1] == dt.datetime(2027, 3, 16)
    assert x4[2] == dt.datetime(2027, 2, 14)
    assert wb["Renewals"]["J2"].number_format != "General"  # money formatted
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(max_col=2, values_only=True)}
    now = summary["of which from now (stopped after the notice period)"]
    later = summary["of which at renewal (no buy-out fee; see the Renewals sheet)"]
    assert round((now + later) * 100) == round(
        summary["Monthly saving if the plan is filed (cancel + reclaim then cancel)"] * 100
    )


def test_html_shows_now_against_at_renewal_and_the_calendar(reports: Path) -> None:
    html = (reports / "audit.html").read_text()
    assert 'data-contract="now"' in html
    assert 'data-contract="at-renewal"' in html
    assert 'id="renewals-table"' in html
    assert "2027-02-14" in html


@pytest.mark.slow
def test_fail_before_notice_gate(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["audit", "--input", str(DEMO), "--contract", str(CONTRACT), "--out", "o"]
    base += ["--no-history", "--format", "json"]
    # VCC Agent's deadline 2027-01-15 is 74 days after 2026-11-02
    code, _, err = cli_run([*base, "--fail-before-notice", "74"], capsys)
    assert code == 1
    assert "gate crossed: the notice deadline for VCC Agent is 2027-01-15, 74 day(s) away" in err
    assert cli_run([*base, "--fail-before-notice", "73"], capsys)[0] == 0
    # without a contract nothing has a deadline
    plain = ["audit", "--input", str(DEMO), "--out", "o", "--no-history", "--format", "json"]
    assert cli_run([*plain, "--fail-before-notice", "1000"], capsys)[0] == 0


# --- history ------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_old_history_file_is_migrated_and_records_the_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])  # a history written before the contract existed
    db.execute(
        "INSERT INTO runs (tenant, as_of, generated_at, tool_version, currency, inputs, users, "
        "contacts, seats_total, seats_unassigned, monthly_cost_cents, monthly_waste_cents, "
        "findings, suppressed) VALUES ('Bayline Freight Logistics', '2026-10-01', "
        "'2026-10-01T12:00:00+00:00', '0.1', 'USD', '[]', 1, 0, 1, 0, 100, 0, 0, 0)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    args = ["audit", "--input", str(DEMO), "--contract", str(CONTRACT), "--out", "o"]
    code, _, err = cli_run([*args, "--history", str(path), "--format", "json,xlsx"], capsys)
    assert code == 0, err
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    rows = db.execute(
        "SELECT as_of, saving_now_cents, saving_at_renewal_cents, buyout_fees_cents FROM runs "
        "ORDER BY as_of"
    ).fetchall()
    db.close()
    assert rows == [("2026-10-01", None, None, None), ("2026-11-02", 23800, 80400, 35000)]
    code, out, _ = cli_run(["history", "--history", str(path), "--json"], capsys)
    listed = json.loads(out)
    assert [(r["saving_now"], r["saving_at_renewal"]) for r in listed] == [
        (None, None),
        (238.0, 804.0),
    ]
    trend = list(openpyxl.load_workbook("o/audit.xlsx")["Trend"].iter_rows(values_only=True))
    assert trend[0][-4:-2] == ("Saving now", "Saving at renewal")
    assert trend[-1][-4:-2] == (238.0, 804.0)


@pytest.mark.slow
def test_config_keys_for_the_contract_spares_and_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        f'input = "{DEMO}"\nout = "o"\ncontract = "{CONTRACT}"\nformats = ["json"]\n'
        '[gates]\nfail_before_notice = 80\n[keep_spares]\n"X4" = 1\n',
        "auditor.toml",
    )
    code, _, err = cli_run(["audit", "--config", str(config), "--no-history"], capsys)
    assert code == 1
    assert "--fail-before-notice 80" in err
    data = json.loads(Path("o/audit.json").read_text())
    assert data["settings"]["keep_spares"] == {"X4": 1}
    assert data["bridge"]["spare_seats"] == 3  # X4 from the config, X2 x 2 from the contract
    assert "contract.csv" in {i["name"] for i in data["inputs"]}
    bad = write(tmp_path, '[keep_spares]\n"X4" = "five"\n', "bad.toml")
    code, _, err = cli_run(["audit", "--config", str(bad), "--input", str(DEMO)], capsys)
    assert code == 2
    assert "keep_spares.X4 must be a whole number (got 'five')" in err
