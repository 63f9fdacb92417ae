"""auditor.snapshot.inventory: licenses.csv per license or per pool, reduced to pools."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.model import InventoryForm
from auditor.snapshot.catalogue import Catalogue, load_prices
from auditor.snapshot.inventory import load_inventory


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    path = tmp_path / "prices.csv"
    path.write_text("license_type,monthly_price,currency,aliases\nX4,34,USD,Pro\nX2,24,USD,\n")
    return load_prices(path)


def licenses(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "licenses.csv"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, catalogue: Catalogue, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_inventory(licenses(tmp_path, text), catalogue)
    return str(caught.value).replace(str(tmp_path / "licenses.csv"), "licenses.csv")


def test_per_license_rows_are_counted_into_pools_by_status(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = licenses(
        tmp_path,
        "License ID,Type,Status,Assignee,Service address,Service address country\n"
        'L1,X4,Assigned,u1,"7 W 34TH ST, 613, New York NY, 10001",US\n'
        "L2,pro,available,,,\n"
        "L3,X2,Suspended,,,\n"
        "L4,X4,in use,u2,,United States\n",
    )
    found = load_inventory(path, catalogue)
    assert found.form is InventoryForm.PER_LICENSE
    assert found.warnings == ()
    assert found.pools.to_dict("list") == {
        "license_type": ["X2", "X4"],
        "total": [1, 3],
        "unassigned": [0, 1],
        "suspended": [1, 0],
    }
    assert found.licenses is not None
    units = found.licenses.set_index("license_id")
    assert units.status.to_dict() == {
        "L1": "ASSIGNED",
        "L2": "UNASSIGNED",
        "L3": "SUSPENDED",
        "L4": "ASSIGNED",
    }
    assert units.loc["L1", "service_city"] == "New York"  # one-cell address split
    assert units.loc["L1", "service_postal"] == "10001"
    assert units.loc["L4", "service_country_code"] == "US"


def test_per_pool_rows_keep_their_counts_and_default_blanks(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = licenses(
        tmp_path, "License type,Quantity,Available,Suspended licenses\nX4,10,2,1\nX2,5,,\n"
    )
    found = load_inventory(path, catalogue)
    assert found.form is InventoryForm.PER_POOL
    assert found.licenses is None
    assert found.pools.to_dict("list") == {
        "license_type": ["X4", "X2"],
        "total": [10, 5],
        "unassigned": [2, 0],
        "suspended": [1, 0],
    }


def test_per_pool_types_may_repeat_once_per_country(tmp_path: Path, catalogue: Catalogue) -> None:
    path = licenses(tmp_path, "license_type,total,unassigned,country\nX4,10,2,US\nX4,4,0,Canada\n")
    pools = load_inventory(path, catalogue).pools
    assert pools.to_dict("list") == {
        "license_type": ["X4", "X4"],
        "total": [10, 4],
        "unassigned": [2, 0],
        "suspended": [0, 0],
        "country": ["US", "CA"],
    }


def test_a_file_with_a_header_and_no_rows_is_a_warning(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = licenses(tmp_path, "license_id,license_type,status\n")
    found = load_inventory(path, catalogue)
    assert found.pools.empty
    assert found.warnings == (f"{path} lists no licenses.",)


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "type,count\nX4,1\n",
            "licenses.csv is in neither licenses.csv form: expected license_id, license_type, "
            "status (one row per license) or license_type, total, unassigned (one row per "
            "type).",
        ),
        (
            "license_id,license_type,status\nL1,X4,assigned\nL1,X4,assigned\n",
            "licenses.csv row 3, column license_id: 'L1' appears twice; each must be unique.",
        ),
        (
            "license_id,license_type,status\nL1,X4,assigned\n,X4,assigned\n",
            "licenses.csv row 3, column license_id: the value is empty.",
        ),
        (
            "license_id,license_type,status\nL1,,assigned\n",
            "licenses.csv row 2, column license_type: the value is empty.",
        ),
        (
            "license_id,license_type,status\nL1,X4,lost\n",
            "licenses.csv row 2, column status: 'lost' is not a known status (expected one "
            "of: assigned, available, free, in use, suspended, unassigned).",
        ),
        (
            "license_id,license_type\nL1,X4\n",
            "licenses.csv has no 'status' column (accepted headers: status, License status, "
            "State).",
        ),
        (
            "license_type,total,unassigned,suspended\nX4,3,2,2\n",
            "licenses.csv row 2: unassigned (2) plus suspended (2) exceed total (3) for 'X4'.",
        ),
        (
            "license_type,total,unassigned\nX4,3,0\npro,2,0\n",
            "licenses.csv row 3, column license_type: 'X4' appears twice; each must be unique.",
        ),
        (
            "license_type,total,unassigned,country\nX4,3,0,US\nX4,2,0,USA\n",
            "licenses.csv row 3, column license_type and country: 'X4 in US' appears twice; "
            "each must be unique.",
        ),
        (
            "license_type,total,unassigned\nX4,three,0\n",
            "licenses.csv row 2, column total: 'three' is not a whole number of licenses.",
        ),
        (
            "license_type,total,unassigned,country\nX4,3,0,Atlantis\n",
            "licenses.csv row 2, column country: 'Atlantis' is not a country (expected an ISO "
            "code such as US or a name such as United States).",
        ),
    ],
    ids=[
        "neither-form",
        "id-twice",
        "blank-id",
        "blank-type",
        "bad-status",
        "no-status",
        "over-total",
        "type-twice",
        "type-twice-in-a-country",
        "bad-count",
        "bad-country",
    ],
)
def test_what_the_inventory_refuses_is_one_sentence(
    tmp_path: Path, catalogue: Catalogue, text: str, sentence: str
) -> None:
    assert refused(tmp_path, catalogue, text) == sentence
