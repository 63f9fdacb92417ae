"""The README is true: its example commands run, and every option a user can type is in it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from auditor.cli import main as cli
from tests.fake8x8 import Fake8x8
from tests.fake_tenants import tenant_from_snapshot

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_commands() -> list[list[str]]:
    """Each ``$ auditor ...`` line of the README's console blocks, with its expected exit
    code last (0, or N for a line ending in ``# exit N``)."""
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    lines = [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]
    commands = []
    for line in lines:
        if line.startswith("auditor "):
            code = re.search(r"#\s*exit (\d+)\s*$", line)
            commands.append([*shlex.split(line, comments=True), code.group(1) if code else "0"])
    return commands


@pytest.fixture(scope="module")
def checkout_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of fixtures/, as a clone has it, shared by the examples in README order
    (``auditor history`` reads what the audit before it recorded; the examples on
    ``samples/`` read what ``auditor demo --copy-to samples`` copied)."""
    folder = tmp_path_factory.mktemp("checkout")
    shutil.copytree(ROOT / "fixtures", folder / "fixtures")
    return folder


@pytest.fixture
def in_checkout_copy(checkout_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in the shared checkout copy."""
    monkeypatch.chdir(checkout_copy)
    return checkout_copy


COMMANDS = _console_commands()


def test_readme_shows_examples_of_every_command() -> None:
    shown = {argv[1] for argv in COMMANDS}
    assert shown == set(cli.cli.commands)


@pytest.mark.slow
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[1:3]))
def test_readme_example_runs(
    argv: list[str],
    in_checkout_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    *argv, expected = argv
    if "--base-url" not in argv:
        assert cli.main(argv[1:]) == int(expected)
    else:  # the API examples run against the fake 8x8 serving the demo tenant
        monkeypatch.setenv("EIGHTX8_API_KEY", "eght_readme")
        tenant = tenant_from_snapshot(in_checkout_copy / "samples" / "demo")
        with Fake8x8(tenant, api_key="eght_readme") as api:
            at = argv.index("--base-url") + 1
            assert cli.main([*argv[1:at], api.url, *argv[at + 1 :]]) == int(expected)
    out = capsys.readouterr().out
    if int(expected) == 2:  # refused input: one sentence on stderr, nothing written
        assert out == ""
        return
    if argv[1] == "history":
        assert "Bayline Freight Logistics" in out
        return
    written = out.split()
    assert written or "--quiet" in argv
    assert all(Path(p).exists() for p in written)  # reports; for --copy-to, the copies


@pytest.mark.slow
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


def _options_table() -> dict[str, set[str]]:
    """Each option row of the README's tables: the flag and the commands it names."""
    rows: dict[str, set[str]] = {}
    for flags, commands in re.findall(r"^\| (`-[^|]*) \| ([^|]*) \|", README, flags=re.M):
        for flag in re.findall(r"`(-[-\w]+)", flags):
            rows.setdefault(flag, set()).update(
                re.findall(r"\b(audit|collect|demo|history)\b", commands)
            )
    return rows


def test_readme_options_table_matches_each_commands_help() -> None:
    """Every option row names exactly the commands whose --help lists it; ``--help`` is on
    every command and ``--version`` only on the group, as the table says."""
    table = _options_table()
    actual: dict[str, set[str]] = {}
    for name, command in cli.cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in param.opts:
                    actual.setdefault(flag, set()).add(name)
    actual.pop("--help", None)
    for flag, commands in actual.items():
        assert table.get(flag) == commands, f"README says {flag} is for {table.get(flag)}"
    group = {f for p in cli.cli.params if isinstance(p, click.Option) for f in p.opts}
    assert "--version" in group
    assert not any("--version" in c.params for c in cli.cli.commands.values())
    for name, command in cli.cli.commands.items():
        assert command.help, f"auditor {name} has no help text"
        assert f"`auditor {name} --help`" in README


def test_cron_script_mails_only_a_crossed_gate_and_failures(tmp_path: Path) -> None:
    """The README's cron script, run by sh with ``mail`` and ``auditor`` stand-ins: exit 1
    mails the summary and the gate's reason to finance, exit 2 mails IT, exit 0 mails none."""
    script = re.search(r"```sh\n(.*?)```", README, flags=re.S)
    assert script is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mail = bin_dir / "mail"
    mail.write_text('#!/bin/sh\n{ echo "SUBJECT $2 TO $3"; cat; } >> "$MAILBOX"\n')
    mail.chmod(0o755)
    key = tmp_path / "key"
    key.write_text("eght_cron\n")
    results = {}
    for code in (0, 1, 2):
        fake = bin_dir / "auditor"
        fake.write_text(
            f'#!/bin/sh\necho "summary line $EIGHTX8_API_KEY"\n'
            f'[ {code} = 1 ] && echo "auditor: gate crossed: waste over 2000" >&2\nexit {code}\n'
        )
        fake.chmod(0o755)
        text = (
            script.group(1)
            .replace("/opt/seat-auditor/bin/auditor", str(fake))
            .replace("/etc/seat-auditor/key", str(key))
        )
        mailbox = tmp_path / f"mail-{code}"
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "MAILBOX": str(mailbox)}
        subprocess.run(["sh", "-c", text], env=env, check=True)
        results[code] = mailbox.read_text() if mailbox.exists() else ""
    assert results[0] == ""
    assert "SUBJECT 8x8 seat waste over budget TO finance@example.com" in results[1]
    assert "summary line eght_cron" in results[1]
    assert "gate crossed: waste over 2000" in results[1]
    assert "SUBJECT seat-auditor failed (exit 2) TO it@example.com" in results[2]
