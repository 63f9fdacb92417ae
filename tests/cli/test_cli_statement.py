"""The statement on the command line: --statement, the config key, the API path, bad rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.cli import main as cli
from tests.conftest import DEMO, FIXTURES
from tests.fake8x8 import Fake8x8
from tests.fake_tenants import tenant_from_snapshot


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo_without_bill(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    (folder / "statement.csv").unlink()
    return folder


@pytest.mark.slow
def test_statement_flag_reconciles_and_says_the_credit(
    demo_without_bill: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["audit", "--input", str(demo_without_bill), "--out", str(out), "--no-history"]
    code, _, stderr = run_cli([*args, "--format", "json"], capsys)
    assert code == 0
    assert "skipped billed-over-inventory: no statement was given" in stderr
    assert json.loads((out / "audit.json").read_text())["statement"] is None
    code, _, stderr = run_cli(
        [*args, "--format", "json", "--statement", str(DEMO / "statement.csv")], capsys
    )
    assert code == 0
    assert "overbilled USD 170.60 a month (a credit to claim)" in stderr
    data = json.loads((out / "audit.json").read_text())
    assert data["summary"]["monthly_overbilled"] == 170.6
    assert data["summary"]["monthly_waste"] == 1476.0  # beside, not inside
    assert data["statement"]["lines"] == 18


@pytest.mark.slow
def test_the_config_key_names_the_statement_relative_to_the_config(
    demo_without_bill: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEMO / "statement.csv", tmp_path / "bill.csv")
    config = tmp_path / "auditor.toml"
    config.write_text('statement = "bill.csv"\nformats = ["json"]\n')
    out = tmp_path / "out"
    code, _, _ = run_cli(
        [
            "audit",
            "--input",
            str(demo_without_bill),
            "--out",
            str(out),
            "--config",
            str(config),
            "--no-history",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads((out / "audit.json").read_text())
    assert data["summary"]["monthly_overbilled"] == 170.6
    assert "bill.csv" in [i["name"] for i in data["inputs"]]


def test_bad_rows_are_one_sentence_exit_2_and_no_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    bad = FIXTURES / "statements" / "bad-rows.csv"
    code, stdout, stderr = run_cli(
        ["audit", "--input", str(DEMO), "--statement", str(bad), "--out", str(out)], capsys
    )
    assert code == 2
    assert stdout == ""
    assert stderr == (
        f"auditor: error: {bad} row 3, column quantity: 'two hundred' is not a whole number "
        "of licenses on a recurring line.\n"
    )
    assert not out.exists()


def test_a_missing_statement_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    code, _, stderr = run_cli(
        ["audit", "--input", str(DEMO), "--statement", str(missing), "--out", str(tmp_path / "o")],
        capsys,
    )
    assert code == 2
    assert stderr == f"auditor: error: {missing}: the file does not exist.\n"


@pytest.mark.slow
def test_another_months_statement_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    october = FIXTURES / "statements" / "october.csv"
    code, _, stderr = run_cli(
        [
            "audit",
            "--input",
            str(DEMO),
            "--statement",
            str(october),
            "--out",
            str(tmp_path / "o"),
            "--format",
            "json",
            "--no-history",
        ],
        capsys,
    )
    assert code == 0
    assert "warning: the statement bills 2026-10, but the audit is as of 2026-11-02" in stderr


@pytest.mark.slow
def test_the_statement_reaches_an_audit_straight_from_the_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EIGHTX8_API_KEY", "eght_statement")
    out = tmp_path / "out"
    with Fake8x8(tenant_from_snapshot(DEMO), api_key="eght_statement") as api:
        code, _, stderr = run_cli(
            [
                "audit",
                "--base-url",
                api.url,
                "--licenses",
                str(DEMO / "licenses.csv"),
                "--prices",
                str(DEMO / "prices.csv"),
                "--statement",
                str(DEMO / "statement.csv"),
                "--out",
                str(out),
                "--format",
                "json",
                "--no-history",
                "--as-of",
                "2026-11-02",
            ],
            capsys,
        )
    assert code == 0, stderr
    assert "eght_statement" not in stderr
    data = json.loads((out / "audit.json").read_text())
    assert data["summary"]["monthly_overbilled"] == 170.6
    assert data["summary"]["findings_by_rule"]["billed-over-inventory"] == 1
