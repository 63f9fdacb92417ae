"""The collector against payloads shaped as 8x8 documents them, not as we wished.

- ``basicInfo.status`` may be null: the User Management API schema (S2) does not require it.
- ``serviceInfo.extensions`` is a list, each with ``extensionType`` UC or CC (S2); a CC
  extension listed first must not hide the UC extension's ``primaryPhoneNumber``.
- "The list and get-one payloads may be different" (Administration API Essentials, S1): a
  list without ``serviceInfo`` is detected by fetching a few users one by one.
Records come from reference/8x8-api.md §6.1 (``tests.fake_tenants.user_record``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main as cli
from auditor.sources.admin_api import SAMPLE
from tests.fake_tenants import small_tenant, user_record
from tests.sources.conftest import KEY, FakeFactory, source

pytestmark = pytest.mark.usefixtures("fast_cli")


def test_null_or_unknown_status_is_kept_as_unknown_with_a_warning(fake: FakeFactory) -> None:
    tenant = small_tenant(5, 2)
    tenant.users[1]["basicInfo"]["status"] = None
    tenant.users[2]["basicInfo"]["status"] = "PENDING"
    collected = source(fake(tenant).url).collect()
    users = collected.users.set_index("user_id")
    assert users.status["u00001"] == users.status["u00002"] == "UNKNOWN"
    assert len(collected.users) == 5
    named = [w for w in collected.warnings if "status UNKNOWN" in w]
    assert [w.split(" gave user ")[1].split(" ")[0] for w in named] == ["u00001", "u00002"]


@pytest.mark.slow
def test_unknown_status_reaches_the_reports(
    fake: FakeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Collected, then audited: the user is counted apart, in no active/inactive rule."""
    tenant = small_tenant(4, 2)
    tenant.users[0]["basicInfo"]["status"] = None
    tenant.users[0]["serviceInfo"]["licenses"] = []  # would be a Contact if taken as active
    api = fake(tenant)
    monkeypatch.setenv("EIGHTX8_API_KEY", KEY)
    snap = tmp_path / "snap"
    assert cli.main(["collect", "--base-url", api.url, "--out", str(snap)]) == 0
    manifest = json.loads((snap / "manifest.json").read_text())
    assert any("u00000" in w for w in manifest["warnings"])
    (snap / "prices.csv").write_text("license_type,monthly_price\nX4,34.00\n")
    (snap / "licenses.csv").write_text("license_type,total,unassigned\nX4,2,0\n")
    out = tmp_path / "out"
    code = cli.main(["audit", "--input", str(snap), "--out", str(out), "--no-history"])
    assert code == 0
    audit = json.loads((out / "audit.json").read_text())
    assert audit["summary"]["unknown_status_users"] == 1
    assert audit["summary"]["active_users"] + audit["summary"]["inactive_users"] == 3
    assert "contact-without-license:u00000" not in {f["id"] for f in audit["findings"]}
    assert any("u00000" in w for w in audit["warnings"])


def test_the_uc_extension_with_a_number_wins(fake: FakeFactory) -> None:
    record = user_record("agent", site="site-1", licenses=[("L1", "X4")])
    record["serviceInfo"]["extensions"] = [
        {"id": "e1", "extensionType": "CC", "extensionNumber": "7001", "licenseId": "L9"},
        {
            "id": "e2",
            "extensionType": "UC",
            "extensionNumber": "1001",
            "licenseId": "L1",
            "primaryPhoneNumber": None,
            "phoneNumbers": [{"phoneNumber": "+14085551234", "country": "US", "primary": True}],
        },
    ]
    tenant = small_tenant(2, 2)
    tenant.users.append(record)
    users = source(fake(tenant).url).collect().users.set_index("user_id")
    assert (users.extension["agent"], users.phone_number["agent"]) == ("1001", "+14085551234")


def test_a_list_without_service_info_is_detected(fake: FakeFactory) -> None:
    api = fake(small_tenant(6, 2), list_without_service_info=True)
    collected = source(api.url).collect()
    said = [w for w in collected.warnings if "without serviceInfo" in w]
    assert len(said) == 1
    assert f"of the {SAMPLE} checked" in said[0]
    singles = [h for h in api.hits if h.path.count("/") == 3 and "/users/" in h.path]
    assert len(singles) == SAMPLE


def test_a_complete_list_costs_no_extra_request(fake: FakeFactory) -> None:
    api = fake(small_tenant(6, 2))
    collected = source(api.url).collect()
    assert not collected.warnings
    assert not [h for h in api.hits if "/users/" in h.path]
