"""API records to canonical rows: the documented example, missing parts, odd names."""

from __future__ import annotations

from typing import Any

from auditor.snapshot.tables import USERS
from auditor.sources.mapping import (
    SITES_FILE_COLUMNS,
    USERS_FILE_COLUMNS,
    frame,
    site_row,
    street,
    user_row,
)

#: reference/8x8-api.md section 6.1, trimmed to what the mapping reads.
DOC_USER: dict[str, Any] = {
    "basicInfo": {
        "userId": "hvOB1l3zDCaDAwp9tNLzZA",
        "createdTime": "2025-01-01T01:02:03Z",
        "lastUpdatedTime": "2025-06-02T09:00:00Z",
        "scimProvider": None,
        "userName": "jane.doe@corp.com",
        "firstName": "Jane",
        "lastName": "Doe",
        "status": "INACTIVE",
        "primaryEmail": "jane.doe@corp.com",
        "site": {"id": "SAH3U8guQaK4WQhpDZi0rQ", "name": "Headquarters", "pbxName": "corpco01"},
    },
    "directoryInfo": {"department": "Sales", "jobTitle": "AE"},
    "serviceInfo": {
        "licenses": [
            {"id": "02KB7TGTYAG4Rq4jDUhwyQ", "name": "X4-VOSVC-US", "country": "US"},
            {"id": "9xQ", "name": "UC Call Recordings Cold Storage-VOSVC0504-01-GB"},
        ],
        "extensions": [
            {"extensionNumber": "1001", "primaryPhoneNumber": "+14085551234"},
            {"extensionNumber": "1002", "primaryPhoneNumber": "+14085550000"},
        ],
    },
}


def test_the_documented_user_maps_to_every_canonical_column() -> None:
    row = user_row(DOC_USER)
    assert tuple(row) == USERS_FILE_COLUMNS == tuple(c.name for c in USERS.columns)
    assert row == {
        "user_id": "hvOB1l3zDCaDAwp9tNLzZA",
        "email": "jane.doe@corp.com",
        "status": "INACTIVE",
        "site": "SAH3U8guQaK4WQhpDZi0rQ",
        "first_name": "Jane",
        "last_name": "Doe",
        "username": "jane.doe@corp.com",
        "licenses": "X4-VOSVC-US;UC Call Recordings Cold Storage-VOSVC0504-01-GB",
        "license_ids": "02KB7TGTYAG4Rq4jDUhwyQ;9xQ",
        "extension": "1001",
        "phone_number": "+14085551234",
        "department": "Sales",
        "created_at": "2025-01-01T01:02:03Z",
        "last_updated_at": "2025-06-02T09:00:00Z",
        "deactivated_at": "",
        "scim_provider": "",
    }


def test_a_bare_user_maps_to_blanks_not_errors() -> None:
    row = user_row({"basicInfo": {"userId": "u1", "status": "active", "site": {"name": "HQ"}}})
    assert row["status"] == "ACTIVE"
    assert row["site"] == "HQ"
    assert row["licenses"] == row["license_ids"] == row["extension"] == ""
    assert user_row({})["user_id"] == ""
    odd = {"serviceInfo": {"licenses": [{"id": "a", "name": "Odd;Name"}, "junk"]}}
    assert user_row(odd)["licenses"] == "Odd,Name"


def test_street_line_and_site_row() -> None:
    address = {
        "streetNumber": "7",
        "preDirectional": "W",
        "streetName": "34TH ST",
        "secondaryLocation": "613",
        "city": "New York",
        "state": "NY",
        "postal": "10001",
        "country": "US",
    }
    assert street(address) == "7 W 34TH ST, 613"
    assert street({"secondaryLocation": "Suite 2"}) == "Suite 2"
    row = site_row({"id": "s1", "name": "HQ"}, address)
    assert row == {
        "site_id": "s1",
        "name": "HQ",
        "street": "7 W 34TH ST, 613",
        "city": "New York",
        "state": "NY",
        "postal": "10001",
        "country": "US",
    }
    table = frame([row], SITES_FILE_COLUMNS)
    assert list(table.columns) == list(SITES_FILE_COLUMNS)
    assert frame([], USERS_FILE_COLUMNS).empty


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    """JSON's ``\\ud800`` escape is valid JSON but no character; UTF-8 files cannot hold it."""
    user = {**DOC_USER, "basicInfo": {**DOC_USER["basicInfo"], "firstName": "Ja\ud800ne \udfff"}}
    row = user_row(user)
    assert row["first_name"] == "Ja\ufffdne \ufffd"
    assert user_row(DOC_USER)["first_name"] == "Jane"
    table = frame([row], USERS_FILE_COLUMNS)  # Arrow strings refuse surrogates outright
    assert table.loc[0, "first_name"] == "Ja\ufffdne \ufffd"
    assert user_row({"basicInfo": {"firstName": "\U0001f600"}})["first_name"] == "\U0001f600"
