"""A tenant shaped like 8x8's documentation audits with no false finding (fixtures/documented).

Numbers and add-ons as the API lists them, a Contact Center pool, licenses in two countries
priced per country, one-line service addresses: see the fixture's README for the source of
each shape. Figures worked out by hand: X4 US 34.00 + X4 GB 30.00 + X2 24.00 + 2 x X8 (Contact
Center) 150.00 + 3 DIDs 2.00 + recording storage 5.00 = 399.00 a month, no waste.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from auditor.render.json import report_dict
from tests.conftest import FIXTURES, audit
from tests.helpers.ledger import LEDGER_CHECK

TENANT = FIXTURES / "documented"


@pytest.mark.slow
def test_no_false_finding_and_the_money_adds_up(tmp_path: Path) -> None:
    report = audit(TENANT)
    assert report.findings.empty
    # every rule ran, the tax rule on one-line addresses included; only the bill's rules wait
    # for a statement this tenant does not have, and the idle-number rule for a numbers.csv
    assert {k.rule for k in report.skipped} == {
        "idle-phone-numbers",
        "billed-over-inventory",
        "price-above-contract",
        "tax-outside-service-states",
        "billed-unknown-product",
    }
    assert report.bridge.monthly_cost == 39900
    assert report.summary.seats_total == 9  # the Additional Named User pool is not billed
    kinds = report.ledger.groupby("kind").size().to_dict()
    assert kinds == {"addon": 1, "number": 3, "seat": 5}
    assert set(report.ledger.country) == {"US", "GB"}
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(report_dict(report), default=str))
    done = subprocess.run([sys.executable, str(LEDGER_CHECK), str(path)], capture_output=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_the_same_tenant_one_agent_fewer_has_one_surplus_cc_license(tmp_path: Path) -> None:
    """5 agents need ceil(5/5) = 1 X8 (Contact Center) license: the other is waste, 150.00."""
    folder = Path(shutil.copytree(TENANT, tmp_path / "t"))
    licenses = pd.read_csv(folder / "licenses.csv", dtype=str, keep_default_na=False)
    users = pd.read_csv(folder / "users.csv", dtype=str, keep_default_na=False)
    agent = "agent5aaaaaaaaaaaaaaaaa"
    users = users[users.user_id.ne(agent)]
    licenses.loc[licenses["Assigned To"].eq(agent), ["Status", "Assigned To"]] = ["UNASSIGNED", ""]
    users.to_csv(folder / "users.csv", index=False)
    licenses.to_csv(folder / "licenses.csv", index=False)
    report = audit(folder)
    assert report.findings.id.tolist() == ["unassigned-billed-seats:X Series X8 (Contact Center)"]
    assert report.bridge.open_waste == 15000
