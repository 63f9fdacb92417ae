"""Service addresses as 8x8 gives them: one line, accents, US territories, blank countries.

The one-line shape is the Address Management API's ``displayForm`` example
(``"7 W 34TH ST, 613, New York NY, 10001"`` with ``state: "NY"``, ``postal: "10001"``,
``country: "US"``), which is what the Licenses page's side panel shows beside a license ID.
Rules for a blank country and for territories are PRODUCT.md's "Addresses".
"""

from __future__ import annotations

import pytest

from auditor.snapshot.address import Address, parse_line
from tests.conftest import SITES, TenantFactory, audit, ids, unit, user

DISPLAY_FORM = "7 W 34TH ST, 613, New York NY, 10001"
TAX = "tax-address-mismatch"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (DISPLAY_FORM, Address("7 W 34TH ST, 613", "New York", "NY", "10001", "")),
        (
            "1 Market St, San Francisco, CA 94105",
            Address("1 Market St", "San Francisco", "CA", "94105", ""),
        ),
        (
            "500 Congress Ave, Austin TX 78701, USA",
            Address("500 Congress Ave", "Austin", "TX", "78701", "US"),
        ),
        (
            "100 Rue Sherbrooke, Montréal, Québec H3A 1B9, Canada",
            Address("100 Rue Sherbrooke", "Montréal", "Québec", "H3A 1B9", "CA"),
        ),
        (
            "1 George St, Sydney NSW 2000, Australia",
            Address("1 George St", "Sydney", "NSW", "2000", "AU"),
        ),
        (
            "10 Downing St, London, SW1A 2AA, United Kingdom",
            Address("10 Downing St", "London", "", "SW1A 2AA", "GB"),
        ),
        (
            "1 Calle Luna, San Juan, 00901, Puerto Rico",
            Address("1 Calle Luna", "San Juan", "", "00901", "PR"),
        ),
    ],
)
def test_one_line_addresses_are_read(line: str, expected: Address) -> None:
    assert parse_line(line) == expected


def _one_line(license_id: str, line: str, **fields: str) -> dict[str, str]:
    row = unit(license_id, "X2", **fields)
    return {
        **row,
        "service_street": line,
        "service_city": "",
        "service_state": "",
        "service_postal": "",
        "service_country": "",
    }


NY_SITE = {
    "site_id": "ny",
    "name": "New York",
    "street": "7 W 34th St",
    "city": "New York",
    "state": "NY",
    "postal": "10001",
    "country": "US",
}


@pytest.mark.slow
def test_a_one_line_service_address_is_compared(tenant: TenantFactory) -> None:
    """The displayForm line is in New York: right for the NY user, wrong for the CA one."""
    folder = tenant(
        [user("ny-user", licenses="X2", site="ny"), user("sf-user", licenses="X2", site="sf")],
        licenses=[
            _one_line("L1", DISPLAY_FORM, assigned_to="ny-user"),
            _one_line("L2", DISPLAY_FORM, assigned_to="sf-user"),
        ],
        sites=[*SITES, NY_SITE],
    )
    report = audit(folder)
    assert ids(report, TAX) == ["L2"]
    units = report.snapshot.licenses.set_index("license_id")
    assert (units.service_state_code["L1"], units.service_country_code["L1"]) == ("NY", "US")
    assert units.service_postal["L1"] == "10001"


QC_SITE = {
    "site_id": "mtl",
    "name": "Montréal",
    "street": "",
    "city": "Montréal",
    "state": "Québec",
    "postal": "",
    "country": "Canada",
}
ON_SITE = {
    "site_id": "tor",
    "name": "Toronto",
    "street": "",
    "city": "Toronto",
    "state": "Ontario",
    "postal": "",
    "country": "CA",
}


@pytest.mark.slow
def test_blank_country_comes_from_the_holders_site_and_accents_fold(tenant: TenantFactory) -> None:
    """ "Quebec" with no country: the holder's site is in Canada, where Québec = Quebec = QC."""
    folder = tenant(
        [user("m", licenses="X2", site="mtl"), user("t", licenses="X2", site="tor")],
        licenses=[
            unit("L1", "X2", assigned_to="m", state="Quebec", country=""),
            unit("L2", "X2", assigned_to="t", state="QC", country=""),
        ],
        sites=[QC_SITE, ON_SITE],
    )
    report = audit(folder)
    assert ids(report, TAX) == ["L2"]  # a Québec license used in Ontario
    assert not [w for w in report.warnings if "not a known state" in w]
    units = report.snapshot.licenses.set_index("license_id")
    assert units.service_country_code["L1"] == "CA"


@pytest.mark.slow
def test_blank_country_is_the_tenants_only_one(tenant: TenantFactory) -> None:
    """An unassigned license in "TX" with no country: the tenant is all US, and has Austin."""
    folder = tenant(
        [user("a", licenses="X2")],
        licenses=[
            unit("L1", "X2", assigned_to="a"),
            unit("L2", "X2", "UNASSIGNED", state="TX", country=""),
        ],
    )
    report = audit(folder)
    assert ids(report, TAX) == []
    assert report.snapshot.licenses.set_index("license_id").service_country_code["L2"] == "US"


@pytest.mark.slow
def test_no_country_to_infer_is_warned_and_not_compared(tenant: TenantFactory) -> None:
    folder = tenant(
        [user("a", licenses="X2")],
        licenses=[
            unit("L1", "X2", assigned_to="a"),
            unit("L2", "X2", "UNASSIGNED", state="NY", country=""),
        ],
        sites=[*SITES, ON_SITE],
    )
    report = audit(folder)
    assert ids(report, TAX) == []
    said = [w for w in report.warnings if "no country" in w]
    assert len(said) == 1
    assert "'L2'" in said[0]


PR_SITE = {
    "site_id": "sj",
    "name": "San Juan",
    "street": "",
    "city": "San Juan",
    "state": "PR",
    "postal": "00901",
    "country": "US",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("site", "license_state", "license_country"),
    [
        (PR_SITE, "", "Puerto Rico"),  # a country on the license, a US state on the site
        ({**PR_SITE, "state": "", "country": "Puerto Rico"}, "PR", "US"),  # and the other way
        (PR_SITE, "Puerto Rico", "USA"),
    ],
)
def test_us_territories_match_as_a_country_or_a_state(
    tenant: TenantFactory, site: dict[str, str], license_state: str, license_country: str
) -> None:
    folder = tenant(
        [user("p", licenses="X2", site="sj")],
        licenses=[unit("L1", "X2", assigned_to="p", state=license_state, country=license_country)],
        sites=[site, SITES[0]],
    )
    report = audit(folder)
    assert ids(report, TAX) == []
    units = report.snapshot.licenses.set_index("license_id")
    assert (units.service_country_code["L1"], units.service_state_code["L1"]) == ("US", "PR")


@pytest.mark.slow
def test_given_cells_win_over_the_line(tenant: TenantFactory) -> None:
    """A street cell holding a whole line does not override the state the file gives."""
    row = {**unit("L1", "X2", assigned_to="a", state="CA"), "service_street": DISPLAY_FORM}
    report = audit(tenant([user("a", licenses="X2")], licenses=[row]))
    assert ids(report, TAX) == []
