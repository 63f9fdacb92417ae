"""The built-in catalogue of 8x8's documented license names (``auditor/data/licenses.toml``).

prices.csv is the customer's word on what a license is and costs; where it is silent, this
catalogue says what 8x8 documents: whether a name is a seat, an add-on or a number licence,
whether it is a contact-centre seat, and which spellings (Licenses page, API, SKU-like) are
one type. It ships inside the package so ``pip install`` users get it, and it is plain TOML a
person can read and extend.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from auditor.model import Kind
from auditor.vocab import CC_LICENSE, CC_POOL

#: What the catalogue file is called inside the package's ``data`` folder.
CATALOGUE_FILE = "licenses.toml"
_ROLES = frozenset({"", CC_LICENSE, CC_POOL})


@dataclass(frozen=True)
class KnownLicense:
    """One documented license name: its kind, family and the other names it goes by."""

    name: str
    family: str
    kind: str
    contact_centre: bool = False
    role: str = ""
    aliases: tuple[str, ...] = ()
    match: re.Pattern[str] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The catalogue name first, then its aliases."""
        return (self.name, *self.aliases)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse(text: str, source: str = CATALOGUE_FILE) -> tuple[KnownLicense, ...]:
    """The entries of a catalogue file; a malformed entry is a ValueError naming it.

    The shipped file is checked by the tests, so this only fails for a person editing it.
    """
    entries = tomllib.loads(text).get("license", [])
    found: list[KnownLicense] = []
    kinds = {k.value for k in Kind}
    for number, entry in enumerate(entries, start=1):
        name = str(entry.get("name", "")).strip()
        kind = str(entry.get("kind", "")).strip()
        role = str(entry.get("role", "")).strip()
        if not name or kind not in kinds or role not in _ROLES:
            raise ValueError(
                f"{source} entry {number} ({name or 'no name'}): needs a name, a kind "
                f"({', '.join(sorted(kinds))}) and a role among {sorted(_ROLES)}."
            )
        pattern = entry.get("match")
        found.append(
            KnownLicense(
                name=name,
                family=str(entry.get("family", "")),
                kind=kind,
                contact_centre=bool(entry.get("contact_centre", False)),
                role=role,
                aliases=tuple(str(a) for a in entry.get("aliases", [])),
                match=re.compile(pattern, re.IGNORECASE) if pattern else None,
            )
        )
    return tuple(found)


@functools.cache
def catalogue() -> tuple[KnownLicense, ...]:
    """The shipped catalogue, read once."""
    text = resources.files("auditor").joinpath("data", CATALOGUE_FILE).read_text("utf-8")
    return parse(text)


@functools.cache
def _by_name() -> dict[str, KnownLicense]:
    table: dict[str, KnownLicense] = {}
    for entry in catalogue():
        for name in entry.names:
            table.setdefault(_key(name), entry)
    return table


@functools.cache
def lookup(name: str) -> KnownLicense | None:
    """The catalogue entry for a license name (exact name or alias first, then patterns)."""
    key = _key(name)
    if not key:
        return None
    exact = _by_name().get(key)
    if exact is not None:
        return exact
    return next((e for e in catalogue() if e.match and e.match.search(key)), None)
