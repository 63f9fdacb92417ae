"""users.csv as 8x8's own exports spell it: the bulk-user template and SCIM attribute names.

Bulk template: the Admin Console's Users > Bulk upload > "Download .CSV template" names its
columns ``User.<Area>.<Field>`` (8x8 help "Create Users in Bulk" names ``User.Voice.Number``;
``User.FirstName``, ``User.LastName``, ``User.Email``, ``User.Site``, ``User.Department`` follow
the same style). SCIM: the attribute names of 8x8's SCIM article and Microsoft's Entra
tutorial (``name.givenName``, ``name.familyName``, ``emails[type eq "work"].value``, ``active``,
the ``urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site`` extension, ``meta.created``,
``meta.lastModified``), flattened the way a script syncing ``GET /Users`` writes them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.snapshot.load import load
from tests.conftest import PRICES, SITES, unit, write_csv

SITE_EXT = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site"
DEPT_EXT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"


def _folder(tmp_path: Path, users: list[dict[str, str]]) -> Path:
    folder = tmp_path / "snap"
    folder.mkdir()
    write_csv(folder / "users.csv", users)
    write_csv(folder / "sites.csv", SITES)
    write_csv(folder / "licenses.csv", [unit("L1", "X2", assigned_to="u1")])
    write_csv(folder / "prices.csv", PRICES)
    return folder


def test_bulk_template_columns(tmp_path: Path) -> None:
    snap = load(
        _folder(
            tmp_path,
            [
                {
                    "User.Id": "u1",
                    "User.FirstName": "Jane",
                    "User.LastName": "Doe",
                    "User.Email": "jane.doe@corp.com",
                    "User.Status": "ACTIVE",
                    "User.Site": "San Francisco",
                    "User.Department": "Sales",
                    "User.Voice.Number": "+14085551234",
                }
            ],
        )
    )
    row = snap.users.iloc[0]
    assert (row.first_name, row.last_name, row.email) == ("Jane", "Doe", "jane.doe@corp.com")
    assert (row.site_id, row.department, row.phone_number) == ("sf", "Sales", "+14085551234")
    assert bool(row.active)


def test_scim_attribute_names(tmp_path: Path) -> None:
    """The SCIM example user of reference/8x8-api.md §6.4, one row per user."""
    snap = load(
        _folder(
            tmp_path,
            [
                {
                    "id": "u1",
                    "userName": "jane.doe@corp.com",
                    "name.givenName": "Jane",
                    "name.familyName": "Doe",
                    'emails[type eq "work"].value': "jane.doe@corp.com",
                    "active": "false",
                    SITE_EXT: "Austin",
                    DEPT_EXT: "Sales",
                    "meta.created": "2025-01-01T01:02:03Z",
                    "meta.lastModified": "2025-06-02T09:00:00Z",
                }
            ],
        )
    )
    row = snap.users.iloc[0]
    assert (row.first_name, row.last_name, row.email) == ("Jane", "Doe", "jane.doe@corp.com")
    assert (row.site_id, row.department, row.status) == ("austin", "Sales", "INACTIVE")
    assert row.last_updated_at == dt.datetime(2025, 6, 2)
    assert row.created_at == dt.datetime(2025, 1, 1)


def test_emails_value_as_a_flattening_script_writes_it(tmp_path: Path) -> None:
    snap = load(
        _folder(
            tmp_path,
            [{"id": "u1", "emails.value": "a@corp.com", "active": "true", SITE_EXT: "sf"}],
        )
    )
    assert snap.users.email.tolist() == ["a@corp.com"]
