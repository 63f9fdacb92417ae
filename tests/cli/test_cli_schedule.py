"""Scheduled audits from the command line: config, history, gates, --quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main as cli
from tests.conftest import FIXTURES


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.toml"
    path.write_text(f'input = "{FIXTURES / "tiny"}"\nout = "reports/tiny"\n' + text)
    return path


@pytest.mark.slow
def test_gates_exit_1_with_the_reason_and_respect_suppressions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [
        "audit",
        "--input",
        str(FIXTURES / "tiny"),
        "--out",
        "o",
        "--as-of",
        "2026-11-01",
        "--no-history",
        "--format",
        "json",
    ]
    assert run([*base, "--fail-on", "high"], capsys)[0] == 0  # tiny has no high finding
    code, _, err = run([*base, "--fail-on", "medium"], capsys)
    assert code == 1
    assert "gate crossed: 6 open finding(s) at severity medium or above" in err
    code, _, err = run([*base, "--fail-over-waste", "81.99"], capsys)
    assert code == 1
    assert "monthly waste USD 82.00 is over USD 81.99" in err
    assert run([*base, "--fail-over-waste", "82"], capsys)[0] == 0
    muted = config(
        tmp_path,
        '[[suppress]]\nrule = "stale-deactivated-user"\nentity = "u2"\n'
        'reason = "legal hold"\nowner = "legal"\n',
    )
    code, _, err = run([*base, "--config", str(muted), "--fail-over-waste", "58"], capsys)
    assert code == 0, err
    findings = json.loads(Path("o/audit.json").read_text())["findings"]
    stale = next(f for f in findings if f["rule"] == "stale-deactivated-user")
    assert (stale["suppressed"], stale["suppression_reason"]) == (True, "legal hold")


@pytest.mark.slow
def test_quiet_prints_nothing_but_errors(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["audit", "--input", str(FIXTURES / "tiny"), "--out", "o", "--quiet"]
    assert run(args, capsys) == (0, "", "")
    code, out, err = run([*args, "--fail-on", "info"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("auditor: gate crossed:")


@pytest.mark.slow
def test_config_supplies_everything_and_flags_override_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(
        tmp_path,
        'tenant = "From Config"\nformats = ["json"]\n'
        'history = "h.sqlite"\n[thresholds]\nstale_after_days = 100\n',
    )
    code, out, _ = run(["audit", "--config", str(path), "--as-of", "2026-11-01"], capsys)
    assert code == 0
    assert out.split() == [str(tmp_path / "reports" / "tiny" / "audit.json")]
    data = json.loads((tmp_path / "reports" / "tiny" / "audit.json").read_text())
    assert data["tenant"] == "From Config"
    assert data["settings"]["stale_after_days"] == 100
    assert (tmp_path / "h.sqlite").is_file()
    code, out, _ = run(
        [
            "audit",
            "--config",
            str(path),
            "--as-of",
            "2026-11-01",
            "--tenant",
            "Flag",
            "--stale-after-days",
            "30",
            "--format",
            "csv",
            "--out",
            "elsewhere",
        ],
        capsys,
    )
    assert code == 0
    assert out.split() == ["elsewhere/findings.csv"]


def test_unknown_config_key_is_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, "[thresholds]\nstale_days = 10\n")
    code, out, err = run(["audit", "--config", str(path)], capsys)
    assert (code, out) == (2, "")
    assert "unknown key 'thresholds.stale_days'" in err


def test_unknown_rule_in_a_suppression_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(
        tmp_path, '[[suppress]]\nrule = "stale"\nentity = "u2"\nreason = "r"\nowner = "o"\n'
    )
    code, _, err = run(["audit", "--config", str(path)], capsys)
    assert code == 2
    assert "'stale' is not a rule id" in err


@pytest.mark.slow
def test_history_command_lists_runs_as_a_table_and_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for day in ("2026-10-01", "2026-11-01"):
        args = [
            "audit",
            "--input",
            str(FIXTURES / "tiny"),
            "--out",
            "o",
            "--as-of",
            day,
            "--format",
            "json",
        ]
        assert run(args, capsys)[0] == 0
    data = json.loads(Path("o/audit.json").read_text())
    assert data["changes"]["previous_as_of"] == "2026-10-01"
    assert data["changes"]["persisting"] == 7
    assert data["realised_monthly_saving"] == 0.0
    assert {f["first_seen"] for f in data["findings"]} == {"2026-10-01"}
    assert {f["days_open"] for f in data["findings"]} == {31}
    code, out, _ = run(["history"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["tenant", "as"]
    assert "2026-10-01" in lines[1]
    assert "82.00" in lines[2]
    code, out, _ = run(["history", "--json", "--tenant", "example.com"], capsys)
    runs = json.loads(out)
    assert [r["as_of"] for r in runs] == ["2026-10-01", "2026-11-01"]
    assert runs[1]["monthly_waste"] == 82.0
    assert run(["history", "--history", "missing.sqlite"], capsys)[0] == 2
