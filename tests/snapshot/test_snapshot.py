"""The loader: header aliases, both inventory forms, normalisation, and its error sentences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.model import InventoryForm
from auditor.snapshot.load import load
from tests.conftest import FIXTURES, TenantFactory, user, write_csv


def test_tiny_example_loads_with_sites_by_id_and_by_name(tiny_dir: Path) -> None:
    snap = load(tiny_dir)
    users = snap.users.set_index("user_id")
    assert users.site_id.to_dict() == {
        "u1": "sf",
        "u2": "sf",
        "u3": "austin",
        "u4": "austin",
        "u5": "austin",
    }
    assert users.loc["u4", "site_state"] == "TX"
    assert snap.inventory_form is InventoryForm.PER_LICENSE
    assert snap.currency == "USD"
    assert sorted(snap.types.license_type) == ["Call Recording Storage", "X2", "X4"]
    assert [i.name for i in snap.inputs] == ["users.csv", "sites.csv", "licenses.csv", "prices.csv"]
    assert all(len(i.sha256) == 64 for i in snap.inputs)


def test_per_pool_inventory_from_a_flag(tiny_dir: Path) -> None:
    snap = load(tiny_dir, licenses=FIXTURES / "tiny-pools" / "licenses.csv")
    assert snap.inventory_form is InventoryForm.PER_POOL
    assert snap.licenses is None
    pools = snap.pools.set_index("license_type")
    assert pools.loc["X2"].tolist() == [3, 1, 0]


def test_export_style_headers_and_spellings(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "users.csv",
        [
            {
                "User ID": "a",
                "Email Address": "a@x.com",
                "Status": "Active",
                "Site Name": "HQ",
                "License Types": "8x8 Work X Series - X4",
                "Last-Updated.Time": "2026-01-01T10:00:00Z",
            },
            {
                "User ID": "b",
                "Email Address": "b@x.com",
                "Status": "deactivated",
                "Site Name": "hq",
                "License Types": "x4 ; Rec",
                "Last-Updated.Time": "",
            },
            {
                "User ID": "c",
                "Email Address": "c@x.com",
                "Status": "FALSE",
                "Site Name": "ny1",
                "License Types": "",
                "Last-Updated.Time": "",
            },
        ],
    )
    write_csv(
        tmp_path / "sites.csv",
        [
            {"Site ID": "ny1", "Site Name": "HQ", "State": "New York", "Country": "United States"},
        ],
    )
    write_csv(
        tmp_path / "licenses.csv",
        [
            {"License Type": "X4-VOSVC-US", "Quantity": "3", "Available": "1", "Suspended": ""},
            {"License Type": "Rec", "Quantity": "1", "Available": "0", "Suspended": "0"},
        ],
    )
    write_csv(
        tmp_path / "prices.csv",
        [
            {
                "License_Type": "X4",
                "Price": "$34.00",
                "Currency": "usd",
                "Kind": "Seat",
                "Aliases": "8x8 Work X Series - X4;X4-VOSVC-US",
            },
            {"License_Type": "Rec", "Price": "5", "Currency": "", "Kind": "add-on", "Aliases": ""},
        ],
    )
    snap = load(tmp_path)
    users = snap.users.set_index("user_id")
    assert users.active.to_dict() == {"a": True, "b": False, "c": False}
    assert set(users.site_id) == {"ny1"}
    assert users.site_state.iloc[0] == "NY"
    assert users.seat_count.to_dict() == {"a": 1, "b": 1, "c": 0}
    assert snap.pools.set_index("license_type").total.to_dict() == {"X4": 3, "Rec": 1}
    assert sorted(snap.holdings.license_type.unique()) == ["Rec", "X4"]
    assert users.loc["a", "last_updated_at"] == dt.datetime(2026, 1, 1)
    assert snap.types.set_index("license_type").price_cents.to_dict() == {"X4": 3400, "Rec": 500}


def test_license_ids_resolve_holdings_when_names_are_absent(tenant: TenantFactory) -> None:
    folder = tenant([user("u1", licenses="X4")])
    rows = [
        {
            "user_id": "u1",
            "email": "u@x",
            "status": "ACTIVE",
            "site": "sf",
            "license_ids": "L-u1-X4",
        }
    ]
    write_csv(folder / "users.csv", rows)
    snap = load(folder)
    assert snap.holdings.to_dict("records") == [
        {"user_id": "u1", "license_type": "X4", "license_id": "L-u1-X4"}
    ]


@pytest.mark.parametrize(
    ("file", "rows", "expected"),
    [
        (
            "users.csv",
            [{"user_id": "u1", "email": "e", "site": "sf"}],
            "has no 'status' column (accepted headers: status, User status",
        ),
        (
            "users.csv",
            [{"user_id": "u1", "email": "e", "status": "gone", "site": "sf"}],
            "row 2, column status: 'gone' is not a known status",
        ),
        (
            "users.csv",
            [
                {"user_id": "u1", "email": "e", "status": "ACTIVE", "site": "sf"},
                {"user_id": "u1", "email": "f", "status": "ACTIVE", "site": "sf"},
            ],
            "row 3, column user_id: 'u1' appears twice",
        ),
        (
            "users.csv",
            [
                {
                    "user_id": "u1",
                    "email": "e",
                    "status": "ACTIVE",
                    "site": "sf",
                    "deactivated_at": "01/02/2026",
                }
            ],
            "row 2, column deactivated_at: '01/02/2026' is not an ISO 8601 date",
        ),
        (
            "users.csv",
            [
                {
                    "user_id": "u1",
                    "email": "e",
                    "status": "ACTIVE",
                    "site": "sf",
                    "created_at": "2026-02-30",
                }
            ],
            "row 2, column created_at: '2026-02-30' is not an ISO 8601 date",
        ),
        (
            "prices.csv",
            [{"license_type": "X2", "monthly_price": "cheap"}],
            "row 2, column monthly_price: 'cheap' is not a price",
        ),
        ("prices.csv", [{"license_type": "X2", "monthly_price": "24.999"}], "at most 2 decimals"),
        (
            "prices.csv",
            [
                {"license_type": "X2", "monthly_price": "24", "currency": "USD"},
                {"license_type": "X4", "monthly_price": "34", "currency": "EUR"},
            ],
            "prices are in EUR, USD; one audit takes one currency",
        ),
        (
            "sites.csv",
            [{"site_id": "sf", "name": "SF", "state": "CA", "country": "Atlantis"}],
            "row 2, column country: 'Atlantis' is not a country",
        ),
        (
            "licenses.csv",
            [{"license_type": "X2", "total": "1", "unassigned": "2"}],
            "row 2: unassigned (2) plus suspended (0) exceed total (1)",
        ),
        ("licenses.csv", [{"license_type": "X2", "count": "1"}], "is in neither licenses.csv form"),
        (
            "licenses.csv",
            [{"license_id": "L1", "license_type": "X2", "status": "lost"}],
            "row 2, column status: 'lost' is not a known status",
        ),
    ],
)
def test_bad_input_names_file_row_and_column(
    tenant: TenantFactory, file: str, rows: list[dict[str, str]], expected: str
) -> None:
    folder = tenant([user("u1")])
    write_csv(folder / file, rows)
    with pytest.raises(InputError) as caught:
        load(folder)
    message = str(caught.value)
    assert message.startswith(str(folder / file))
    assert expected in message
    assert "\n" not in message


def test_missing_folder_and_file(tmp_path: Path, tenant: TenantFactory) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load(tmp_path / "nope")
    folder = tenant([user("u1")])
    (folder / "prices.csv").unlink()
    with pytest.raises(InputError, match=r"prices\.csv: the file does not exist"):
        load(folder)


def test_manifest_gives_tenant_and_collected_at(tenant: TenantFactory) -> None:
    folder = tenant([user("u1")])
    (folder / "manifest.json").write_text(
        '{"tenant": "Acme", "collected_at": "2026-10-31T08:00:00Z"}'
    )
    snap = load(folder)
    assert (snap.tenant, snap.collected_at) == ("Acme", dt.date(2026, 10, 31))
    (folder / "manifest.json").write_text("{nope")
    with pytest.raises(InputError, match="manifest"):
        load(folder)


def test_unknown_state_is_kept_and_warned(tenant: TenantFactory) -> None:
    sites = [{"site_id": "sf", "name": "SF", "state": "Calif.", "country": "US"}]
    folder = tenant([user("u1")], sites=sites)
    snap = load(folder)
    assert snap.sites.state.tolist() == ["CALIF."]
    assert any("'Calif.' is not a known state of US" in w for w in snap.warnings)
