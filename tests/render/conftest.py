"""Reports built by hand from model.py, so renderer tests do not depend on the engine.

``tiny_report`` is the shared tiny example tenant audited as of 2026-11-01 (see
/work/shared/examples/README.md), plus one skipped rule and one warning. ``hostile_report`` is
the same with tenant text that tries formulas, markup and bidi tricks. ``unpriced_report`` adds
a license type missing from the price book. ``make_report`` builds any number of findings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, sync_playwright

from auditor.engine.chargeback import SITE_COLUMNS
from auditor.engine.ledger import LEDGER_COLUMNS
from auditor.engine.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS, totals
from auditor.engine.suppress import suppressed_table
from auditor.engine.tax import TAX_COLUMNS
from auditor.engine.terms import RENEWAL_COLUMNS
from auditor.history.changes import change_table
from auditor.model import (
    FINDING_COLUMNS,
    POOL_COLUMNS,
    Bridge,
    InputFile,
    InventoryForm,
    Report,
    RuleMeta,
    Settings,
    Severity,
    SkippedRule,
    Snapshot,
    Summary,
)
from auditor.vocab import MONEY_COLUMNS, stored
from tests.helpers.browser import CHROMIUM, FLAGS
from tests.render.months import tenant_in, two_months

AS_OF = dt.date(2026, 11, 1)
GENERATED_AT = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)

#: Tenant text that must stay inert: formulas, markup, quotes, and a right-to-left override.
HOSTILE: tuple[str, ...] = (
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rCarriage return",
    "<script>alert(1)</script>",
    "\"quotes\" & 'apostrophes'",
    "Ops \u202egnp.exe",
)

SKIPPED = SkippedRule(
    "license-overassigned",
    "users.csv has no licenses column, so who holds which license type is unknown.",
)
WARNING = "users.csv row 7, column site: 'Denver' is not in sites.csv; the user has no site."

RULES: tuple[RuleMeta, ...] = (
    RuleMeta(
        "unassigned-billed-seats",
        "license_type",
        Severity.MEDIUM,
        "Unassigned licenses still billed",
        "Removing a license returns it to the pool, where 8x8 bills it until it is cancelled.",
        "Reassign unassigned seats, or file a partial cancellation (30 days' notice).",
        counts_as_waste=True,
    ),
    RuleMeta(
        "contact-without-license",
        "user",
        Severity.INFO,
        "Active users without a license (Contacts)",
        "SCIM provisioning never assigns a license, so IdP users arrive as Contacts.",
        "Give each Contact who needs service an unassigned seat before buying a new one.",
    ),
    RuleMeta(
        "stale-deactivated-user",
        "user",
        Severity.HIGH,
        "Deactivated users still holding a seat",
        "Deactivating a user keeps the license, and 8x8 keeps billing the seat.",
        "Save voicemail, remove the license, reassign or cancel the seat.",
        counts_as_waste=True,
    ),
    RuleMeta(
        "tax-address-mismatch",
        "license",
        Severity.MEDIUM,
        "Licenses taxed for the wrong state",
        "State taxes follow a license's service address.",
        "Update the license's service address in Admin Console.",
    ),
    RuleMeta(
        "license-overassigned",
        "license_type",
        Severity.HIGH,
        "More holders than licenses",
        "More holders than licenses means an outdated inventory or a true-up bill.",
        "Reconcile holders with Admin Console.",
    ),
)


def finding(rule: str, entity_id: str, **fields: Any) -> dict[str, Any]:
    """A findings row with plausible defaults; ``fields`` override any column.

    Money is the Report's, in cents (``monthly_cost_cents``): an amount by its shown name
    would be dropped by :func:`findings_frame` and the finding would silently cost nothing.
    """
    shown = MONEY_COLUMNS.intersection(fields)
    if shown:
        raise TypeError(f"give {sorted(shown)} in cents, as {stored(sorted(shown))}")
    entity = {m.id: m.entity for m in RULES}.get(rule, "user")
    row: dict[str, Any] = {
        "id": f"{rule}:{entity_id}",
        "rule": rule,
        "severity": "medium",
        "entity_type": entity,
        "entity_id": entity_id,
        "title": f"{rule} on {entity_id}",
        "detail": f"Details of {entity_id}.",
        "monthly_cost_cents": 0,
        "cost_known": True,
        "monthly_waste_cents": 0,
        "license_ids": [],
        "recommendation": "Fix it.",
        "site": None,
        "license_type": None,
    }
    row.update(fields)
    return row


TINY_FINDINGS: tuple[dict[str, Any], ...] = (
    finding("stale-deactivated-user", "u2", severity="high", monthly_cost_cents=2400,
            title="Bo Ortiz is deactivated but still holds X2", site="San Francisco",
            license_type="X2", monthly_waste_cents=2400, license_ids=["L3"]),
    finding("unassigned-billed-seats", "X4", monthly_cost_cents=3400, license_type="X4",
            title="1 license of type X4 unassigned and still billed", monthly_waste_cents=3400,
            license_ids=["L6"]),
    finding("tax-address-mismatch", "L4", monthly_cost_cents=2400, site="Austin",
            license_type="X2", title="License L4 (X2) is taxed in CA, US but used in TX, US"),
    finding("tax-address-mismatch", "L5", monthly_cost_cents=2400, license_type="X2",
            title="Unassigned license L5 (X2) is taxed in WA, US, where no site is"),
    finding("unassigned-billed-seats", "X2", monthly_cost_cents=2400, license_type="X2",
            title="1 license of type X2 unassigned and still billed", monthly_waste_cents=2400,
            license_ids=["L5"]),
    finding("contact-without-license", "u3", site="Austin",
            title="Chen Li is active but holds no license"),
    finding("contact-without-license", "u5", severity="info", site="Austin",
            title="Eli Vega is active but holds no license"),
)  # fmt: skip


def findings_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The findings table as the engine hands it over: FINDING_COLUMNS, typed, money in cents."""
    frame = pd.DataFrame(list(rows), columns=stored(FINDING_COLUMNS))
    frame["monthly_cost_cents"] = frame["monthly_cost_cents"].astype("int64")
    frame["monthly_waste_cents"] = frame["monthly_waste_cents"].astype("int64")
    frame["cost_known"] = frame["cost_known"].astype(bool)
    for column in ("site", "license_type"):
        frame[column] = frame[column].astype(object)
    return frame


