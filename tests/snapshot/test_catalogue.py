"""auditor.snapshot.catalogue: prices.csv into a price book, and every spelling of a license
type resolved to one name (the price book's, the built-in catalogue's, or the first seen)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.snapshot.catalogue import Catalogue, is_contact_centre, load_prices


def prices(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    return path


def book(tmp_path: Path, text: str) -> Catalogue:
    return load_prices(prices(tmp_path, text))


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        book(tmp_path, text)
    return str(caught.value).replace(str(tmp_path / "prices.csv"), "prices.csv")


def names(series: pd.Series) -> list[str]:
    return [str(v) for v in series]


def test_prices_are_integer_cents_with_kinds_from_the_file_or_the_catalogue(
    tmp_path: Path,
) -> None:
    catalogue = book(
        tmp_path,
        "license_type,monthly_price,currency,kind\n"
        "X4,34.00,USD,\n"
        "Recording,$5,USD,add-on\n"
        "Call Recording Storage,2.50,USD,\n"
        "Mystery,1,USD,\n",
    )
    assert catalogue.currency == "USD"
    assert catalogue.warnings == []
    table = catalogue.prices
    assert table.to_dict("list") == {
        "license_type": ["X4", "Recording", "Call Recording Storage", "Mystery"],
        "kind": ["seat", "addon", "addon", "seat"],  # catalogue's addon; unknown: a seat
        "price_cents": [3400, 500, 250, 100],
    }
    assert str(table.price_cents.dtype) == "Int64"


def test_a_book_without_a_currency_is_usd_with_a_warning(tmp_path: Path) -> None:
    catalogue = book(tmp_path, "license_type,monthly_price\nX4,34\n")
    assert catalogue.currency == "USD"
    assert catalogue.warnings == [
        f"{tmp_path / 'prices.csv'} names no currency; amounts are taken as USD."
    ]


def test_symbols_name_the_currency_when_no_column_does(tmp_path: Path) -> None:
    assert book(tmp_path, "license_type,monthly_price\nX4,€34\nX2,€24\n").currency == "EUR"
    assert book(tmp_path, "license_type,monthly_price\nX4,$34\n").currency == "USD"
    assert book(tmp_path, "license_type,monthly_price\nX4,CAD 34\n").warnings == []


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("license_type,monthly_price\n", "prices.csv has a header but no price rows."),
        (
            "license_type,monthly_price\nX4,34\n,24\n",
            "prices.csv row 3, column license_type: the value is empty.",
        ),
        (
            "license_type,monthly_price\nX4,34\n x4 ,35\n",
            "prices.csv row 3, column license_type: 'x4' appears twice; each must be unique.",
        ),
        (
            "license_type,monthly_price\nX4,\n",
            "prices.csv row 2, column monthly_price: the value is empty.",
        ),
        (
            "license_type,monthly_price,aliases\nX4,34,Pro\nX2,24,pro;Basic\n",
            "prices.csv row 3, column aliases: 'pro' already names 'X4'; a name can mean one "
            "license type only.",
        ),
        (
            "license_type,monthly_price,currency\nX4,34,USD\nX2,24,EUR\n",
            "prices.csv, column currency: prices are in EUR, USD; one audit takes one currency.",
        ),
        (
            "license_type,monthly_price,currency\nX4,34,XYZ\n",
            "prices.csv row 2, column currency: 'XYZ' is not an ISO 4217 currency code.",
        ),
        (
            "license_type,monthly_price,currency\nX4,€34,USD\n",
            "prices.csv row 2, column monthly_price: '€34' is written in EUR, but the price "
            "book's currency is USD; one audit takes one currency.",
        ),
        (
            "license_type,monthly_price\nX4,€34\nX2,£24\n",
            "prices.csv row 2, column monthly_price: '€34' is written in EUR, but the price "
            "book's currency is another; one audit takes one currency.",
        ),
        (
            "license_type,monthly_price\nX4,QQQ 34\n",
            "prices.csv, column monthly_price: 'QQQ' is not an ISO 4217 code.",
        ),
        (
            "license_type,monthly_price,kind\nX4,34,gadget\n",
            "prices.csv row 2, column kind: 'gadget' is not a known status (expected one of: "
            "add on, add-on, addon, did, number, seat).",
        ),
    ],
    ids=[
        "no-rows",
        "blank-type",
        "twice",
        "blank-price",
        "alias-twice",
        "two-currencies",
        "bad-code",
        "symbol-disagrees",
        "symbols-disagree",
        "bad-written-code",
        "bad-kind",
    ],
)
def test_what_the_book_refuses_is_one_sentence(tmp_path: Path, text: str, sentence: str) -> None:
    assert refused(tmp_path, text) == sentence


def test_country_rows_price_a_type_per_country_and_the_general_row_stays(tmp_path: Path) -> None:
    catalogue = book(
        tmp_path,
        "license_type,monthly_price,currency,country\nX4,40,USD,Canada\nX4,34,USD,\nX2,24,USD,US\n",
    )
    assert catalogue.prices.to_dict("list") == {
        "license_type": ["X4", "X2"],
        "kind": ["seat", "seat"],
        "price_cents": [3400, 2400],  # the row for any country, else the first
    }
    assert catalogue.country_prices is not None
    assert catalogue.country_prices.to_dict("list") == {
        "license_type": ["X4", "X2"],
        "country": ["CA", "US"],
        "price_cents": [4000, 2400],
    }
    assert refused(tmp_path, "license_type,monthly_price,country\nX4,34,US\nx4,35,USA\n") == (
        "prices.csv row 3, column license_type: 'x4 in US' appears twice; each must be unique."
    )


def test_resolve_maps_aliases_and_catalogue_spellings_to_the_books_name(tmp_path: Path) -> None:
    catalogue = book(
        tmp_path, "license_type,monthly_price,currency,aliases\nX4,34,USD,Pro; Power User\n"
    )
    found = catalogue.resolve(
        pd.Series(["x4", " PRO ", "power  user", "8x8 Work X Series - X4", "X Series X4", ""])
    )
    assert names(found) == ["X4", "X4", "X4", "X4", "X4", ""]
    assert catalogue.unknown_warnings("prices.csv") == []
    assert names(catalogue.types().license_type) == ["X4"]


def test_an_unknown_name_is_a_seat_of_unknown_price_spelled_the_way_that_sorts_first(
    tmp_path: Path,
) -> None:
    catalogue = book(tmp_path, "license_type,monthly_price,currency\nX4,34,USD\n")
    first = catalogue.resolve(pd.Series(["widget pro", "X4"]))
    assert names(first) == ["widget pro", "X4"]  # the first spelling stands in
    second = catalogue.resolve(pd.Series(["Widget Pro", "WIDGET PRO"]))
    assert names(second) == ["widget pro", "widget pro"]
    assert names(catalogue.settle(first)) == ["WIDGET PRO", "X4"]  # "W" sorts before "w"
    types = catalogue.types()
    assert types.drop(columns="price_cents").to_dict("list") == {
        "license_type": ["X4", "WIDGET PRO"],
        "kind": ["seat", "seat"],
        "contact_centre": [False, False],
        "role": ["", ""],
    }
    assert str(types.price_cents.dtype) == "Int64"
    assert types.price_cents.iloc[0] == 3400
    assert pd.isna(types.price_cents.iloc[1])  # unknown, never zero
    assert catalogue.unknown_warnings("prices.csv") == [
        "License type 'WIDGET PRO' is in neither prices.csv nor the built-in 8x8 catalogue, so "
        "it is counted as a seat with an unknown price; declare it with a prices.csv row "
        "(license_type, monthly_price, and kind seat, addon or number)."
    ]
    assert catalogue.names() == {"x4": "X4", "widget pro": "WIDGET PRO"}


def test_catalogue_names_the_book_lacks_are_one_type_each_with_their_kind(tmp_path: Path) -> None:
    catalogue = book(tmp_path, "license_type,monthly_price,currency\nX4,34,USD\n")
    found = catalogue.resolve(
        pd.Series(["Cloud Recording Storage", "Call Recordings Storage", "VCC Agent"])
    )
    assert names(catalogue.settle(found)) == [
        "Call Recordings Storage",
        "Call Recordings Storage",
        "VCC Agent",
    ]
    types = catalogue.types().set_index("license_type")
    assert types.loc["Call Recordings Storage", "kind"] == "addon"
    assert pd.isna(types.loc["Call Recordings Storage", "price_cents"])
    assert bool(types.loc["VCC Agent", "contact_centre"])
    assert catalogue.unknown_warnings("prices.csv") == []  # 8x8 documents them


def test_is_contact_centre_by_words_or_by_the_catalogue() -> None:
    flags = is_contact_centre(
        pd.Series(["VCC Agent", "X8 (Contact Centre)", "ANU", "X4", "Agent desk", "Agenda"])
    )
    assert flags.tolist() == [True, True, True, False, True, False]
