"""auditor.snapshot.normalize, one column function at a time: what each accepts, what it
returns and the one sentence it raises (file, spreadsheet row, column) for what it refuses."""

from __future__ import annotations

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.snapshot import normalize as norm


def col(*values: str) -> pd.Series:
    """A column as csvio reads it: stripped text, no NA."""
    return pd.Series(list(values), dtype=object)


def test_key_casefolds_and_collapses_spaces_once_per_distinct_value() -> None:
    values = col("  X  Series   X4 ", "x series x4", "Straße", "")
    assert norm.key(values).tolist() == ["x series x4", "x series x4", "strasse", ""]
    assert norm.key(col()).tolist() == []
    assert norm.key(values).index.equals(values.index)
    assert norm.text_key("  Sales\tFloor\n2 ") == "sales floor 2"


def test_folded_drops_accents_so_place_names_compare() -> None:
    assert norm.folded(" Québec ") == norm.folded("QUEBEC") == "quebec"
    assert norm.folded("São  Paulo") == "sao paulo"


def test_spreadsheet_row_counts_the_header_as_row_1() -> None:
    assert norm.spreadsheet_row(0) == 2
    assert norm.spreadsheet_row(41) == 43


def test_require_nonblank_names_the_first_empty_cell() -> None:
    norm.require_nonblank(col("a", "b"), "users.csv", "email")
    with pytest.raises(InputError) as caught:
        norm.require_nonblank(col("a", "", ""), "users.csv", "email")
    assert str(caught.value) == "users.csv row 3, column email: the value is empty."


def test_require_rows_refuses_a_header_without_rows() -> None:
    norm.require_rows(pd.DataFrame({"a": ["1"]}), "prices.csv", "price")
    with pytest.raises(InputError) as caught:
        norm.require_rows(pd.DataFrame({"a": []}), "prices.csv", "price")
    assert str(caught.value) == "prices.csv has a header but no price rows."


def test_require_unique_names_the_second_occurrence() -> None:
    norm.require_unique(col("u1", "u2"), "users.csv", "user_id")
    with pytest.raises(InputError) as caught:
        norm.require_unique(col("u1", "u2", "u3", "u2"), "users.csv", "user_id")
    assert str(caught.value) == (
        "users.csv row 5, column user_id: 'u2' appears twice; each must be unique."
    )


def test_parse_choice_maps_any_case_and_lists_the_words_it_knows() -> None:
    mapped = norm.parse_choice(
        col("Active", " DISABLED ", "1", "in  use"),
        {**norm.USER_STATUS, "in use": True},
        "users.csv",
        "status",
    )
    assert mapped.tolist() == [True, False, True, True]
    with pytest.raises(InputError) as caught:
        norm.parse_choice(col("assigned", "Lost"), norm.LICENSE_STATUS, "licenses.csv", "status")
    assert str(caught.value) == (
        "licenses.csv row 3, column status: 'Lost' is not a known status (expected one of: "
        "assigned, available, free, in use, suspended, unassigned)."
    )


def test_parse_choice_hides_digit_spellings_from_the_list() -> None:
    with pytest.raises(InputError) as caught:
        norm.parse_choice(col("maybe"), norm.USER_STATUS, "users.csv", "status")
    message = str(caught.value)
    assert "active, deactivated, disabled, enabled, false, inactive, no, true, yes)" in message
    assert "0" not in message.split("expected one of:")[1]


def test_parse_dates_keeps_the_calendar_day_written_in_the_cell() -> None:
    days = norm.parse_dates(
        col("2026-03-01", "2026-03-01T23:30:00-08:00", "", "2026-03-02T01:00:00Z"),
        "users.csv",
        "deactivated_at",
    )
    assert str(days.dtype) == "datetime64[s]"
    assert [None if pd.isna(d) else str(d.date()) for d in days] == [
        "2026-03-01",
        "2026-03-01",  # 23:30 in California is still the 1st, though UTC says the 2nd
        None,
        "2026-03-02",
    ]


@pytest.mark.parametrize("bad", ["03/01/2026", "2026-02-30", "yesterday", "20260301"])
def test_parse_dates_refuses_what_is_not_iso_8601(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        norm.parse_dates(col("2026-01-01", bad), "users.csv", "created_at")
    assert str(caught.value) == (
        f"users.csv row 3, column created_at: {bad!r} is not an ISO 8601 date "
        "(expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)."
    )


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("24", 2400),
        ("24.5", 2450),
        ("24.00", 2400),
        ("$24.00", 2400),
        ("USD 24", 2400),
        ("24 EUR", 2400),
        ("€34,50", 3450),
        ("34,50", 3450),
        ("1,200.50", 120050),
        ("1.200,50", 120050),
        ("1 200,50", 120050),
        ("1\u00a0200,50", 120050),
        ("1'200.50", 120050),
        ("1,234,567", 123456700),
        ("1.234.567", 123456700),
        ("0", 0),
    ],
)
def test_price_text_to_cents_reads_what_spreadsheets_write(text: str, cents: int) -> None:
    assert norm.price_text_to_cents(text) == cents


