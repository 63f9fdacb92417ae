"""Deactivation times from 8x8's Audit Records API, against the fake over real HTTP.

Shapes from 8x8's Audit Records documentation (S12 in reference/8x8-api.md, and 8x8's
"Audit Records" guide): ``GET /administration/audit/v1/audits`` with ``startTime``/``endTime``
at most 31 days apart, ``service`` (only ``platform`` exists), ``entityTypes``,
``eventTypes``, ``size`` (max 100) and ``scrollId``; the answer is
``{"meta": {"totalRecordCount", "scrollId"}, "data": [...]}`` with ``scrollId`` null on the
last page; ``details`` is a JSON string ``{"new": {...}, "old": {...}}``; errors are
Spring-style ``{timestamp, status, error, message, path}``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditor.cli import main as cli
from auditor.errors import SourceError
from auditor.sources import audit_records
from auditor.sources.audit_records import WINDOW, windows
from tests.fake8x8 import AUDIT_PATH, Fault
from tests.fake_tenants import small_tenant
from tests.sources.conftest import KEY, FakeFactory, source

pytestmark = pytest.mark.usefixtures("fast_cli")
NOW = dt.datetime.now(dt.UTC)


def record(user_id: str, days_ago: float, new: dict[str, Any], n: int = 0) -> dict[str, Any]:
    """One audit record of a change to a user, as the documentation's example shapes it."""
    when = NOW - dt.timedelta(days=days_ago)
    return {
        "id": f"a-{user_id}-{days_ago}-{n}",
        "displayName": f"{user_id} Test",
        "customerId": "0012J00042NkZQIQA3",
        "auditTimestamp": when.isoformat(timespec="milliseconds"),
        "eventType": "update",
        "service": "platform",
        "entityType": "user",
        "entityKey": user_id,
        "auditUserId": "UgDHZNAZTduIVLE5lkjOkg",
        "impersonator": None,
        "details": json.dumps({"new": new, "old": {}}),
        "correlationType": None,
        "correlationId": None,
    }


def _tenant() -> Any:
    tenant = small_tenant(6, 2)
    for n in (1, 2):
        tenant.users[n]["basicInfo"]["status"] = "INACTIVE"
    tenant.audits = [
        record("u00001", 200, {"status": "INACTIVE", "voStatus": "INACTIVE"}),
        record("u00001", 20, {"jobTitle": "gone"}),  # a later edit, no status: not the time
        record("u00002", 100, {"status": "INACTIVE"}),
        record("u00002", 90, {"status": "ACTIVE"}),
        record("u00002", 10, {"status": "INACTIVE"}),
        record("u00003", 50, {"status": "INACTIVE"}),  # ACTIVE today: reactivated since
        record("u00004", 400, {"status": "INACTIVE"}),  # before the period read
    ]
    # Plenty of other edits in one window, so it takes several scroll pages.
    tenant.audits += [record("u00005", 5, {"department": f"D{n}"}, n) for n in range(250)]
    return tenant


def test_windows_cover_the_period_in_31_day_steps() -> None:
    spans = windows(NOW, 365)
    assert spans[0][0] == NOW - dt.timedelta(days=365)
    assert spans[-1][1] == NOW
    assert all(b - a <= WINDOW for a, b in spans)
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
    assert len(spans) == 12


@pytest.mark.slow
def test_deactivation_times_from_the_last_status_change(fake: FakeFactory) -> None:
    api = fake(_tenant())
    src = source(api.url, audit_days=365)
    collected = src.collect()
    users = collected.users.set_index("user_id")
    assert users.deactivated_at["u00001"].startswith(
        (NOW - dt.timedelta(days=200)).date().isoformat()
    )
    assert users.deactivated_at["u00002"].startswith(
        (NOW - dt.timedelta(days=10)).date().isoformat()
    )
    assert users.deactivated_at["u00003"] == ""  # active now
    assert collected.stats.deactivation_times == 2
    calls = [h for h in api.hits if h.path == AUDIT_PATH]
    assert all(h.status == 200 for h in calls)
    firsts = [h.query for h in calls if "scrollId" not in h.query]
    assert len(firsts) == 12
    assert all(int(q["size"]) <= 100 and q["service"] == "platform" for q in firsts)
    assert len(calls) == collected.stats.audit_pages == 12 + 2  # 250+ records: 3 pages


@pytest.mark.slow
def test_an_audit_api_error_writes_no_snapshot(
    fake: FakeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    api = fake(_tenant(), faults=[Fault("status", "/audits", status=403)])
    monkeypatch.setenv("EIGHTX8_API_KEY", KEY)
    out = tmp_path / "snap"
    code = cli.main(["collect", "--base-url", api.url, "--out", str(out), "--audit-records"])
    err = capsys.readouterr().err
    assert code == 3
    assert f"{AUDIT_PATH} answered 403" in err
    assert KEY not in err
    assert not out.exists()


@pytest.mark.slow
def test_a_spring_error_is_quoted(fake: FakeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake's 31-day check answers like the real API; the sentence quotes its message."""
    monkeypatch.setattr(audit_records, "WINDOW", dt.timedelta(days=40))
    with pytest.raises(SourceError, match="maximum of 31 days"):
        source(fake(_tenant()).url, audit_days=365).collect()


@pytest.mark.slow
def test_collect_audit_records_fills_deactivated_at(
    fake: FakeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = fake(_tenant())
    monkeypatch.setenv("EIGHTX8_API_KEY", KEY)
    out = tmp_path / "snap"
    assert cli.main(["collect", "--base-url", api.url, "--out", str(out), "--audit-records"]) == 0
    users = pd.read_csv(out / "users.csv", dtype=str, keep_default_na=False).set_index("user_id")
    assert users.deactivated_at["u00001"] != ""
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["collection"]["deactivation_times"] == 2


@pytest.mark.slow
def test_the_config_key_turns_it_on(
    fake: FakeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = fake(_tenant())
    monkeypatch.setenv("EIGHTX8_API_KEY", KEY)
    config = tmp_path / "auditor.toml"
    config.write_text("audit_records = true\naudit_records_days = 60\n")
    out = tmp_path / "snap"
    args = ["collect", "--base-url", api.url, "--out", str(out), "--config", str(config)]
    assert cli.main(args) == 0
    firsts = [h for h in api.hits if h.path == AUDIT_PATH and "scrollId" not in h.query]
    assert len(firsts) == 2  # 60 days: two windows
    users = pd.read_csv(out / "users.csv", dtype=str, keep_default_na=False).set_index("user_id")
    assert users.deactivated_at["u00001"] == ""  # its change is 200 days old
    assert users.deactivated_at["u00002"] != ""
