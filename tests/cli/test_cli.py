"""The command line: exit codes, what goes to stdout and stderr, atomic report writing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from auditor.cli import main as cli
from auditor.render import RENDERERS, Renderer
from tests.conftest import FIXTURES

ALL_FILES = {"audit.json", "audit.html", "audit.xlsx", "findings.csv"}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.slow
def test_audit_writes_four_reports_and_says_where(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(
        ["audit", "--input", str(tiny_dir), "--out", str(out), "--as-of", "2026-11-01"], capsys
    )
    assert code == 0
    assert {p.name for p in out.iterdir()} == ALL_FILES
    assert sorted(stdout.split()) == sorted(str(out / name) for name in ALL_FILES)
    assert "7 findings (6 medium, 1 info); monthly waste USD 82.00 (annual USD 984.00)" in stderr
    assert json.loads((out / "audit.json").read_text())["tenant"] == "example.com"  # users' domain


@pytest.mark.slow
def test_format_tenant_and_external_inventory(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "audit",
        "--input",
        str(tiny_dir),
        "--out",
        str(out),
        "--format",
        "json,csv",
        "--tenant",
        "Acme",
        "--licenses",
        str(FIXTURES / "tiny-pools" / "licenses.csv"),
        "--prices",
        str(tiny_dir / "prices.csv"),
        "--stale-after-days",
        "90",
        "--as-of",
        "2026-11-01",
    ]
    code, _, stderr = run_cli(args, capsys)
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"audit.json", "findings.csv"}
    data = json.loads((out / "audit.json").read_text())
    assert data["tenant"] == "Acme"
    assert data["settings"]["stale_after_days"] == 90
    assert "stale-deactivated-user" not in {f["rule"] for f in data["findings"]}
    assert "skipped tax-address-mismatch" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "pdf is not a format"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--stale-after-days", "-1"], "--stale-after-days"),
    ],
)
def test_bad_usage_exits_2(
    tiny_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, stdout, stderr = run_cli(
        ["audit", "--input", str(tiny_dir), "--out", str(tmp_path / "o"), *args], capsys
    )
    assert code == 2
    assert message in stderr
    assert stdout == ""
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_bad_input_exits_2_with_one_sentence_and_keeps_old_reports(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_cli(["audit", "--input", str(tiny_dir), "--out", str(out)], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (tiny_dir / "users.csv").write_text("user_id,email,status,site\nu1,a@x,maybe,sf\n")
    code, stdout, stderr = run_cli(["audit", "--input", str(tiny_dir), "--out", str(out)], capsys)
    assert code == 2
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert "users.csv row 2, column status: 'maybe' is not a known status" in stderr
    assert "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.slow
def test_a_renderer_failing_midway_leaves_previous_reports_whole(
    tiny_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    assert run_cli(["audit", "--input", str(tiny_dir), "--out", str(out)], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(report: object, path: Path) -> None:
        path.write_bytes(b"half a workb")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(RENDERERS, "xlsx", Renderer("xlsx", "audit.xlsx", disk_full))
    code, _, stderr = run_cli(
        ["audit", "--input", str(tiny_dir), "--out", str(out), "--as-of", "2027-01-01"], capsys
    )
    assert code == 2
    assert "audit.xlsx: cannot be written" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.slow
def test_demo_runs_the_bundled_tenant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    code, stdout, stderr = run_cli(["demo", "--out", str(out)], capsys)
    assert code == 0
    assert {p.name for p in out.iterdir()} == ALL_FILES
    assert str(out / "audit.html") in stdout.splitlines()
    data = json.loads((out / "audit.json").read_text())
    assert data["as_of"] == "2026-11-02"  # the manifest's collected_at
    counts = data["summary"]["findings_by_rule"]
    assert counts.pop("sources-disagree") == 0  # the demo's two exports agree
    assert counts.pop("idle-phone-numbers") == 0  # its numbers are porting in, none idle
    assert all(count > 0 for count in counts.values())
    assert "monthly waste" in stderr


@pytest.mark.parametrize("command", [[], *([name] for name in cli.cli.commands)])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Each command says what it does, and each of its options what it is for, in --help."""
    code, stdout, _ = run_cli([*command, "--help"], capsys)
    assert code == 0
    assert "Usage: auditor" in stdout
    shown = " ".join(stdout.split())  # click wraps long lines
    target = cli.cli.commands[command[0]] if command else cli.cli
    name = " ".join(["auditor", *command])
    assert (target.help or "").strip(), f"{name} has no help text"
    assert " ".join(target.help.split("\b")[0].split())[:40] in shown
    if isinstance(target, click.Group):
        for sub, each in target.commands.items():
            assert each.get_short_help_str().strip(), f"auditor {sub} has no summary in {name}"
    for param in target.params:
        if isinstance(param, click.Option) and not param.hidden:
            flag = max(param.opts, key=len)
            assert (param.help or "").strip(), f"{name} {flag} has no help text"
            assert " ".join(param.help.split())[:40] in shown, f"{name} {flag}'s help is not shown"


@pytest.mark.slow
def test_console_script_runs_as_a_real_process(tiny_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "audit",
            "--input",
            str(tiny_dir / "missing"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("auditor: error: ")
    assert "does not exist" in done.stderr


@pytest.mark.slow
def test_an_earlier_runs_reports_not_written_now_are_removed(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    base = ["audit", "--input", str(tiny_dir), "--out", str(out), "--no-history"]
    assert cli.main(base) == 0
    (out / "notes.txt").write_text("mine")  # not a report: left alone
    capsys.readouterr()
    assert cli.main([*base, "--format", "json"]) == 0
    assert {p.name for p in out.iterdir()} == {"audit.json", "notes.txt"}
    stderr = capsys.readouterr().err
    for name in ("audit.html", "audit.xlsx", "findings.csv"):
        assert f"removed {out / name}: an earlier run's report, not written this time" in stderr
