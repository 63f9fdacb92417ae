"""The demo tenant served by the fake 8x8, collected and audited, against the CSV path.

The API cannot know a deactivation date, so the collected users have none and the
``stale-deactivated-user`` rule falls back on ``last_updated_at``. The expected difference
from the CSV audit is computed here from users.csv with the rule's own definition (stale when
the date is at least ``stale_after_days`` before as_of, or unknown), rather than by leaving
the rule out of the comparison.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditor.cli import main as cli
from tests.conftest import DEMO
from tests.fake_tenants import tenant_from_snapshot
from tests.sources.conftest import KEY, FakeFactory

AS_OF = dt.date(2026, 11, 2)
STALE_AFTER = 30
TENANT = "Bayline Freight Logistics"
STALE = "stale-deactivated-user"

pytestmark = pytest.mark.usefixtures("fast_cli")


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def stale_flips(users_csv: Path) -> set[str]:
    """Inactive users the rule judges differently when deactivated_at is unknown.

    A user the CSV audit flags but the API audit cannot (deactivated long ago, edited since)
    is in the set; so would be the reverse. Whether a user holds a seat does not change.
    """
    users = pd.read_csv(users_csv, dtype=str, keep_default_na=False)
    cutoff = AS_OF - dt.timedelta(days=STALE_AFTER)
    flips = set()
    for row in users.to_dict("records"):
        if row["Status"].lower() not in ("inactive", "deactivated"):
            continue
        with_csv = _date(row["Deactivated At"]) or _date(row["Last Updated Time"])
        with_api = _date(row["Last Updated Time"])
        if (with_csv is None or with_csv <= cutoff) != (with_api is None or with_api <= cutoff):
            flips.add(row["User ID"])
    return flips


def audit_json(args: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    common = ["--out", str(out), "--format", "json", "--as-of", AS_OF.isoformat()]
    code = cli.main([*args, *common, "--tenant", TENANT])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data: dict[str, Any] = json.loads((out / "audit.json").read_text())
    return data


def demo_copy(tmp_path: Path, edited_after_deactivation: bool) -> Path:
    """The demo tenant; optionally one long-deactivated user was edited 13 days ago."""
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    if edited_after_deactivation:
        users = pd.read_csv(folder / "users.csv", dtype=str, keep_default_na=False)
        who = users["User ID"].eq("gwCQSE1k0VSi6JkWNSyhLH")  # deactivated 2025-11-21, holds X4
        users.loc[who, "Last Updated Time"] = "2026-10-20T09:00:00Z"
        users.to_csv(folder / "users.csv", index=False)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("edited", [False, True], ids=["demo", "demo-edited-after-deactivation"])
def test_collect_then_audit_matches_the_csv_audit(
    edited: bool, fake: FakeFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkey = pytest.MonkeyPatch()
    monkey.setenv("EIGHTX8_API_KEY", KEY)
    try:
        folder = demo_copy(tmp_path, edited)
        api = fake(tenant_from_snapshot(folder))
        snap = tmp_path / "snap"
        assert cli.main(["collect", "--base-url", api.url, "--out", str(snap)]) == 0
        capsys.readouterr()
        inventory = ["--licenses", str(folder / "licenses.csv")]
        inventory += ["--prices", str(folder / "prices.csv")]
        # the CSV audit reads the folder's statement.csv: give the API audits the same bill
        inventory += ["--statement", str(folder / "statement.csv")]
        from_csv = audit_json(["audit", "--input", str(folder)], tmp_path / "csv", capsys)
        from_api = audit_json(["audit", "--input", str(snap), *inventory], tmp_path / "api", capsys)
        in_one_go = audit_json(
            ["audit", "--base-url", api.url, *inventory], tmp_path / "one-go", capsys
        )
    finally:
        monkey.undo()

    flips = stale_flips(folder / "users.csv")
    assert flips == ({"gwCQSE1k0VSi6JkWNSyhLH"} if edited else set())
    csv_ids = {f["id"] for f in from_csv["findings"]}
    expected_ids = csv_ids ^ {f"{STALE}:{u}" for u in flips}
    assert {f["id"] for f in from_api["findings"]} == expected_ids
    assert {f["id"] for f in in_one_go["findings"]} == expected_ids

    gone = [f for f in from_csv["findings"] if f["rule"] == STALE and f["entity_id"] in flips]
    assert len(gone) == len(flips)  # every flip removes a CSV finding, none adds one
    expected = dict(from_csv["summary"])
    waste = round(expected["monthly_waste"] - sum(f["monthly_cost"] for f in gone), 2)
    expected["monthly_waste"] = waste
    expected["annual_waste"] = round(12 * waste, 2)
    gone_ids = {f["id"] for f in gone}  # the seats the plan cancelled for them are kept now
    cancelled = sum(
        r["monthly_price"] or 0
        for r in from_csv["ledger"]
        if r["finding_id"] in gone_ids and r["action"] in ("cancel", "reclaim-then-cancel")
    )
    expected["monthly_saving"] = round(expected["monthly_saving"] - cancelled, 2)
    expected["findings_by_rule"] = dict(expected["findings_by_rule"])
    expected["findings_by_rule"][STALE] -= len(gone)
    expected["findings_by_severity"] = dict(expected["findings_by_severity"])
    for finding in gone:
        expected["findings_by_severity"][finding["severity"]] -= 1
    assert from_api["summary"] == expected
    assert in_one_go["summary"] == expected
    pools = {p["license_type"]: dict(p) for p in from_csv["licenses"]}
    for finding in gone:  # a stale user's seats were waste in their pools
        for seat in finding["license_type"].split("; "):
            pool = pools[seat]
            pool["monthly_waste"] = round(pool["monthly_waste"] - pool["monthly_price"], 2)
    assert from_api["licenses"] == list(pools.values())

    # Every other finding is the same finding, word for word, except how the stale ones
    # date the deactivation: the API run can only say when the user was last updated.
    by_id = {f["id"]: f for f in from_csv["findings"]}
    for finding in from_api["findings"]:
        before = by_id[finding["id"]]
        if finding["rule"] != STALE:
            assert finding == before
            continue
        assert finding["monthly_cost"] == before["monthly_cost"]
        assert finding["detail"].startswith(
            ("Inactive, last updated on", "Inactive since an unknown date")
        )
    assert in_one_go["tenant"] == TENANT