def pools_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The pools table in POOL_COLUMNS order, money in cents; a None price is an unknown one."""
    frame = pd.DataFrame([list(r) for r in rows], columns=stored(POOL_COLUMNS))
    for column in ("total", "assigned", "unassigned", "suspended", "holders"):
        frame[column] = frame[column].astype("int64")
    frame["monthly_price_cents"] = frame["monthly_price_cents"].astype("Int64")
    for column in ("monthly_cost_cents", "monthly_waste_cents"):
        frame[column] = frame[column].astype("int64")
    return frame


TINY_POOLS: tuple[tuple[Any, ...], ...] = (
    ("Call Recording Storage", "addon", 1, 1, 0, 0, 1, 500, 500, 0),
    ("X2", "seat", 3, 2, 1, 0, 2, 2400, 7200, 4800),
    ("X4", "seat", 2, 1, 1, 0, 1, 3400, 6800, 3400),
)


def frame(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A report table from rows in ``columns`` order, object-typed where rows mix types.

    ``columns`` are the names a report shows; the table has the Report's (:func:`stored`):
    each amount is an ``_cents`` column of nullable integers, so rows give money in cents.
    """
    table = pd.DataFrame([list(r) for r in rows], columns=stored(columns))
    for column in table.columns:
        if column.endswith("_cents"):
            table[column] = table[column].astype("Int64")
    return table


#: The tiny tenant's chargeback view, worked by hand in tests/engine/test_chargeback.py.
TINY_SITES: tuple[tuple[Any, ...], ...] = (
    ("austin", "Austin", "TX", "US", 3, 1, 0, 0, 0, 2400, 0, 0),
    ("sf", "San Francisco", "CA", "US", 2, 4, 1, 1, 0, 9700, 5800, 69600),
    ("", "(no site)", None, None, 0, 1, 1, 0, 0, 2400, 2400, 28800),
)

NOTICE = dt.date(2026, 12, 1)

#: The tiny tenant's cancellation plan, as the engine makes it: L5 goes to Contact u3, L3 is
#: reclaimed from deactivated u2 and cancelled, L6 cancelled.
TINY_CANCELLATION: tuple[tuple[Any, ...], ...] = (
    ("X2", "seat", 1, 1, 1, 0, 1, 0, 2400, 2400, 28800, NOTICE, "L3"),
    ("X4", "seat", 1, 0, 0, 0, 1, 0, 3400, 3400, 40800, NOTICE, "L6"),
)

