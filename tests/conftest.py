"""Shared fixtures: the repository's fixture tenants and a factory for small ones."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from auditor.engine.run import run
from auditor.model import Report, Settings
from auditor.snapshot.load import load

ROOT = Path(__file__).resolve().parent.parent
#: The demo tenant, shipped in the package (auditor/data/demo).
DEMO = ROOT / "auditor" / "data" / "demo"
#: audit.json's JSON Schema, shipped in the package.
SCHEMA_FILE = ROOT / "auditor" / "data" / "audit.schema.json"
FIXTURES = ROOT / "fixtures"
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)

SITES = [
    {
        "site_id": "sf",
        "name": "San Francisco",
        "street": "1 Market St",
        "city": "San Francisco",
        "state": "CA",
        "postal": "94105",
        "country": "US",
    },
    {
        "site_id": "austin",
        "name": "Austin",
        "street": "500 Congress Ave",
        "city": "Austin",
        "state": "TX",
        "postal": "78701",
        "country": "US",
    },
]
PRICES = [
    {"license_type": "X2", "monthly_price": "24.00", "currency": "USD", "kind": "seat"},
    {"license_type": "X4", "monthly_price": "34.00", "currency": "USD", "kind": "seat"},
    {
        "license_type": "Call Recording Storage",
        "monthly_price": "5.00",
        "currency": "USD",
        "kind": "addon",
    },
]


def write_csv(path: Path, rows: Sequence[dict[str, Any]], header: Sequence[str] = ()) -> Path:
    """Write ``rows`` as a CSV whose header is ``header`` or the union of the rows' keys."""
    columns = list(header) or list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_ALL
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def user(user_id: str, **fields: Any) -> dict[str, Any]:
    """A users.csv row: active, at site sf, holding nothing, unless ``fields`` say otherwise."""
    row = {
        "user_id": user_id,
        "email": f"{user_id}@example.com",
        "first_name": user_id.upper(),
        "last_name": "Test",
        "status": "ACTIVE",
        "site": "sf",
        "licenses": "",
        "extension": "",
        "phone_number": "",
        "department": "",
        "created_at": "2025-01-01",
        "last_updated_at": "2025-06-01",
        "deactivated_at": "",
        "scim_provider": "",
    }
    row.update({k: str(v) for k, v in fields.items()})
    return row


def unit(
    license_id: str,
    license_type: str,
    status: str = "ASSIGNED",
    assigned_to: str = "",
    state: str = "CA",
    country: str = "US",
    postal: str = "94105",
) -> dict[str, str]:
    """A per-license licenses.csv row with a service address."""
    return {
        "license_id": license_id,
        "license_type": license_type,
        "status": status,
        "assigned_to": assigned_to,
        "service_street": "1 Market St",
        "service_city": "San Francisco",
        "service_state": state,
        "service_postal": postal,
        "service_country": country,
    }


TenantFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from its own folder and its own state folder: the default history
    (``$XDG_STATE_HOME/seat-auditor/history.sqlite``) and demo reports land there, never in
    the checkout or the user's home."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SEAT_AUDITOR_HISTORY", raising=False)


def write_tenant(
    folder: Path,
    users: Sequence[dict[str, Any]],
    licenses: Sequence[dict[str, Any]] | None = None,
    sites: Sequence[dict[str, Any]] = SITES,
    prices: Sequence[dict[str, Any]] = PRICES,
) -> Path:
    """Write a snapshot folder from rows; licenses default to exactly what the users hold.

    The ``tenant`` fixture's body, callable where a function-scoped fixture cannot be used
    (a module-scoped tenant shared by many tests).
    """
    folder.mkdir()
    if licenses is None:
        site_state = {s["site_id"]: s["state"] for s in sites}
        licenses = [
            unit(
                f"L-{u['user_id']}-{t}",
                t,
                "ASSIGNED",
                u["user_id"],
                state=site_state.get(u["site"], "CA"),
            )
            for u in users
            for t in filter(None, (x.strip() for x in u.get("licenses", "").split(";")))
        ]
    write_csv(folder / "users.csv", users)
    write_csv(folder / "sites.csv", sites)
    write_csv(folder / "licenses.csv", licenses, header=list(unit("x", "x")))
    write_csv(folder / "prices.csv", prices)
    return folder


@pytest.fixture
def tenant(tmp_path: Path) -> TenantFactory:
    """Write a snapshot folder from rows; licenses default to exactly what the users hold."""
    counter = iter(range(1, 1_000_000))

    def make(
        users: Sequence[dict[str, Any]],
        licenses: Sequence[dict[str, Any]] | None = None,
        sites: Sequence[dict[str, Any]] = SITES,
        prices: Sequence[dict[str, Any]] = PRICES,
        name: str | None = None,
    ) -> Path:
        folder = tmp_path / (name or f"tenant{next(counter)}")
        return write_tenant(folder, users, licenses, sites, prices)

    return make


def audit(folder: Path, as_of: dt.date = dt.date(2026, 11, 1), **settings: Any) -> Report:
    """Load ``folder`` and run every rule as of ``as_of``."""
    snapshot = load(folder)
    return run(snapshot, Settings(as_of=as_of, **settings), tenant="t", generated_at=NOW)


def ids(report: Report, rule: str) -> list[str]:
    """Entity ids of ``rule``'s findings, sorted."""
    found = report.findings
    return sorted(found.entity_id[found.rule == rule])


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A private copy of the shared tiny example tenant."""
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
