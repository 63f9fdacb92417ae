"""The README is true: its example commands run, and every option a user can type is in it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest

from auditor import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_commands() -> list[list[str]]:
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    lines = [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("auditor ")]


@pytest.fixture
def in_checkout_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of fixtures/, as a clone would."""
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    return tmp_path


COMMANDS = _console_commands()


def test_readme_shows_examples_of_every_command() -> None:
    shown = {argv[1] for argv in COMMANDS}
    assert shown == set(cli.cli.commands)


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[1:3]))
def test_readme_example_runs(
    argv: list[str], in_checkout_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv[1:]) == 0
    written = capsys.readouterr().out.split()
    assert written
    assert all(Path(p).is_file() for p in written)


def test_python_example_runs(in_checkout_copy: Path) -> None:
    block = re.search(r"```python\n(.*?)```", README, flags=re.S)
    assert block is not None
    namespace: dict[str, object] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert (in_checkout_copy / "reports" / "nb" / "audit.json").is_file()


def test_every_option_is_documented() -> None:
    for name, command in cli.cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in param.opts:
                    assert f"`{flag}" in README, f"auditor {name} {flag} is not in README.md"


def test_make_targets_named_in_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = re.findall(r"`make ([\w-]+)`", README)
    assert {"demo", "test", "docs", "system-deps"} <= set(targets)
    for target in targets:
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.M), target
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
