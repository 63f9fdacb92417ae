"""Tenants for the fake 8x8: records shaped as the API gives them, small or from a snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from pathlib import Path
from typing import Any

from auditor.snapshot import normalize as norm
from auditor.snapshot.csvio import read_table
from auditor.snapshot.tables import SITES, USERS
from tests.fake8x8 import Tenant

CUSTOMER_ID = "0012J00042NkZQIQA3"


def user_record(
    user_id: str,
    *,
    site: str = "site-1",
    status: str = "ACTIVE",
    licenses: Sequence[tuple[str, str]] = (),
    extension: str | None = None,
    phone: str | None = None,
    department: str = "Sales",
    **basic: Any,
) -> dict[str, Any]:
    """A user as ``GET /users`` lists it; ``licenses`` are (id, name) pairs."""
    extensions = []
    if extension or phone:
        extensions.append(
            {
                "id": f"ext-{user_id}",
                "extensionType": "UC",
                "extensionNumber": extension,
                "licenseId": licenses[0][0] if licenses else None,
                "primaryPhoneNumber": phone,
                "phoneNumbers": [{"phoneNumber": phone, "country": "US", "primary": True}]
                if phone
                else [],
            }
        )
    info: dict[str, Any] = {
        "userId": user_id,
        "customerId": CUSTOMER_ID,
        "createdTime": "2025-01-01T01:02:03Z",
        "lastUpdatedTime": "2025-06-02T09:00:00Z",
        "scimProvider": None,
        "userName": f"{user_id}@corp.example",
        "firstName": user_id.title(),
        "lastName": "Test",
        "status": status,
        "primaryEmail": f"{user_id}@corp.example",
        "site": {"id": site, "name": site.title(), "pbxName": "corp01"},
    }
    info.update(basic)
    return {
        "basicInfo": info,
        "directoryInfo": {"department": department, "displayInDirectory": True},
        "serviceInfo": {
            "licenses": [{"id": i, "name": n, "country": "US"} for i, n in licenses],
            "extensions": extensions,
        },
        "assignmentInfo": {"ringGroups": [], "userGroups": []},
    }


def site_record(site_id: str, name: str, address_id: str | None) -> dict[str, Any]:
    """A site as ``GET /sites`` lists it: the address is only a reference."""
    record: dict[str, Any] = {"id": site_id, "name": name, "pbxName": "corp01", "timezone": "UTC"}
    if address_id is not None:
        record["address"] = {"id": address_id}
    return record


def address_record(
    address_id: str,
    street: str,
    city: str,
    state: str,
    postal: str,
    country: str,
    *,
    licenses: int = 0,
) -> dict[str, Any]:
    """An address as ``GET /addresses/{id}`` returns it (the street kept in streetName),
    used by one site and serving ``licenses`` licenses."""
    return {
        "id": address_id,
        "displayForm": f"{street}, {city} {state}, {postal}",
        "streetName": street,
        "city": city,
        "state": state,
        "postal": postal,
        "country": country,
        "origin": "ADMIN",
        "addressUsage": {
            "customer": 0,
            "site": 1,
            "userPersonal": 0,
            "userExtension": 0,
            "trunk": 0,
            "operatorConnect": 0,
            "license": licenses,
        },
    }


def small_tenant(users: int = 7, sites: int = 3) -> Tenant:
    """``users`` users over ``sites`` sites; the last two sites share one address."""
    site_ids = [f"site-{n}" for n in range(1, sites + 1)]
    address_ids = [f"addr-{min(n, sites - 1)}" for n in range(1, sites + 1)]
    return Tenant(
        users=[
            user_record(
                f"u{n:05d}",
                site=site_ids[n % sites],
                licenses=[(f"L{n:05d}", "X4")] if n % 3 else [],
                extension=str(1000 + n) if n % 2 else None,
            )
            for n in range(users)
        ],
        sites=[
            site_record(site, f"Site {n}", address)
            for n, (site, address) in enumerate(zip(site_ids, address_ids, strict=True))
        ],
        addresses={
            a: address_record(a, f"{n} Main St", "Austin", "TX", "78701", "US")
            for n, a in enumerate(dict.fromkeys(address_ids), start=1)
        },
    )


def tenant_from_snapshot(folder: Path) -> Tenant:
    """The tenant a CSV snapshot describes, as the API would serve it.

    Sites named by name (in any case) become their ids, statuses ACTIVE/INACTIVE, each
    user's ``licenses`` and ``license_ids`` pairs of (id, name) (an id the sheet lacks is
    made up), and each site's address a record of its own. ``deactivated_at`` is lost: the
    API has no such field.
    """
    sites = read_table(folder / "sites.csv", SITES)
    users = read_table(folder / "users.csv", USERS)
    by_key = {norm.text_key(s): i for i, s in zip(sites.site_id, sites.site_id, strict=True)}
    by_key.update({norm.text_key(n): i for i, n in zip(sites.site_id, sites.name, strict=True)})
    records = []
    for row in users.to_dict("records"):
        names = [n.strip() for n in row.get("licenses", "").split(";") if n.strip()]
        ids = [i.strip() for i in row.get("license_ids", "").split(";") if i.strip()]
        pairs = [
            (lid or f"{row['user_id']}-{n}", name)
            for n, (lid, name) in enumerate(zip_longest(ids, names, fillvalue=""))
        ]
        active = norm.USER_STATUS[norm.text_key(row["status"])]
        site = (
            row["site"] if row["site"] in set(sites.site_id) else by_key[norm.text_key(row["site"])]
        )
        records.append(
            user_record(
                row["user_id"],
                site=site,
                status="ACTIVE" if active else "INACTIVE",
                licenses=pairs,
                extension=row.get("extension") or None,
                phone=row.get("phone_number") or None,
                primaryEmail=row["email"],
                userName=row.get("username", ""),
                firstName=row.get("first_name", ""),
                lastName=row.get("last_name", ""),
                createdTime=row.get("created_at") or None,
                lastUpdatedTime=row.get("last_updated_at") or None,
                scimProvider=row.get("scim_provider") or None,
                department=row.get("department", ""),
            )
        )
    return Tenant(
        users=records,
        sites=[
            site_record(s, n, f"addr-{s}") for s, n in zip(sites.site_id, sites.name, strict=True)
        ],
        addresses={
            f"addr-{s.site_id}": address_record(
                f"addr-{s.site_id}", s.street, s.city, s.state, s.postal, s.country
            )
            for s in sites.itertuples()
        },
    )
