"""Two monthly audits of one changing tenant through the real pipeline, history and all.

The reports of the second run are what the history tests of the renderers read: one finding
new, two resolved, one suppression still active (with a reason that tries to be a formula and
an owner that tries to be markup), one matched by a glob, and one that expired between the
runs (so the second report warns about it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.model import Suppression
from auditor.pipeline import AuditResult, audit_folder
from auditor.settings.options import AuditOptions
from tests.conftest import NOW, PRICES, SITES, TenantFactory, unit, user, write_csv

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)

HOSTILE_REASON = '=HYPERLINK("http://x","keep spares")'
HOSTILE_OWNER = "@ops <b>lead</b>"

SUPPRESSIONS = (
    Suppression("unassigned-billed-seats", "X2", HOSTILE_REASON, HOSTILE_OWNER,
                dt.date(2027, 1, 31)),
    Suppression("contact-without-license", "svc-*", "Fax line; needs no seat", "it@example.com"),
    Suppression("contact-without-license", "c1", "Starts in October", "hr@example.com",
                dt.date(2026, 10, 15)),
)  # fmt: skip

#: What the second run finds against the first.
NEW = ("contact-without-license:c2", "stale-deactivated-user:late")
RESOLVED = ("stale-deactivated-user:gone", "unassigned-billed-seats:X4")


def _october(tenant: TenantFactory) -> Path:
    people = [
        user("gone", status="INACTIVE", licenses="X4", deactivated_at="2026-01-01"),
        user("late", status="INACTIVE", licenses="X2", deactivated_at="2026-09-20"),
        user("c1", extension="1001"),
        user("svc-fax", extension="1999"),
        user("ok", licenses="X2"),
    ]
    inventory = [
        unit("L1", "X4", "ASSIGNED", "gone"),
        unit("L2", "X2", "ASSIGNED", "ok"),
        unit("L3", "X2", "ASSIGNED", "late"),
        unit("S1", "X2", "UNASSIGNED"),
        unit("S2", "X2", "UNASSIGNED"),
        unit("S3", "X4", "UNASSIGNED"),
    ]
    return tenant(people, inventory, name="october")


def _november(tenant: TenantFactory) -> Path:
    """Gone's seat removed and cancelled, the spare X4 cancelled, a new Contact from SCIM."""
    people = [
        user("gone", status="INACTIVE", deactivated_at="2026-01-01"),
        user("late", status="INACTIVE", licenses="X2", deactivated_at="2026-09-20"),
        user("c1", extension="1001"),
        user("c2", scim_provider="okta"),
        user("svc-fax", extension="1999"),
        user("ok", licenses="X2"),
    ]
    inventory = [
        unit("L2", "X2", "ASSIGNED", "ok"),
        unit("L3", "X2", "ASSIGNED", "late"),
        unit("S1", "X2", "UNASSIGNED"),
        unit("S2", "X2", "UNASSIGNED"),
    ]
    return tenant(people, inventory, name="november")


def tenant_in(root: Path) -> TenantFactory:
    """The ``tenant`` fixture's factory, writing under ``root``: for module-scoped fixtures,
    so the two audits run once per test module rather than once per test."""

    def make(
        users: Sequence[dict[str, Any]], licenses: Sequence[dict[str, Any]], name: str
    ) -> Path:
        folder = root / name
        folder.mkdir()
        write_csv(folder / "users.csv", users)
        write_csv(folder / "sites.csv", SITES)
        write_csv(folder / "licenses.csv", licenses, header=list(unit("x", "x")))
        write_csv(folder / "prices.csv", PRICES)
        return folder

    return make


def two_months(
    tenant: TenantFactory, out: Path, formats: tuple[str, ...] = ("html", "xlsx")
) -> AuditResult:
    """Audit October, then November, into ``out`` with one history; the November result."""
    history = out.parent / "history.sqlite"
    for folder, as_of in ((_october(tenant), OCTOBER), (_november(tenant), NOVEMBER)):
        options = AuditOptions(
            formats=formats,
            as_of=as_of,
            tenant="Acme",
            history=history,
            suppressions=SUPPRESSIONS,
        )
        result = audit_folder(folder, out, now=NOW, options=options)
    return result
