"""numbers.csv and addresses.csv: optional, forgiving headers, one-sentence errors, hashed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.snapshot.load import load


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_both_files_are_optional(tiny_dir: Path) -> None:
    snap = load(tiny_dir)
    assert snap.numbers is None
    assert snap.addresses is None


def test_numbers_with_export_headers_statuses_and_types(tiny_dir: Path) -> None:
    write(
        tiny_dir / "numbers.csv",
        "Phone Number,Number Status,Type,Number Origin,Country\n"
        "+1 (415) 555-0199,Available,Local,claimed,United States\n"
        "+18005550100,available,toll-free,CLAIMED,US\n"
        "+14155550101,Assigned,LOCAL,CLAIMED,US\n"
        "+14155550102,pre-porting,,PORTING,\n",
    )
    snap = load(tiny_dir)
    numbers = snap.numbers
    assert numbers is not None
    assert numbers.number.tolist()[0] == "+14155550199"
    assert numbers.status.tolist() == ["AVAILABLE", "AVAILABLE", "ASSIGNED", "PRE_PORTING"]
    assert numbers.category.tolist() == ["LOCAL", "TOLL_FREE", "LOCAL", ""]
    # No number row in the price book: the catalogue's number licences, price unknown.
    assert numbers.license_type.tolist() == ["DID", "Toll-Free Number", "", ""]
    types = snap.types.set_index("license_type")
    assert types.loc["DID", "kind"] == "number"
    assert pd.isna(types.loc["DID", "price_cents"])
    assert [i.name for i in snap.inputs][-1] == "numbers.csv"


def test_idle_numbers_take_the_price_book_number_row(tiny_dir: Path) -> None:
    prices = (tiny_dir / "prices.csv").read_text() + "Local Number,2.50,USD,number\n"
    write(tiny_dir / "prices.csv", prices)
    write(
        tiny_dir / "numbers.csv",
        "number,status,category\n+14155550199,AVAILABLE,LOCAL\n+18005550100,AVAILABLE,TOLL_FREE\n",
    )
    snap = load(tiny_dir)
    assert snap.numbers is not None
    # The only number row of the price book prices every idle number.
    assert snap.numbers.license_type.tolist() == ["Local Number", "Local Number"]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "number,status\n+14155550199,FREE\n",
            "numbers.csv row 2, column status: 'FREE' is not a known status",
        ),
        (
            "number,status\n+14155550199,AVAILABLE\n+1 415 555 0199,ASSIGNED\n",
            "numbers.csv row 3, column number: '+14155550199' appears twice",
        ),
        (
            "number,status,category\n+14155550199,AVAILABLE,LOCAL\n+14155550198,AVAILABLE,MOBILE\n",
            "numbers.csv row 3, column category: 'MOBILE' is not a number category",
        ),
        ("phone,state_of_it\n+1,AVAILABLE\n", "numbers.csv has no 'number' column"),
        ("number,status\n,AVAILABLE\n", "numbers.csv row 2, column number: the value is empty"),
    ],
)
def test_bad_numbers_files_are_one_sentence(tiny_dir: Path, text: str, sentence: str) -> None:
    write(tiny_dir / "numbers.csv", text)
    with pytest.raises(InputError) as caught:
        load(tiny_dir)
    assert sentence in str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value)


def test_addresses_with_api_headers_and_usage_counts(tiny_dir: Path) -> None:
    write(
        tiny_dir / "addresses.csv",
        "id,displayForm,city,state,postal,country,addressUsage.site,addressUsage.license\n"
        "a1,1 Market St,San Francisco,California,94105,USA,1,2\n"
        "a2,9 Elm St,Portland,OR,97201,US,0,3\n"
        "a3,9 Oak St,Seattle,WA,98101,US,0,\n",
    )
    snap = load(tiny_dir)
    table = snap.addresses
    assert table is not None
    assert table.state.tolist() == ["CA", "OR", "WA"]
    assert table.country.tolist() == ["US", "US", "US"]
    assert table.license_count.tolist()[:2] == [2, 3]
    assert table.license_count.isna().tolist() == [False, False, True]
    assert any("1 address(es) have no license_count (first: row 4)" in w for w in snap.warnings)
    assert [i.name for i in snap.inputs][-1] == "addresses.csv"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "address_id,state,country,license_count\na1,CA,US,two\n",
            "addresses.csv row 2, column license_count: 'two' is not a whole number",
        ),
        (
            "address_id,state,country,license_count\na1,CA,Atlantis,1\n",
            "addresses.csv row 2, column country: 'Atlantis' is not a country",
        ),
        (
            "address_id,state,country\na1,CA,US\n",
            "addresses.csv has no 'license_count' column",
        ),
        (
            "address_id,state,country,license_count\na1,CA,US,1\na1,TX,US,1\n",
            "addresses.csv row 3, column address_id: 'a1' appears twice",
        ),
    ],
)
def test_bad_addresses_files_are_one_sentence(tiny_dir: Path, text: str, sentence: str) -> None:
    write(tiny_dir / "addresses.csv", text)
    with pytest.raises(InputError) as caught:
        load(tiny_dir)
    assert sentence in str(caught.value)
    assert caught.value.exit_code == 2
