"""The API alone (users, sites, the address list, the numbers) plus pool counts and prices:
tax findings by address and idle-number findings, over real HTTP, adding up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main as cli
from tests.conftest import FIXTURES
from tests.fake8x8 import Tenant
from tests.fake_tenants import address_record, site_record, user_record
from tests.helpers.ledger import LEDGER_CHECK
from tests.sources.conftest import KEY, FakeFactory

pytestmark = pytest.mark.usefixtures("fast_cli")


def api_tenant() -> Tenant:
    oregon = address_record("a-or", "9 Elm St", "Portland", "OR", "97201", "US", licenses=3)
    oregon["addressUsage"]["site"] = 0
    return Tenant(
        users=[
            user_record("u1", site="sf", licenses=[("L1", "X4")], phone="+14155550101"),
            user_record("u2", site="austin", licenses=[("L2", "X2")], phone="+15125550102"),
            user_record("u3", site="austin", licenses=[("L3", "X2")]),
        ],
        sites=[site_record("sf", "San Francisco", "a-sf"), site_record("austin", "Austin", "a-tx")],
        addresses={
            "a-sf": address_record("a-sf", "1 Market St", "San Francisco", "CA", "94105", "US"),
            "a-tx": address_record("a-tx", "500 Congress Ave", "Austin", "TX", "78701", "US"),
            "a-or": oregon,
        },
        numbers=[
            {"phoneNumber": "+14155550101", "category": "LOCAL", "status": "ASSIGNED"},
            {"phoneNumber": "+14155550190", "category": "LOCAL", "status": "AVAILABLE"},
            {"phoneNumber": "+18885550100", "category": "TOLL_FREE", "status": "AVAILABLE"},
        ],
    )


def test_the_api_alone_yields_tax_by_address_and_idle_numbers(
    fake: FakeFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EIGHTX8_API_KEY", KEY)
    api = fake(api_tenant())
    licenses = tmp_path / "licenses.csv"
    licenses.write_text("license_type,total,unassigned\nX2,3,1\nX4,1,0\n")
    out = tmp_path / "out"
    code = cli.main(
        [
            "audit",
            "--base-url",
            api.url,
            "--licenses",
            str(licenses),
            "--prices",
            str(FIXTURES / "numbers" / "prices.csv"),
            "--out",
            str(out),
            "--format",
            "json",
            "--as-of",
            "2026-11-02",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    # users page, sites page, one address-list page, one page of numbers not assigned
    assert api.count() == 4
    data = json.loads((out / "audit.json").read_text())
    by_rule: dict[str, list[dict[str, object]]] = {}
    for finding in data["findings"]:
        by_rule.setdefault(str(finding["rule"]), []).append(finding)
    [tax] = by_rule["tax-address-mismatch"]
    assert (tax["entity_type"], tax["entity_id"], tax["monthly_cost"]) == ("address", "a-or", 72.0)
    idle = sorted(str(f["entity_id"]) for f in by_rule["idle-phone-numbers"])
    assert idle == ["+14155550190", "+18885550100"]
    names = {i["name"] for i in data["inputs"]}
    assert {"addresses.csv", "numbers.csv"} <= names
    numbers = {r["seat_id"]: r for r in data["ledger"] if r["kind"] == "number"}
    assert set(numbers) == {"+14155550190", "+18885550100"}
    assert {r["disposition"] for r in numbers.values()} == {"unassigned"}
    done = subprocess.run(
        [sys.executable, str(LEDGER_CHECK), str(out / "audit.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
