"""A tenant whose every text field tries to be code, audited once by the real command line.

Issue #6 asks that formulas (``=``, ``+``, ``-``, ``@``, tab or CR first), markup and quotes, a
right-to-left override, NUL bytes and 100,000-character fields stay inert text in every
output. The tenant below puts each hostile string in first and last names, emails, user ids,
departments, site ids and names, license type names and their prices.csv aliases, SCIM
providers, and suppression reasons and owners, arranged so that each one reaches findings (a
Contact, a stale user, an unassigned pool), not only the Users sheet. The audit runs once for
the whole package, through ``auditor.cli.main`` with every format; each test module beside
this file checks one kind of output against it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from auditor.cli import main as cli
from tests.conftest import PRICES, SITES, unit, user, write_csv, write_tenant


@dataclass(frozen=True)
class Case:
    """One hostile string: ``key`` names it in user ids and test ids, ``raw`` is what the
    tenant's files say."""

    key: str
    raw: str

    @property
    def loaded(self) -> str:
        """The text the audit keeps: the loader removes NULs (warning) and strips each cell."""
        return self.raw.replace("\0", "").strip()

    @property
    def site(self) -> str:
        """The name of the site whose id is this string."""
        return f"{self.loaded} site"

    @property
    def reason(self) -> str:
        """A suppression reason or owner as the config keeps it: stripped, but not a CSV, so
        a NUL stays."""
        return self.raw.strip()


CASES: Final[tuple[Case, ...]] = (
    Case("formula", '=HYPERLINK("http://evil.example","x")'),
    Case("plus", "+1+1"),
    Case("minus", "-2+3"),
    Case("at", "@SUM(A1)"),
    Case("tab", "\tTabbed"),
    Case("cr", "\rCarriage return"),
    Case("inner-cr", "Line one\rLine two"),
    Case("script", "<script>alert(1)</script>"),
    Case("img", '"><img src=x onerror=alert(1)>'),
    Case("quotes", "'single' \"double\" & ampersand"),
    Case("rtl", "Ops \u202egnp.exe"),
    Case("isolates", "\u2069\u202eClosed\u2067 early"),  # a stray PDI, an unclosed RLI
    Case("nul", "Nu\x00ll"),
)
CASE_IDS: Final = [c.key for c in CASES]

#: What a spreadsheet evaluates when a cell starts with it (OWASP's CSV injection list).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

#: Longer than Excel's 32,767 characters a cell: the user "long"'s department and last name.
LONG_DEPARTMENT: Final = "D" * 100_000
LONG_NAME: Final = "N" * 100_000

#: Given with --tenant, so it reaches the reports untouched by the loader.
TENANT: Final = '=HYPERLINK("http://evil.example","tenant")'
AS_OF: Final = "2026-11-01"
FILES: Final = ("audit.json", "audit.html", "audit.xlsx", "findings.csv", "focus.csv")


def recover(cell: str) -> str:
    """The text behind a CSV cell: the ``'`` the writer put before a formula start, removed.

    Only a ``'`` followed by a formula start is the writer's; text that itself begins with a
    quote (``'single'``) must come back as it is.
    """
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def write_hostile_tenant(folder: Path) -> Path:
    """The snapshot: per case a Contact named it, a user whose id and email are it, and a
    stale user whose last name and department are it holding its license type by an alias;
    its site (id and name) holds all three, its pool one unassigned license."""
    sites = [
        *SITES,
        *(
            {
                "site_id": c.raw,
                "name": f"{c.raw} site",
                "street": "1 Main St",
                "city": "Los Angeles",
                "state": "CA",
                "postal": "90012",
                "country": "US",
            }
            for c in CASES
        ),
    ]
    prices = [
        *PRICES,
        *(
            {
                "license_type": c.raw,
                "monthly_price": "10.00",
                "currency": "USD",
                "kind": "seat",
                "aliases": f"{c.raw} legacy",
            }
            for c in CASES
        ),
    ]
    users: list[dict[str, Any]] = []
    licenses: list[dict[str, str]] = []
    for c in CASES:
        users += [
            user(f"c-{c.key}", first_name=c.raw, last_name="Test", site=c.raw, scim_provider=c.raw),
            user(c.raw, email=c.raw, first_name="", last_name="", site=c.raw),
            user(
                f"s-{c.key}",
                status="INACTIVE",
                deactivated_at="2026-01-01",
                first_name="",
                last_name=c.raw,
                department=c.raw,
                site=c.raw,
                licenses=f"{c.raw} legacy",
            ),
        ]
        licenses += [
            unit(f"L-s-{c.key}", c.raw, "ASSIGNED", f"s-{c.key}"),
            unit(f"L-u-{c.key}", c.raw, "UNASSIGNED"),
        ]
    users.append(user("long", last_name=LONG_NAME, department=LONG_DEPARTMENT, extension="100"))
    write_tenant(folder, users, licenses, sites, prices)
    write_csv(folder / "statement.csv", hostile_statement())
    return folder


