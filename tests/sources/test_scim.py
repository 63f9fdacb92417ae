"""``auditor collect --scim-url``: users from 8x8's SCIM 2.0 API, over real HTTP to the fake.

Resources follow reference/8x8-api.md §6.4 (attribute names from 8x8's SCIM article and
Microsoft's Entra tutorial; the ListResponse envelope and startIndex/count paging from RFC 7644
and the public script that syncs 8x8 SCIM users); errors are RFC 7644 Error bodies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditor.cli import main as cli
from tests.conftest import write_csv
from tests.fake8x8 import Fault, Tenant
from tests.sources.conftest import FAST, FakeFactory

TOKEN = "scim_S3cr3t_t0ken_never_printed"
SITE = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def scim_user(n: int, *, active: Any = True, site: str = "Headquarters") -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE, SITE],
        "id": f"scim{n:04d}",
        "externalId": f"E{n}",
        "userName": f"user{n}@corp.com",
        "name": {"givenName": f"Given{n}", "familyName": "Doe"},
        "emails": [{"value": f"user{n}@corp.com", "type": "work", "primary": True}],
        "phoneNumbers": [{"value": "+14085550000", "type": "mobile", "primary": True}],
        "active": active,
        ENTERPRISE: {"department": "Sales"},
        SITE: {"site": site},
        "meta": {
            "resourceType": "User",
            "created": "2025-01-01T01:02:03Z",
            "lastModified": "2025-06-02T09:00:00Z",
        },
    }


def _tenant(count: int = 250) -> Tenant:
    users = [scim_user(n, active=n % 10 != 0) for n in range(count)]
    return Tenant(users=[], sites=[], addresses={}, scim_users=users)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EIGHTX8_SCIM_TOKEN", TOKEN)
    return TOKEN


def test_scim_users_into_users_csv(fake: FakeFactory, tmp_path: Path, token: str, capsys) -> None:
    api = fake(_tenant(), scim_token=TOKEN, scim_max_count=40)  # fewer than asked per page
    out = tmp_path / "snap"
    out.mkdir()
    (out / "sites.csv").write_text("site_id,name,state,country\nhq,Headquarters,NY,US\n")
    code, stdout, err = run(["collect", "--scim-url", api.scim_url, "--out", str(out)], capsys)
    assert code == 0, err
    users = pd.read_csv(out / "users.csv", dtype=str, keep_default_na=False)
    assert len(users) == 250
    assert "licenses" not in users.columns  # SCIM has none: the inventory says who holds what
    first = users.set_index("user_id").loc["scim0001"]
    assert (first.email, first.status, first.site) == ("user1@corp.com", "ACTIVE", "Headquarters")
    assert users.set_index("user_id").status["scim0010"] == "INACTIVE"
    assert (out / "sites.csv").read_text().startswith("site_id")  # kept
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source"] == "8x8-scim"
    pages = [h for h in api.hits if h.path.endswith("/Users")]
    assert [h.query["startIndex"] for h in pages][:3] == ["1", "41", "81"]
    assert len(pages) == 7
    assert TOKEN not in stdout + err + (out / "manifest.json").read_text()


def test_token_file(fake: FakeFactory, tmp_path: Path, capsys) -> None:
    api = fake(_tenant(3), scim_token=TOKEN)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    args = ["collect", "--scim-url", api.scim_url, "--scim-token-file", str(token_file)]
    code, _, err = run([*args, "--out", str(tmp_path / "snap")], capsys)
    assert code == 0, err


def test_a_refused_token_is_exit_3_and_never_printed(
    fake: FakeFactory, tmp_path: Path, token: str, capsys
) -> None:
    api = fake(_tenant(3), scim_token="another")
    out = tmp_path / "snap"
    code, _, err = run(["collect", "--scim-url", api.scim_url, "--out", str(out)], capsys)
    assert code == 3
    assert "401" in err
    assert "EIGHTX8_SCIM_TOKEN" in err
    assert TOKEN not in err
    assert not out.exists()


@pytest.mark.slow
def test_a_failing_server_writes_no_snapshot(
    fake: FakeFactory, tmp_path: Path, token: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.sources import scim

    monkeypatch.setattr(scim, "CLIENT_LIMITS", FAST)
    api = fake(_tenant(), scim_token=TOKEN, faults=[Fault("status", "/Users", at=2, times=99)])
    out = tmp_path / "snap"
    code, _, err = run(["collect", "--scim-url", api.scim_url, "--out", str(out)], capsys)
    assert code == 3
    assert "/Users" in err
    assert not out.exists()


def test_no_token_is_a_usage_error(fake: FakeFactory, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("EIGHTX8_SCIM_TOKEN", raising=False)
    api = fake(_tenant(3))
    code, _, err = run(
        ["collect", "--scim-url", api.scim_url, "--out", str(tmp_path / "s")], capsys
    )
    assert code == 2
    assert "EIGHTX8_SCIM_TOKEN" in err


def test_scim_url_cannot_go_with_the_admin_api(tmp_path: Path, token: str, capsys) -> None:
    args = ["collect", "--scim-url", "https://x.example/scim/v2", "--base-url", "https://y.example"]
    code, _, err = run([*args, "--out", str(tmp_path / "s")], capsys)
    assert code == 2
    assert "--base-url" in err


@pytest.mark.slow
def test_scim_then_audit_reads_holders_from_assigned_to(
    fake: FakeFactory, tmp_path: Path, token: str, capsys
) -> None:
    """assigned_to names a user id, an email or a display name, as a Licenses-page copy may;
    the audit then finds exactly the deactivated holder and the one unlicensed user."""
    tenant = Tenant(
        users=[],
        sites=[],
        addresses={},
        scim_users=[scim_user(1), scim_user(2), scim_user(3, active=False), scim_user(4)],
    )
    api = fake(tenant, scim_token=TOKEN)
    snap = tmp_path / "snap"
    assert run(["collect", "--scim-url", api.scim_url, "--out", str(snap)], capsys)[0] == 0
    (snap / "sites.csv").write_text("site_id,name,state,country\nhq,Headquarters,NY,US\n")
    write_csv(
        snap / "licenses.csv",
        [
            {
                "license_id": "L1",
                "license_type": "X4",
                "status": "ASSIGNED",
                "assigned_to": "scim0001",
            },
            {
                "license_id": "L2",
                "license_type": "X4",
                "status": "ASSIGNED",
                "assigned_to": "USER2@corp.com",
            },
            {
                "license_id": "L3",
                "license_type": "X4",
                "status": "ASSIGNED",
                "assigned_to": "Given3 Doe",
            },
        ],
    )
    (snap / "prices.csv").write_text("license_type,monthly_price\nX4,34.00\n")
    out = tmp_path / "out"
    code, _, err = run(
        ["audit", "--input", str(snap), "--out", str(out), "--no-history", "--as-of", "2026-11-01"],
        capsys,
    )
    assert code == 0, err
    audit = json.loads((out / "audit.json").read_text())
    found = sorted(f["id"] for f in audit["findings"])
    assert found == ["contact-without-license:scim0004", "stale-deactivated-user:scim0003"]
    holders = {r["seat_id"]: r["holder"] for r in audit["ledger"]}
    assert holders == {"L1": "scim0001", "L2": "scim0002", "L3": "scim0003"}
