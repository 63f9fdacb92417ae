"""Every usage error is one ``auditor: error:`` sentence naming the option, the value and what
is accepted, with exit code 2, like every input error."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main as cli

CASES = [
    (["audit", "--out", "o", "--as-of", "2026-02-30"],
     "--as-of: 2026-02-30 is not a calendar date; give a real day as YYYY-MM-DD"),
    (["audit", "--out", "o", "--as-of", "2.11.2026"],
     "--as-of: '2.11.2026' is not a date; give one as YYYY-MM-DD, e.g. 2026-11-02"),
    (["audit", "--out", "o", "--fail-over-waste", "1,000"],
     "--fail-over-waste: '1,000' is not an amount; give a plain number of 0 or more such as "
     "1000 or 1000.50"),
    (["audit", "--out", "o", "--fail-over-waste", "-5"],
     "--fail-over-waste: '-5' is not an amount"),
    (["audit", "--out", "o", "--fail-over-waste", "nan"],
     "--fail-over-waste: 'nan' is not an amount"),
    (["audit", "--out", "o", "--stale-after-days", "-3"],
     "--stale-after-days: '-3' is not accepted; give a whole number, 0 or more"),
    (["audit", "--out", "o", "--stale-after-days", "thirty"],
     "--stale-after-days: 'thirty' is not accepted; give a whole number, 0 or more"),
    (["collect", "--out", "o", "--page-size", "5000"],
     "--page-size: '5000' is not accepted; give a whole number, 1 to 1000"),
    (["audit", "--out", "o", "--history", "FOLDER"],
     "--history: FOLDER is a folder; give the path of a file"),
    (["history", "--history", "FOLDER"],
     "--history: FOLDER is a folder; give the path of a file"),
    (["audit", "--out", "o", "--config", "FOLDER"],
     "--config: FOLDER is a folder; give the path of a file"),
    (["audit", "--out", "o", "--format", "pdf"], "--format: pdf is not a format; choose from json"),
    (["audit", "--out", "o", "--fail-on", "urgent"],
     "--fail-on: 'urgent' is not one of 'high', 'medium', 'low', 'info'"),
    (["audit", "--bogus"], "no such option --bogus"),
    (["audt"], "no such command audt (did you mean audit?); see auditor --help."),
    (["audit", "--out"], "option --out requires an argument"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_error_is_one_sentence(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    args = [str(folder) if a == "FOLDER" else a for a in args]
    code = cli.main(args)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("auditor: error: ")
    assert expected.replace("FOLDER", str(folder)) in lines[0]
    assert "Usage:" not in captured.err
    assert "%Y" not in captured.err  # no strptime jargon
    assert not (tmp_path / "o").exists()  # nothing written


@pytest.mark.slow
def test_a_good_date_and_amount_still_work(
    tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    args = ["audit", "--input", str(tiny_dir), "--out", str(out), "--no-history",
            "--as-of", "2026-11-01", "--fail-over-waste", "1000.50",
            "--format", "json"]  # fmt: skip
    assert cli.main(args) == 0
    assert (out / "audit.json").is_file()