RENEWAL = dt.date(2027, 3, 16)

#: A renewal calendar for the tiny tenant's two cancelled seats under a contract renewing on
#: 2027-03-16: X2 stopped at renewal, X4 now (a fixed fee).
TINY_RENEWALS: tuple[tuple[Any, ...], ...] = (
    ("X2", RENEWAL, dt.date(2027, 2, 14), 30, True, "remaining-months", 1, 0, 1, 2400, 28800,
     0),
    ("X4", RENEWAL, dt.date(2027, 2, 14), 30, True, "fixed fee 50.00 per seat", 1, 1, 0, 3400,
     40800, 5000),
)  # fmt: skip

#: The ledger's columns as ``Report.ledger`` holds them: prices in nullable integer cents.
LEDGER_FRAME_COLUMNS: tuple[str, ...] = tuple(
    "price_cents" if c == "monthly_price" else c for c in LEDGER_COLUMNS
)

#: The tiny tenant's seat ledger, as the engine builds it: one row per billed license.
TINY_LEDGER: tuple[tuple[Any, ...], ...] = (
    ("L1", "X4", "seat", "US", "ASSIGNED", "u1", "ACTIVE", 3400, "in-use", False,
     None, None, None),
    ("L2", "Call Recording Storage", "addon", "US", "ASSIGNED", "u1", "ACTIVE", 500, "in-use",
     False, None, None, None),
    ("L3", "X2", "seat", "US", "ASSIGNED", "u2", "INACTIVE", 2400, "stale-holder", True,
     "reclaim-then-cancel", None, "stale-deactivated-user:u2"),
    ("L4", "X2", "seat", "US", "ASSIGNED", "u4", "ACTIVE", 2400, "in-use", False,
     None, None, None),
    ("L5", "X2", "seat", "US", "UNASSIGNED", None, None, 2400, "unassigned", True,
     "reassign", "u3", "unassigned-billed-seats:X2"),
    ("L6", "X4", "seat", "US", "UNASSIGNED", None, None, 3400, "unassigned", True,
     "cancel", None, "unassigned-billed-seats:X4"),
)  # fmt: skip

#: The tiny tenant's bill in cents: 145.00 = 63.00 in use + 82.00 waste, and the waste is
#: 34.00 cancel + 24.00 reclaim then cancel + 24.00 reassigned + 0 kept.
TINY_BRIDGE = Bridge(
    monthly_cost=14500,
    in_use=6300,
    waste=8200,
    cancel=3400,
    reclaim_then_cancel=2400,
    reassign=2400,
    kept=0,
    open_waste=8200,
    unpriced_seats=0,
)


def ledger_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The ledger as the engine hands it over: nullable Int64 cents, a bool ``waste``."""
    table = pd.DataFrame([list(r) for r in rows], columns=list(LEDGER_FRAME_COLUMNS))
    table["price_cents"] = table["price_cents"].astype("Int64")
    table["waste"] = table["waste"].astype(bool)
    return table


#: The tiny tenant's two mismatched licenses, service address beside the site's.
TINY_TAX: tuple[tuple[Any, ...], ...] = (
    ("L4", "X2", "ASSIGNED", "u4", "Dara Sato <dara.sato@example.com>", "Austin", 2400,
     "1 Market St", "San Francisco", "CA", "94105", "US",
     "500 Congress Ave", "Austin", "TX", "78701", "US", "Change L4's service address."),
    ("L5", "X2", "UNASSIGNED", "", "", None, 2400,
     "900 Pike St", "Seattle", "WA", "98101", "US",
     None, None, None, None, None, "Assign it or cancel it."),
)  # fmt: skip

#: The Contact the plan gives a surplus seat: u3 gets L5, which is taxed in WA, not TX.
PAIR: tuple[Any, ...] = (
    "u3", "Chen Li <chen@example.com>", "austin", "Austin", "TX", "US", "L5", "X2", 2400,
    "reassign", None, False,
)  # fmt: skip


def users_frame(department: str = "Sales", first_name: str = "Ana") -> pd.DataFrame:
    """The snapshot's users table with the columns the Users sheet takes, and some it skips."""
    day = pd.Timestamp
    users = pd.DataFrame(
        {
            "user_id": ["u1", "u2", "u3", "u4", "u5"],
            "email": [f"{n}@example.com" for n in ("ana.ng", "bo", "chen", "dara", "eli")],
            "first_name": [first_name, "Bo", "Chen", "Dara", "Eli"],
            "last_name": ["Ng", "Ortiz", "Li", "Sato", "Vega"],
            "status": ["ACTIVE", "INACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"],
            "active": [True, False, True, True, True],
            "site_id": ["sf", "sf", "austin", "austin", "austin"],
            "site_name": ["San Francisco", "San Francisco", "Austin", "Austin", "Austin"],
            "licenses": ["X4;Call Recording Storage", "X2", "", "X2", ""],
            "seat_count": [1, 1, 0, 1, 0],
            "extension": ["1001", "1002", "", "2001", ""],
            "phone_number": ["+14155550101", "+14155550102", "", "+15125550104", ""],
            "department": [department, "Ops", "Support", "Support", "Finance"],
            "created_at": [day("2025-01-10"), day("2024-11-03"), day("2026-10-28"),
                           day("2025-06-01"), day("2023-04-19")],
            "last_updated_at": [day("2026-05-02"), day("2026-08-20"), day("2026-10-28"),
                                day("2026-02-11"), day("2024-01-05")],
            "deactivated_at": [pd.NaT, day("2026-08-20"), pd.NaT, pd.NaT, pd.NaT],
            "scim_provider": ["", "", "okta", "", ""],
        }
    )  # fmt: skip
    for column in ("created_at", "last_updated_at", "deactivated_at"):
        users[column] = users[column].astype("datetime64[s]")
    return users