@pytest.mark.parametrize("text", ["24.999", "1,234", "-5", "free", "", "24.5.1", "12,3456", "$"])
def test_price_text_to_cents_refuses_rather_than_guess(text: str) -> None:
    assert norm.price_text_to_cents(text) is None


def test_price_currencies_names_what_a_symbol_or_code_allows() -> None:
    assert norm.price_currencies("€24.00") == frozenset({"EUR"})
    assert norm.price_currencies("24 gbp") == frozenset({"GBP"})
    assert norm.price_currencies("CAD 24") == frozenset({"CAD"})
    assert "USD" in (norm.price_currencies("$24") or frozenset())
    assert "CAD" in (norm.price_currencies("$24") or frozenset())
    assert norm.price_currencies("24.00") is None


def test_parse_cents_is_nullable_integer_cents() -> None:
    cents = norm.parse_cents(col("24.00", "", " 5 ", "24.00"), "prices.csv", "monthly_price")
    assert str(cents.dtype) == "Int64"
    assert cents.tolist() == [2400, pd.NA, 500, 2400]


def test_parse_cents_refuses_fractions_of_a_cent_by_row() -> None:
    with pytest.raises(InputError) as caught:
        norm.parse_cents(col("24.00", "24.005"), "prices.csv", "monthly_price")
    assert str(caught.value) == (
        "prices.csv row 3, column monthly_price: '24.005' is not a price (expected a "
        "non-negative amount with at most 2 decimals, like 24.00 or 24,00; write thousands "
        "without separators)."
    )


def test_parse_count_takes_a_default_for_blanks_only_when_given_one() -> None:
    counts = norm.parse_count(col("3", " ", "0"), "licenses.csv", "unassigned", default=0)
    assert counts.tolist() == [3, 0, 0]
    assert str(counts.dtype) == "int64"
    with pytest.raises(InputError) as caught:
        norm.parse_count(col("3", ""), "licenses.csv", "total", default=None)
    assert str(caught.value) == (
        "licenses.csv row 3, column total: '' is not a whole number of licenses."
    )


@pytest.mark.parametrize("bad", ["-1", "2.5", "ten"])
def test_parse_count_refuses_what_is_not_a_whole_count(bad: str) -> None:
    with pytest.raises(InputError, match=rf"row 2, column total: '{bad}' is not a whole"):
        norm.parse_count(col(bad), "licenses.csv", "total", default=0)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US", "US"),
        ("usa", "US"),
        ("United States", "US"),
        ("America", "US"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Deutschland", None),
        ("germany", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("", None),
        ("Atlantis", None),
    ],
)
def test_country_code_reads_codes_names_and_aliases(text: str, code: str | None) -> None:
    assert norm.country_code(text) == code


def test_parse_countries_maps_spellings_and_blanks_when_allowed() -> None:
    codes = norm.parse_countries(
        col("US", "United States", "", "gb"), "sites.csv", "country", allow_blank=True
    )
    assert [None if pd.isna(c) else c for c in codes] == ["US", "US", None, "GB"]


def test_parse_countries_names_an_unknown_country_and_a_required_blank() -> None:
    with pytest.raises(InputError) as caught:
        norm.parse_countries(col("US", "Atlantis"), "sites.csv", "country", allow_blank=True)
    assert str(caught.value) == (
        "sites.csv row 3, column country: 'Atlantis' is not a country (expected an ISO code "
        "such as US or a name such as United States)."
    )
    with pytest.raises(InputError) as blank:
        norm.parse_countries(col("US", "US", ""), "sites.csv", "country", allow_blank=False)
    assert str(blank.value) == "sites.csv row 4, column country: the value is empty."


def test_state_code_reads_codes_and_names_per_country() -> None:
    assert norm.state_code("California", "US") == "CA"
    assert norm.state_code(" ca ", "US") == "CA"
    assert norm.state_code("Québec", "CA") == "QC"
    assert norm.state_code("quebec", "CA") == "QC"
    assert norm.state_code("Texas", None) == "TX"  # no country: read as a US state
    assert norm.state_code("Bavaria", "US") is None
    assert norm.state_code("", "US") is None


def test_parse_states_keeps_unknown_states_as_written_with_one_warning_each() -> None:
    states = col("California", "Narnia", "", "narnia", "Narnia", "ON", "Texas")
    countries = col("US", "US", "US", "US", "US", "CA", "US")
    codes, warnings = norm.parse_states(states, countries, "sites.csv", "state")
    shown = [None if pd.isna(c) else c for c in codes]
    assert shown == ["CA", "NARNIA", None, "NARNIA", "NARNIA", "ON", "TX"]
    assert warnings == [  # one per distinct spelling and country, at its first row
        "sites.csv row 3, column state: 'Narnia' is not a known state of US; compared as written.",
        "sites.csv row 5, column state: 'narnia' is not a known state of US; compared as written.",
    ]
