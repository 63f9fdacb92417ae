"""The built-in catalogue of 8x8 license names: kinds, contact-centre flags, aliases.

Names come from 8x8's documentation (reference/8x8-api.md): the Licenses page's families
("Review Licenses": 8x8 Work X Series X2-X8, 8x8 Work Lobby, Virtual Office Basic and
Editions, VCC Agent), the User Management API spec's license name example
("UC Call Recordings Cold Storage-VOSVC0504-01-GB"), and the API guide's note that DID
licenses are added automatically when a number is set.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from auditor.model import Kind
from auditor.snapshot import known
from tests.conftest import PRICES, ROOT, audit, ids, unit, user

DID = "DID"


@pytest.mark.parametrize(
    ("name", "entry", "kind", "contact_centre"),
    [
        ("8x8 Work X Series - X4", "X4", "seat", False),
        ("x4", "X4", "seat", False),
        ("X4-VOSVC0123-01-US", "X4", "seat", False),
        ("X Series X8", "X8", "seat", False),
        ("X Series X8 (Contact Center)", "X Series X8 (Contact Center)", "seat", True),
        ("Additional Named User", "Additional Named User", "seat", True),
        ("VCC Agent", "VCC Agent", "seat", True),
        ("8x8 Work Lobby", "8x8 Work Lobby", "seat", False),
        ("Virtual Office Basic", "Virtual Office Basic", "seat", False),
        ("Virtual Office Pro", "Virtual Office Editions", "seat", False),
        (
            "UC Call Recordings Cold Storage-VOSVC0504-01-GB",
            "Call Recording Storage",
            "addon",
            False,
        ),
        ("DID", "DID", "number", False),
        ("Local Number - US", "DID", "number", False),
        ("Toll-Free Number", "Toll-Free Number", "number", False),
    ],
)
def test_documented_names_are_known(name: str, entry: str, kind: str, contact_centre: bool) -> None:
    found = known.lookup(name)
    assert found is not None
    assert (found.name, found.kind, found.contact_centre) == (entry, kind, contact_centre)


def test_unknown_name_is_not_guessed() -> None:
    assert known.lookup("Mystery Bundle") is None
    assert known.lookup("") is None


def test_shipped_file_is_package_data_and_well_formed() -> None:
    """The file ships in the wheel (pyproject's package-data covers it) and every entry has
    a valid kind and role."""
    path = ROOT / "auditor" / "data" / known.CATALOGUE_FILE
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["auditor.data"]  # auditor/data is a package of its own (the demo, the schema)
    assert any(fnmatch.fnmatch(path.name, g) for g in globs)
    entries = known.parse(path.read_text(encoding="utf-8"))
    assert {e.kind for e in entries} == {k.value for k in Kind}
    assert [e.role for e in entries if e.role] == [known.CC_LICENSE, known.CC_POOL]


def test_a_bad_entry_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="entry 1 \\(Thing\\)"):
        known.parse('[[license]]\nname = "Thing"\nkind = "gadget"\n')


def _prices(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [*PRICES, *extra]


def test_number_licences_never_license_a_user_nor_make_waste(tenant) -> None:
    """A DID the API lists beside a user's seat (added when a number is set) is billed but
    is no seat: a deactivated user holding only a number is not stale, an active one is a
    Contact, and a DID missing from the Licenses-page copy is not over-assigned."""
    folder = tenant(
        [
            user("seated", licenses=f"X2;{DID}", phone_number="+14085551234"),
            user("gone", status="INACTIVE", licenses=DID, deactivated_at="2025-01-01"),
            user("numbered", licenses=DID, phone_number="+14085550000"),
        ],
        licenses=[unit("L1", "X2", assigned_to="seated")],
    )
    report = audit(folder)
    assert ids(report, "stale-deactivated-user") == []
    assert ids(report, "license-overassigned") == []
    assert ids(report, "contact-without-license") == ["numbered"]
    types = report.snapshot.types.set_index("license_type")
    assert types.kind[DID] == Kind.NUMBER.value
    assert any("not counted against the inventory" in w for w in report.warnings)


def test_kind_number_in_prices_is_accepted_and_billed(tenant) -> None:
    folder = tenant(
        [user("a", licenses="X2")],
        licenses=[unit("L1", "X2", assigned_to="a"), unit("N1", "Phone Number", "UNASSIGNED")],
        prices=_prices(
            {
                "license_type": "Phone Number",
                "monthly_price": "2.00",
                "currency": "USD",
                "kind": "number",
            }
        ),
    )
    report = audit(folder)
    ledger = report.ledger.set_index("seat_id")
    assert ledger.kind["N1"] == "number"
    assert ledger.disposition["N1"] == "unassigned"
    assert ids(report, "unassigned-billed-seats") == ["Phone Number"]
    assert report.bridge.open_waste == 200


def test_api_spelling_joins_the_price_book_row_through_the_catalogue(tenant) -> None:
    """users.csv straight from the API says "8x8 Work X Series - X4"; the price book says
    only "X4" (no aliases): both are one priced type, not an unknown one."""
    folder = tenant(
        [user("a", licenses="8x8 Work X Series - X4")],
        licenses=[unit("L1", "X4", assigned_to="a")],
    )
    report = audit(folder)
    assert report.findings.empty
    assert set(report.snapshot.holdings.license_type) == {"X4"}
    assert not [w for w in report.warnings if "catalogue" in w]


def test_blank_kind_takes_the_catalogues(tenant) -> None:
    folder = tenant(
        [user("a", licenses="X2")],
        prices=_prices(
            {
                "license_type": "Toll-Free Number",
                "monthly_price": "3.00",
                "currency": "USD",
                "kind": "",
            }
        ),
    )
    types = audit(folder).snapshot.types.set_index("license_type")
    assert types.kind["Toll-Free Number"] == "number"


def test_unknown_name_is_a_seat_with_one_warning_saying_how_to_declare_it(tenant) -> None:
    folder = tenant(
        [user("a", licenses="Mystery Bundle"), user("b", licenses="mystery bundle")],
    )
    report = audit(folder)
    said = [w for w in report.warnings if "Mystery Bundle" in w]
    assert len(said) == 1
    assert "prices.csv" in said[0]
    assert "kind seat, addon or number" in said[0]
    assert report.snapshot.types.set_index("license_type").kind["Mystery Bundle"] == "seat"


def test_contact_centre_seats_come_from_the_catalogue(tenant) -> None:
    """A CC seat named only by a catalogue alias is still never offered to a Contact."""
    folder = tenant(
        [user("c", extension="2001")],
        licenses=[unit("CC1", "X8-CC", "UNASSIGNED")],
        prices=_prices(
            {"license_type": "X8-CC", "monthly_price": "150.00", "currency": "USD", "kind": "seat"}
        ),
    )
    report = audit(folder)
    row = report.ledger.set_index("seat_id").loc["CC1"]
    assert row.action == "cancel"
    assert report.snapshot.types.set_index("license_type").contact_centre["X8-CC"]


def test_catalogue_file_lists_every_documented_family() -> None:
    families = {e.family for e in known.catalogue()}
    assert {
        "8x8 Work X Series",
        "8x8 Work Lobby",
        "Virtual Office",
        "8x8 Contact Center",
    } <= families
    assert Path(known.__file__).parents[1].joinpath("data", known.CATALOGUE_FILE).is_file()