def snapshot(users: pd.DataFrame) -> Snapshot:
    """A snapshot around ``users``; the renderers read only its users table."""
    empty = pd.DataFrame()
    return Snapshot(
        users=users,
        sites=empty,
        holdings=empty,
        licenses=None,
        pools=empty,
        types=empty,
        currency="USD",
        inventory_form=InventoryForm.PER_LICENSE,
        tenant="tiny",
    )


def summary(findings: pd.DataFrame, **fields: Any) -> Summary:
    """The tiny tenant's summary, with the finding counts taken from ``findings``."""
    by_rule = findings["rule"].value_counts()
    by_severity = findings["severity"].value_counts()
    values: dict[str, Any] = {
        "users": 5,
        "active_users": 4,
        "inactive_users": 1,
        "contacts": int(by_rule.get("contact-without-license", 0)),
        "seats_total": 6,
        "seats_assigned": 4,
        "seats_unassigned": 2,
        "seats_suspended": 0,
        "unpriced_seats": 0,
        "monthly_cost_cents": 14500,
        "monthly_waste_cents": 8200,
        "annual_waste_cents": 98400,
        "monthly_saving_cents": 5800,
        "findings_by_rule": {
            m.id: int(by_rule.get(m.id, 0)) for m in RULES if m.id != SKIPPED.rule
        },
        "findings_by_severity": {s.value: int(by_severity.get(s.value, 0)) for s in Severity},
    }
    values.update(fields)
    return Summary(**values)


def make_report(
    findings: Sequence[dict[str, Any]] = TINY_FINDINGS,
    pools: Sequence[Sequence[Any]] = TINY_POOLS,
    users: pd.DataFrame | None = None,
    **fields: Any,
) -> Report:
    """A report over the given rows; ``fields`` override Report fields (tenant, summary...)."""
    table = findings_frame(findings)
    report = Report(
        tool_version="0.1.0",
        tenant="tiny",
        as_of=AS_OF,
        generated_at=GENERATED_AT,
        currency="USD",
        inputs=(InputFile("users.csv", "0" * 64), InputFile("prices.csv", "f" * 64)),
        settings=Settings(as_of=AS_OF),
        summary=summary(table),
        pools=pools_frame(pools),
        findings=table,
        rules=RULES,
        skipped=(SKIPPED,),
        warnings=(WARNING,),
        snapshot=snapshot(users_frame() if users is None else users),
        users=users_frame() if users is None else users,
        ledger=ledger_frame(TINY_LEDGER),
        bridge=TINY_BRIDGE,
        sites=frame(SITE_COLUMNS, TINY_SITES),
        cancellation=frame(CANCELLATION_COLUMNS, TINY_CANCELLATION),
        renewals=frame(RENEWAL_COLUMNS, TINY_RENEWALS),
        pairings=frame(PAIRING_COLUMNS, []),
        tax=frame(TAX_COLUMNS, TINY_TAX),
    )
    report = dataclasses.replace(report, **fields)
    given = {"plan_totals", "suppressions", "changed"} & set(fields)
    return report if given else rederived(report)