def hostile_statement() -> list[dict[str, str]]:
    """8x8's bill, per case: its type billed by its alias one seat over the two held (a
    billed-over-inventory finding named by it), a product named by the string run on into
    more letters (a billed-unknown-product finding), and a fee for Florida described by it (a
    tax-outside-service-states finding), so the string reaches every bill table."""
    lines: list[dict[str, str]] = []
    for c in CASES:
        lines += [
            {
                "description": f"{c.raw} legacy",
                "quantity": "3",
                "amount": "30.00",
                "category": "recurring",
                "jurisdiction": "",
            },
            {
                # run on into letters, so no type's name is in it as a whole word
                "description": f"{c.raw}xtra",
                "quantity": "1",
                "amount": "7.00",
                "category": "recurring",
                "jurisdiction": "",
            },
            {
                "description": c.raw,
                "quantity": "",
                "amount": "1.50",
                "category": "fee",
                "jurisdiction": "FL",
            },
        ]
    return lines


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: JSON's escapes (``\\"``, ``\\t``, ``\\r``, ``\\uXXXX``)
    are TOML's too."""
    return json.dumps(text)


def write_config(path: Path) -> Path:
    """Per case, a suppression of its stale user with it as reason and owner, and an expired
    one of its Contact, whose reason then shows in every report's warnings."""
    blocks = []
    for c in CASES:
        text = toml_string(c.raw)
        blocks.append(
            f'[[suppress]]\nrule = "stale-deactivated-user"\nentity = "s-{c.key}"\n'
            f"reason = {text}\nowner = {text}\n"
        )
        blocks.append(
            f'[[suppress]]\nrule = "contact-without-license"\nentity = {toml_string(c.loaded)}\n'
            f"reason = {text}\nowner = {text}\nexpires = 2026-01-01\n"
        )
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Run:
    """One finished ``auditor audit``: where its input and reports are, and what it said."""

    snapshot: Path
    out: Path
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any]

    def finding(self, finding_id: str) -> dict[str, Any]:
        """The audit.json finding with this id."""
        found: list[dict[str, Any]] = [f for f in self.report["findings"] if f["id"] == finding_id]
        assert len(found) == 1, finding_id
        return found[0]


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``auditor.cli.main(args)``, with what it printed on stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(args)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="package")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The hostile tenant audited once, every format, as a person would run it."""
    root = tmp_path_factory.mktemp("hostile")
    snapshot = write_hostile_tenant(root / "snapshot")
    config = write_config(root / "auditor.toml")
    out = root / "reports"
    code, stdout, stderr = run_cli(
        ["audit", "--input", str(snapshot), "--out", str(out), "--config", str(config),
         "--format", ",".join(["json", "html", "xlsx", "csv", "focus"]), "--as-of", AS_OF,
         "--tenant", TENANT, "--no-history"]
    )  # fmt: skip
    assert code == 0, stderr
    report: dict[str, Any] = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return Run(snapshot, out, code, stdout, stderr, report)


def isolated(name: str) -> str:
    """Tenant text as a finding quotes it: wrapped in a first-strong isolate (U+2068 ...
    U+2069) when it holds a direction control, so it cannot reorder the sentence around it."""
    if not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", name):
        return name
    return "\u2068" + re.sub("[\u2066-\u2069]", "", name) + "\u2069"
