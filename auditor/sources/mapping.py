"""Administration API JSON to the canonical users.csv and sites.csv rows.

The API gives JSON records, so each becomes one dict of canonical text cells (linear in the
records, no per-cell pandas work), and the dicts become one DataFrame per table at the end.
Columns are exactly those of :data:`auditor.tables.USERS` and :data:`auditor.tables.SITES`,
so the snapshot ``auditor collect`` writes is read back by the same loader as a CSV export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from auditor.snapshot.tables import SITES, USERS
from auditor.text import readable

USERS_FILE_COLUMNS = tuple(c.name for c in USERS.columns)
#: The statuses 8x8 documents; anything else (null included) is written as UNKNOWN.
STATUSES = ("ACTIVE", "INACTIVE")
UNKNOWN = "UNKNOWN"
SITES_FILE_COLUMNS = ("site_id", "name", "street", "city", "state", "postal", "country")
assert set(SITES_FILE_COLUMNS) == {c.name for c in SITES.columns}

#: The address parts that make up the street line, in the order they are written.
STREET_PARTS = (
    "streetNumber",
    "streetNumberSuffix",
    "preDirectional",
    "streetName",
    "streetNameSuffix",
    "postDirectional",
)


def dig(record: Any, *path: str) -> Any:
    """``record[a][b]...``, or None when any step is missing or not an object."""
    for step in path:
        if not isinstance(record, Mapping):
            return None
        record = record.get(step)
    return record


def text(value: Any) -> str:
    """A cell: the value as stripped text, ``''`` for null.

    A lone surrogate (a JSON ``\\ud800`` escape) becomes U+FFFD (:func:`readable`): one
    garbled name must not stop the collection of every user.
    """
    return "" if value is None else readable(str(value)).strip()


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _joined(values: Iterable[str]) -> str:
    # A ';' inside a name would split it in two when read back; a comma keeps it one name.
    return ";".join(v.replace(";", ",") for v in values if v)


def user_row(user: Mapping[str, Any]) -> dict[str, str]:
    """One users.csv row from one user record of ``GET /users``."""
    basic = dig(user, "basicInfo")
    licenses = _items(dig(user, "serviceInfo", "licenses"))
    extensions = _items(dig(user, "serviceInfo", "extensions"))
    first = main_extension(extensions)
    status = text(dig(basic, "status")).upper()
    status = status if status in STATUSES else UNKNOWN
    return {
        "user_id": text(dig(basic, "userId")),
        "email": text(dig(basic, "primaryEmail")),
        "status": status,
        "site": text(dig(basic, "site", "id")) or text(dig(basic, "site", "name")),
        "first_name": text(dig(basic, "firstName")),
        "last_name": text(dig(basic, "lastName")),
        "username": text(dig(basic, "userName")),
        "licenses": _joined(text(item.get("name")) for item in licenses),
        "license_ids": _joined(text(item.get("id")) for item in licenses),
        "extension": text(first.get("extensionNumber")),
        "phone_number": phone(first),
        "department": text(dig(user, "directoryInfo", "department")),
        "created_at": text(dig(basic, "createdTime")),
        "last_updated_at": text(dig(basic, "lastUpdatedTime")),
        # The API records no deactivation time; the loader falls back to last_updated_at.
        "deactivated_at": "",
        "scim_provider": text(dig(basic, "scimProvider")),
    }


def phone(extension: Mapping[str, Any]) -> str:
    """An extension's number: its primary one, else the first of its ``phoneNumbers``."""
    primary = text(extension.get("primaryPhoneNumber"))
    numbers = (text(n.get("phoneNumber")) for n in _items(extension.get("phoneNumbers")))
    return primary or next((n for n in numbers if n), "")


def main_extension(extensions: list[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The extension that says who the user is: a UC one with a number, else any with a
    number, else a UC one, else the first. A contact-centre (CC) extension listed first must
    not hide the user's phone number."""

    def rank(item: tuple[int, Mapping[str, Any]]) -> tuple[bool, bool, int]:
        i, ext = item
        return (not phone(ext), text(ext.get("extensionType")).upper() != "UC", i)

    return min(enumerate(extensions), key=rank)[1] if extensions else {}


def street(address: Mapping[str, Any]) -> str:
    """The street line: number, directionals and name, then the unit after a comma."""
    line = " ".join(p for p in (text(address.get(k)) for k in STREET_PARTS) if p)
    unit = text(address.get("secondaryLocation"))
    return f"{line}, {unit}" if line and unit else line or unit


def site_row(site: Mapping[str, Any], address: Mapping[str, Any]) -> dict[str, str]:
    """One sites.csv row from a site record and its address record."""
    return {
        "site_id": text(site.get("id")),
        "name": text(site.get("name")),
        "street": street(address),
        "city": text(address.get("city")),
        "state": text(address.get("state")),
        "postal": text(address.get("postal")),
        "country": text(address.get("country")),
    }


def frame(rows: list[dict[str, str]], columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows as a table of text cells in canonical column order."""
    return pd.DataFrame.from_records(rows, columns=list(columns)).astype(str)