def rederived(report: Report) -> Report:
    """``report`` with what the engine and the history work out once from its tables
    (the plan's totals, the suppressions, the changes since the last run) worked out again:
    for a test that replaced one of those tables on a finished report."""
    return dataclasses.replace(
        report,
        plan_totals=totals(report.as_of, report.cancellation, report.pairings),
        suppressions=suppressed_table(report.findings),
        changed=change_table(report),
    )


@pytest.fixture
def tiny_report() -> Report:
    """The tiny example tenant's report, with a skipped rule and a warning."""
    return make_report()


@pytest.fixture
def hostile_report() -> Report:
    """Tenant text everywhere it can appear: names, sites, license types, reasons, warnings."""
    rows = [
        finding("contact-without-license", text, title=text, detail=text, site=text,
                recommendation=text, license_type=text)
        for text in HOSTILE
    ]  # fmt: skip
    pools = [*TINY_POOLS, (HOSTILE[0], "seat", 1, 1, 0, 0, 1, 1000, 1000, 0)]
    sites = [
        (t, t, t, "US", 1, 1, 1, 0, 0, 1000 + 100 * i, 1000 + 100 * i, 12000)
        for i, t in enumerate(HOSTILE)
    ]
    plan = [(t, "seat", 1, 0, 0, 0, 1, 0, 1000, 1000, 12000, NOTICE, t) for t in HOSTILE]
    pairs = [(t, t, t, t, t, t, t, t, 1000, "reclaim-then-reassign", t, False) for t in HOSTILE]
    ledger = [
        (t, t, "seat", t, "ASSIGNED", t, "INACTIVE", 1000, "stale-holder", True,
         "reclaim-then-reassign", t, t)
        for t in HOSTILE
    ]  # fmt: skip
    tax = [(t, t, "ASSIGNED", t, t, t, 1000, t, t, t, t, t, t, t, t, t, t, t) for t in HOSTILE]
    renewals = [(t, RENEWAL, NOTICE, 30, True, t, 1, 0, 1, 1000, 12000, 0) for t in HOSTILE]
    return make_report(
        renewals=frame(RENEWAL_COLUMNS, renewals),
        findings=rows,
        pools=pools,
        sites=frame(SITE_COLUMNS, sites),
        cancellation=frame(CANCELLATION_COLUMNS, plan),
        pairings=frame(PAIRING_COLUMNS, pairs),
        ledger=ledger_frame(ledger),
        tax=frame(TAX_COLUMNS, tax),
        users=users_frame(department=HOSTILE[5], first_name=HOSTILE[0]),
        tenant=HOSTILE[5],
        skipped=(SkippedRule("tax-address-mismatch", HOSTILE[5]),),
        warnings=tuple(HOSTILE),
    )


@pytest.fixture
def unpriced_report() -> Report:
    """The tiny tenant plus X8, a seat type with no price: two seats of unknown cost."""
    rows = [
        *TINY_FINDINGS,
        finding("stale-deactivated-user", "u9", severity="high", monthly_cost_cents=0,
                cost_known=False, license_type="X8", title="Uma is deactivated but holds X8",
                license_ids=["L8"]),
    ]  # fmt: skip
    pools = [*TINY_POOLS, ("X8", "seat", 2, 2, 0, 0, 2, None, 0, 0)]
    ledger = [
        *TINY_LEDGER,
        ("L8", "X8", "seat", "US", "ASSIGNED", "u9", "INACTIVE", None, "stale-holder", True,
         "reclaim-then-cancel", None, "stale-deactivated-user:u9"),
        ("L9", "X8", "seat", "US", "ASSIGNED", "u1", "ACTIVE", None, "in-use", False,
         None, None, None),
    ]  # fmt: skip
    report = make_report(findings=rows, pools=pools, ledger=ledger_frame(ledger))
    return dataclasses.replace(
        report,
        summary=dataclasses.replace(report.summary, unpriced_seats=2),
        bridge=dataclasses.replace(TINY_BRIDGE, unpriced_seats=2),
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).is_file(), (
        f"{CHROMIUM} is missing: run `make system-deps` (as root) to install Debian's chromium"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def history_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The second of two monthly audits with one history, suppressions and all."""
    root = tmp_path_factory.mktemp("months")
    (page,) = two_months(tenant_in(root), root / "out", formats=("html",)).written
    return page
