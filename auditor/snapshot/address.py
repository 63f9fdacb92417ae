"""One-line service addresses, read into their parts; US territories as 8x8 writes them.

8x8's address records have a ``displayForm`` (``7 W 34TH ST, 613, New York NY, 10001``: the
Address Management API's example), and that one line is what a person copies out of the
Licenses page's side panel. A licenses.csv (or sites.csv) whose street cell holds such a line
and whose state, postal and country cells are blank would otherwise compare nothing for tax.

US lines go through ``usaddress`` (a maintained CRF parser for US addresses); for others, and
when it refuses a line, the documented shape is read from the end: an optional country, then
``STATE POSTAL`` (or ``STATE, POSTAL``), then the city. Only blank cells are filled: what a
file says outright always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress

from auditor.snapshot import normalize as norm

#: US territories 8x8 may show as a country of their own or as a US state.
TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP", "UM"})

_POSTAL = re.compile(r"^[A-Z0-9]{2,5}(?:[ -]?[A-Z0-9]{3,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Address:
    """The parts of one address line; blank where the line did not say."""

    street: str = ""
    city: str = ""
    state: str = ""
    postal: str = ""
    country: str = ""


def _country(part: str) -> str:
    """The ISO code ``part`` names when it is a country (and not a US state's code)."""
    if norm.state_code(part, "US") is not None and len(part.strip()) <= 2:
        return ""
    return norm.country_code(part) or ""


def parse_line(line: str) -> Address:
    """Read a one-line address (``street, [unit,] city STATE, POSTAL[, COUNTRY]``)."""
    parts = [p.strip() for p in line.split(",") if p.strip()]
    if len(parts) < 2:
        return Address(street=line.strip())
    country = _country(parts[-1])
    if country:
        parts = parts[:-1]
    if country in ("", "US") and (found := _us(", ".join(parts))) is not None:
        return Address(found.street, found.city, found.state, found.postal, country)
    return _from_the_end(parts, country)


def _us(line: str) -> Address | None:
    """A US line through usaddress, or None when it cannot tell state from city."""
    try:
        tags, _kind = usaddress.tag(line)
    except usaddress.RepeatedLabelError:
        return None
    state = str(tags.get("StateName", ""))
    if not state or norm.state_code(state, "US") is None:
        return None
    city = str(tags.get("PlaceName", ""))
    street = line.split(city)[0].strip(" ,") if city else ""
    return Address(street, city, state, str(tags.get("ZipCode", "")), "")


def _from_the_end(parts: list[str], country: str) -> Address:
    """``..., city STATE POSTAL`` or ``..., city STATE, POSTAL`` or ``..., city, STATE``."""
    postal = ""
    if len(parts) > 2 and _is_postal(parts[-1]):
        postal, parts = parts[-1], parts[:-1]
    words = parts[-1].split()
    choice: tuple[str, str, str] | None = None
    for k in (0,) if postal else (2, 1, 0):  # "H3A 1B9" is two words, "10001" one
        tail = " ".join(words[len(words) - k :]) if k else ""
        if k and (k >= len(words) or not _is_postal(tail)):
            continue
        rest = words[: len(words) - k]
        for size in (3, 2, 1):  # "New South Wales", "New York", "NY"
            named = " ".join(rest[-size:])
            if len(rest) >= size and norm.state_code(named, country or "US"):
                choice = (" ".join(rest[:-size]), named, tail)
                break
        if choice:
            break
    if choice is None:
        city, state = parts[-1], ""
    else:
        city, state, found = choice
        postal = postal or found
    if not city and len(parts) > 2:
        city, parts = parts[-2], parts[:-1]
    street = ", ".join(parts[:-1])
    return Address(street, city, state, postal, country)


def _is_postal(text: str) -> bool:
    return bool(_POSTAL.match(text)) and any(c.isdigit() for c in text)


def fill_from_lines(
    street: str, city: str, state: str, postal: str, country: str
) -> tuple[str, str, str, str, str]:
    """The five cells with blanks filled from a one-line ``street``; given cells win.

    A line is read only when neither state nor postal is given (a country alone is a hint:
    the Licenses page groups by country, the line rarely says it).
    """
    if state or postal or "," not in street:
        return street, city, state, postal, country
    hint = norm.country_code(country) if country else None
    parts = [p.strip() for p in street.split(",") if p.strip()]
    if hint not in (None, "US") and _country(parts[-1]):
        parts = parts[:-1]
    found = parse_line(street) if hint in (None, "US") else _from_the_end(parts, hint)
    if not (found.state or found.postal):
        return street, city, state, postal, country
    return (
        found.street or street,
        city or found.city,
        found.state,
        found.postal,
        country or found.country,
    )


def territory(country: str | None, state: str | None) -> tuple[str | None, str | None]:
    """(country, state) with a US territory written as a country made a US state.

    ``PR`` as a country and ``PR`` as a state of ``US`` are one place for tax: Puerto Rico is
    both an ISO 3166 country and a US subdivision, and 8x8 shows either.
    """
    if country in TERRITORIES and (not state or state == country):
        return "US", country
    return country, state
