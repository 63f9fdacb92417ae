"""``auditor collect`` and ``auditor audit --base-url`` against the fake 8x8 over real HTTP.

Exit codes, what reaches stdout and stderr, the manifest, atomic snapshots, and the API key
never appearing in any byte the tool writes or prints.
"""

from __future__ import annotations

import io
import json
import logging
import socket
from pathlib import Path

import pytest

from auditor import __version__
from auditor.cli import main as cli
from auditor.cli.progress import ProgressLine
from auditor.sources.base import CollectStats
from tests.conftest import FIXTURES
from tests.fake8x8 import Fault
from tests.fake_tenants import small_tenant
from tests.sources.conftest import FakeFactory

SECRET = "eght_S3cr3t-k3y_that_must_never_be_printed_42"
# users and sites, the address list (one page: cheaper than by id) and the numbers not assigned
SNAPSHOT = {"users.csv", "sites.csv", "addresses.csv", "numbers.csv", "manifest.json"}

pytestmark = pytest.mark.usefixtures("fast_cli")


@pytest.fixture
def env_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EIGHTX8_API_KEY", SECRET)
    return SECRET


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.slow
def test_collect_writes_a_snapshot_and_says_where(
    fake: FakeFactory, env_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = fake(small_tenant(250, 3), api_key=env_key)
    out = tmp_path / "snap"
    code, stdout, stderr = run(["collect", "--base-url", api.url, "--out", str(out)], capsys)
    assert code == 0
    assert {p.name for p in out.iterdir()} == SNAPSHOT
    assert sorted(stdout.split()) == sorted(str(out / n) for n in SNAPSHOT)
    assert stderr == (
        "collected 250 users and 3 sites in 4 requests "
        "(0 retries; waited 0.0 s for the rate limit)\n"
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["base_url"] == api.url
    assert manifest["tool_version"] == __version__
    assert manifest["rows"] == {"users": 250, "sites": 3, "addresses": 2, "numbers": 0}
    assert manifest["requests"] == 4
    assert manifest["retries"] == 0
    assert manifest["rate_limit_wait_seconds"] == 0.0
    assert manifest["collection"]["addresses"] == 2
    assert manifest["collected_at"].endswith("Z")
    header = (out / "users.csv").read_text().splitlines()[0]
    assert header.startswith("user_id,email,status,site,first_name")
    assert (out / "sites.csv").read_text().splitlines()[0] == (
        "site_id,name,street,city,state,postal,country"
    )


@pytest.mark.slow
def test_the_key_appears_in_no_output_byte(
    fake: FakeFactory,
    env_key: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # even httpx's and httpcore's debug logs
    api = fake(small_tenant(120, 2), api_key=env_key, faults=[Fault("status", "/users", at=2)])
    snap, reports = tmp_path / "snap", tmp_path / "reports"
    outputs = []
    outputs.append(run(["collect", "--base-url", api.url, "--out", str(snap)], capsys))
    audit = ["audit", "--base-url", api.url, "--out", str(reports)]
    audit += ["--licenses", str(FIXTURES / "tiny" / "licenses.csv")]
    audit += ["--prices", str(FIXTURES / "tiny" / "prices.csv"), "--page-size", "50"]
    outputs.append(run(audit, capsys))
    assert [code for code, _, _ in outputs] == [0, 0]
    assert {p.name for p in reports.iterdir()} >= {"audit.json", "audit.html"}
    written = every_byte(tmp_path)
    printed = "".join(out + err for _, out, err in outputs)
    assert SECRET.encode() not in written
    assert SECRET not in printed
    assert SECRET not in caplog.text
    assert api.count(status=503) == 1  # the retry path ran too


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/admin-provisioning"


@pytest.mark.slow
def test_messages_about_collected_data_name_the_api_not_a_scratch_folder(
    fake: FakeFactory, env_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """audit --base-url loads from a temporary copy; its path means nothing to the reader."""
    tenant = small_tenant(20, 2)
    tenant.users[4]["basicInfo"]["site"] = {"id": "site-gone", "name": "Gone"}
    api = fake(tenant, api_key=env_key)
    audit = ["audit", "--base-url", api.url, "--out", str(tmp_path / "r"), "--no-history"]
    audit += ["--licenses", str(FIXTURES / "tiny" / "licenses.csv")]
    audit += ["--prices", str(FIXTURES / "tiny" / "prices.csv"), "--format", "json"]
    code, _, stderr = run(audit, capsys)
    assert code == 0, stderr
    warnings = json.loads((tmp_path / "r" / "audit.json").read_text())["warnings"]
    sited = [w for w in warnings if "site-gone" in w]
    assert sited == [
        f"users.csv as collected from {api.url}: 1 user(s) name a site sites.csv does not "
        "have (first: row 6, 'site-gone'); their licenses' tax addresses are not checked."
    ]
    assert "auditor-snapshot" not in stderr + " ".join(warnings)
    tenant.users[2]["basicInfo"]["createdTime"] = "last Tuesday"
    code, _, stderr = run(audit, capsys)
    assert code == 2
    assert stderr.startswith(f"auditor: error: users.csv as collected from {api.url} row 4, ")
    assert "auditor-snapshot" not in stderr


@pytest.mark.slow
def test_a_name_the_api_garbles_is_collected_and_audited_with_a_replacement_character(
    fake: FakeFactory, env_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON \\ud800 escape (half a UTF-16 pair) in one name must not stop the run."""
    tenant = small_tenant(20, 2)
    tenant.users[3]["basicInfo"]["firstName"] = "Zo\ud800e"
    assert "Zo\\ud800e" in json.dumps(tenant.users[3])  # how the fake serves it
    api = fake(tenant, api_key=env_key)
    snap, reports = tmp_path / "snap", tmp_path / "reports"
    assert run(["collect", "--base-url", api.url, "--out", str(snap)], capsys)[0] == 0
    assert "Zo\ufffde" in (snap / "users.csv").read_text(encoding="utf-8")
    audit = ["audit", "--base-url", api.url, "--out", str(reports), "--no-history"]
    audit += ["--licenses", str(FIXTURES / "tiny" / "licenses.csv")]
    audit += ["--prices", str(FIXTURES / "tiny" / "prices.csv")]
    code, _, stderr = run(audit, capsys)
    assert code == 0, stderr
    assert {p.name for p in reports.iterdir()} == {
        "audit.json",
        "audit.html",
        "audit.xlsx",
        "findings.csv",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("401", "answered 401 Unauthorized: the API key was refused"),
        ("403", "answered 403 Forbidden: the API key lacks the"),
        ("404", "answered 404 Not Found: nothing is there; check --base-url"),
        ("400", "answered 400 Bad Request: the server said: try later."),
        ("5xx", "failed 6 times in a row (it answered 503 Service Unavailable)"),
        ("timeout", "failed 6 times in a row (no answer within 0.2 s)"),
        ("refused", "failed 6 times in a row (could not connect to 127.0.0.1"),
    ],
)
def test_each_error_path_exits_3_with_one_sentence_and_no_key(
    case: str,
    fragment: str,
    fake: FakeFactory,
    env_key: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the timeout case needs a short timeout: its answers are held until the fake stops,
    # so they cannot arrive in time; the others get time to spare on a busy machine.
    monkeypatch.setattr(
        "auditor.sources.admin_api.CLIENT_TIMEOUT", 0.2 if case == "timeout" else 10.0
    )
    faults = {
        "403": [Fault("status", "/sites", status=403)],
        "400": [Fault("status", "/users", at=2, status=400)],
        "5xx": [Fault("status", "/addresses", times=99, status=503)],
        "timeout": [Fault("slow", "/users", times=99, delay=60.0)],
    }.get(case, [])
    api = fake(small_tenant(250, 3), api_key="other" if case == "401" else env_key, faults=faults)
    url = {"404": api.url.replace("provisioning", "prov"), "refused": refused_url()}.get(
        case, api.url
    )
    out = tmp_path / "snap"
    args = ["collect", "--base-url", url, "--out", str(out), "--page-size", "100"]
    code, stdout, stderr = run(args, capsys)
    assert code == 3
    assert stdout == ""
    assert stderr.startswith("auditor: error: ")
    assert stderr.count("\n") == 1
    assert fragment in stderr
    assert "127.0.0.1" in stderr  # the URL or host is named
    assert SECRET not in stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary folder left either


@pytest.mark.slow
def test_a_failed_collection_keeps_the_old_snapshot_and_a_good_one_keeps_extra_files(
    fake: FakeFactory, env_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap"
    out.mkdir()
    (out / "users.csv").write_text("user_id,email,status,site\nold,o@x,ACTIVE,s\n")
    (out / "licenses.csv").write_text("license_type,total,unassigned\nX4,1,0\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = fake(small_tenant(250, 3), api_key=env_key, faults=[Fault("drop", "/sites", times=99)])
    code, _, stderr = run(["collect", "--base-url", broken.url, "--out", str(out)], capsys)
    assert code == 3
    assert "closed the connection without an answer" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]

    api = fake(small_tenant(250, 3), api_key=env_key)
    code, _, _ = run(["collect", "--base-url", api.url, "--out", str(out)], capsys)
    assert code == 0
    assert {p.name for p in out.iterdir()} == SNAPSHOT | {"licenses.csv"}
    assert (out / "licenses.csv").read_bytes() == before["licenses.csv"]
    assert "old" not in (out / "users.csv").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["collect", "--out", "{tmp}/s"], "no 8x8 API key: set EIGHTX8_API_KEY"),
        (["collect", "--out", "{tmp}/s", "--api-key-file", "{tmp}/none"], "cannot be read"),
        (["collect", "--out", "{tmp}/s", "--base-url", "ftp://x"], "is not an http(s) URL"),
        (["collect", "--out", "{tmp}/s", "--page-size", "1001"], "--page-size"),
        (["audit", "--out", "{tmp}/r"], "give --input SNAPSHOT_DIR, or --base-url URL"),
        (
            ["audit", "--out", "{tmp}/r", "--input", "{tmp}", "--base-url", "http://x"],
            "--input and --base-url cannot be used together",
        ),
        (["audit", "--out", "{tmp}/r", "--base-url", "http://x"], "--base-url needs --licenses"),
        (
            ["audit", "--out", "{tmp}/r", "--base-url", "http://x", "--licenses", "l.csv"],
            "--base-url needs --prices",
        ),
        (
            ["audit", "--out", "{tmp}/r", "--input", "{tmp}", "--page-size", "5"],
            "--page-size only applies with --base-url",
        ),
    ],
)
def test_usage_errors_exit_2(
    args: list[str],
    fragment: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EIGHTX8_API_KEY", raising=False)
    code, stdout, stderr = run([a.replace("{tmp}", str(tmp_path)) for a in args], capsys)
    assert code == 2
    assert fragment in stderr
    assert stdout == ""
    assert not (tmp_path / "s").exists()
    assert not (tmp_path / "r").exists()


def test_the_key_file_is_read_and_a_non_snapshot_folder_is_refused(
    fake: FakeFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = fake(small_tenant(10, 2), api_key=SECRET)
    key_file = tmp_path / "key"
    key_file.write_text(SECRET + "\n")
    out = tmp_path / "snap"
    args = ["collect", "--base-url", api.url, "--out", str(out), "--api-key-file", str(key_file)]
    assert run(args, capsys)[0] == 0
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    args[4] = str(busy)
    code, _, stderr = run(args, capsys)
    assert code == 2
    assert "not empty and holds no snapshot" in stderr
    # users, sites, the address list, the idle numbers; the second run was refused before any
    assert api.count() == 4


def test_no_progress_when_stderr_is_not_a_terminal_and_a_line_when_it_is() -> None:
    stats = CollectStats(users=1200, user_pages=2, sites=4, requests=9, rate_limit_waits=1)
    quiet = io.StringIO()
    line = ProgressLine(quiet)
    line(stats)
    line.close()
    assert quiet.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    line = ProgressLine(tty)
    line(stats)
    line(CollectStats(users=2000, user_pages=2))
    line.close()
    text = tty.getvalue()
    assert text.startswith("\rusers 1,200 (2 pages), sites 4, addresses 0, 9 requests")
    assert "rate-limit waits 1 (0.0 s)" in text
    assert text.count("\r") == 2
    assert text.endswith("\n")
