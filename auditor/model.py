"""The records that cross stages: settings in, snapshot through, report out.

Tables stay pandas DataFrames (the rules are vectorised); everything around them is a frozen
dataclass or an enum so a stage cannot quietly change what the next one reads. Money is
integer cents everywhere, the :class:`Report` included (exact sums at any tenant size): fields
and columns holding it end in ``_cents``, and only a renderer turns them into amounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd


class Severity(StrEnum):
    """How urgently a finding needs a person; ordered from most to least urgent."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for high … 3 for info, so sorting by rank puts the urgent first."""
        return list(Severity).index(self)


class LicenseStatus(StrEnum):
    """A license unit's state on the Admin Console Licenses page."""

    ASSIGNED = "ASSIGNED"
    UNASSIGNED = "UNASSIGNED"
    SUSPENDED = "SUSPENDED"


class Kind(StrEnum):
    """Whether a license type is a seat (makes a user licensed), an add-on or a number licence
    (both billed, neither ever makes a user licensed)."""

    SEAT = "seat"
    ADDON = "addon"
    NUMBER = "number"


class InventoryForm(StrEnum):
    """Which of the two licenses.csv shapes the snapshot was given."""

    PER_LICENSE = "per-license"
    PER_POOL = "per-pool"


@dataclass(frozen=True)
class InputFile:
    """One file the audit read, by name and content hash, so a report can be traced to its data."""

    name: str
    sha256: str


@dataclass(frozen=True)
class Settings:
    """Everything a rule may depend on besides the snapshot; no rule reads the clock."""

    as_of: dt.date
    stale_after_days: int = 30
    #: Money rules rate a finding high at or above this monthly cost, medium at or above
    #: ``medium_monthly_cost``, low below it.
    high_monthly_cost: float = 100.0
    medium_monthly_cost: float = 20.0
    #: Unassigned seats kept on purpose, per license type (the config's ``keep_spares``).
    keep_spares: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The settings as written into audit.json (``keep_spares`` only when set)."""
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "stale_after_days": self.stale_after_days,
            "high_monthly_cost": self.high_monthly_cost,
            "medium_monthly_cost": self.medium_monthly_cost,
        }
        if self.keep_spares:
            out["keep_spares"] = dict(self.keep_spares)
        return out


@dataclass(frozen=True)
class Ledger:
    """The seat ledger (see :mod:`auditor.ledger`): a row per billed license, and the
    licenses or pools on which the users' view and the inventory's disagree."""

    rows: pd.DataFrame
    disagreements: pd.DataFrame
    #: The license types whose pools are 8x8's Contact Center licenses (role ``cc-license``).
    cc_license_types: frozenset[str] = frozenset()
    #: Why the Contact Center pools are counted as they are, when the inventory has one;
    #: worked out once with the ledger, read by the reports and the unassigned-seats rule.
    cc_note: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The canonical tables every audit reads, already validated and normalised.

    ``users``: one row per user (``USER_TEXT_COLUMNS`` in :mod:`auditor.snapshot.load`), with
    the site resolved to ``site_id``/``site_name``/``site_state``/``site_country`` and per-user seat
    figures (``seat_count``, ``seat_cents``, ``unpriced_seats``).
    ``holdings``: the users' view, one row per license a user claims (``user_id``,
    ``license_type`` in canonical spelling, ``license_id`` or empty when claimed by type).
    ``licenses``: the per-license inventory, or ``None`` when only pool counts were given.
    ``pools``: per license type in the inventory: ``total``, ``unassigned``, ``suspended``.
    ``types``: every license type seen anywhere, with ``kind`` and ``price_cents`` (nullable).
    """

    users: pd.DataFrame
    sites: pd.DataFrame
    holdings: pd.DataFrame
    licenses: pd.DataFrame | None
    pools: pd.DataFrame
    types: pd.DataFrame
    currency: str
    inventory_form: InventoryForm
    #: False when nothing says which user holds which license: holdings-based rules skip.
    holdings_known: bool = True
    #: True when users.csv itself says what each user holds (``licenses`` or ``license_ids``),
    #: so the inventory's ``assigned_to`` can disagree with it.
    users_list_licenses: bool = False
    tenant: str | None = None
    collected_at: dt.date | None = None
    inputs: tuple[InputFile, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The seat ledger for one audit's settings: built by the engine before any rule runs,
    #: None on a snapshot straight from the loader.
    ledger: Ledger | None = field(default=None, repr=False)
    #: The statement reconciled with the ledger per license type (``BILL_COLUMNS`` in
    #: :mod:`auditor.engine.bill`): built by the engine with the ledger, read by the bill rules
    #: and the reports; None on a snapshot straight from the loader.
    bill: pd.DataFrame | None = field(default=None, repr=False)
    #: contract.csv's terms (``CONTRACT_COLUMNS`` in :mod:`auditor.contract`), or None.
    contract: pd.DataFrame | None = field(default=None, repr=False)
    #: 8x8's monthly statement, one row per bill line (see :mod:`auditor.statement`), or
    #: None when no statement was given: the bill rules are then skipped, never clean.
    statement: pd.DataFrame | None = field(default=None, repr=False)
    #: prices.csv rows given for one country (``license_type``, ``country``, ``price_cents``):
    #: they win over ``types.price_cents`` on ledger rows of that country.
    country_prices: pd.DataFrame | None = field(default=None, repr=False)
    #: numbers.csv (see :mod:`auditor.phone_numbers`), or None when none was given: the
    #: idle-number rule is then skipped.
    numbers: pd.DataFrame | None = field(default=None, repr=False)
    #: addresses.csv with each address's license count (see :mod:`auditor.address_list`),
    #: or None: the tax rule's by-address form then cannot run.
    addresses: pd.DataFrame | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is, beside what it finds: the id is part of the contract."""

    id: str
    entity: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    #: Whether the rule's findings count towards ``monthly_waste``.
    counts_as_waste: bool = False


@dataclass(frozen=True)
class SkippedRule:
    """A rule that could not run on this data, and why: never shown as clean."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Bridge:
    """How the monthly bill splits, in cents, each line a sum over the ledger's rows.

    monthly_cost = in_use + waste; waste = cancel + reclaim_then_cancel + reassign + kept;
    open_waste (the headline, ``summary.monthly_waste``) = waste - kept; the saving
    (``summary.monthly_saving``) = cancel + reclaim_then_cancel. Seats with an unknown price
    are in none of these sums: ``unpriced_seats`` counts them.
    """

    monthly_cost: int
    in_use: int
    waste: int
    cancel: int
    reclaim_then_cancel: int
    reassign: int
    kept: int
    open_waste: int
    unpriced_seats: int
    #: The saving split by when each seat is best stopped (see :mod:`auditor.terms`):
    #: saving_now + saving_at_renewal = the saving; ``buyout_fees`` is what stopping the
    #: ``saving_now`` seats early costs, once.
    saving_now: int = 0
    saving_at_renewal: int = 0
    buyout_fees: int = 0
    #: Seats a spare allowance keeps (part of ``in_use``: out of the waste by decision).
    spares: int = 0
    spare_seats: int = 0
    #: False: no contract file was given, so the saving assumes no buy-out fee.
    contract_given: bool = False

    @property
    def saving(self) -> int:
        """What filing the plan's cancellations takes off the monthly bill."""
        return self.cancel + self.reclaim_then_cancel


@dataclass(frozen=True)
class Summary:
    """The figures at the top of every report."""

    users: int
    active_users: int
    inactive_users: int
    contacts: int
    seats_total: int
    seats_assigned: int
    seats_unassigned: int
    seats_suspended: int
    unpriced_seats: int
    monthly_cost_cents: int
    monthly_waste_cents: int
    annual_waste_cents: int
    monthly_saving_cents: int
    findings_by_rule: Mapping[str, int]
    findings_by_severity: Mapping[str, int]
    #: Findings an active suppression covers: still listed, counted in no money total.
    suppressed_findings: int = 0
    #: What the statement bills beyond the inventory, the contract price or the service
    #: states: a credit to claim, beside (never inside) the waste. None without a statement.
    monthly_overbilled_cents: int | None = None
    #: Users the API gave no (or an unknown) status: in neither the active nor inactive rules.
    unknown_status_users: int = 0


#: Columns of ``Report.findings``, in output order: the JSON/CSV findings contract plus
#: ``cost_known`` (whether ``monthly_cost`` includes every price it needs).
FINDING_COLUMNS: tuple[str, ...] = (
    "id",
    "rule",
    "severity",
    "entity_type",
    "entity_id",
    "title",
    "detail",
    "monthly_cost",
    "cost_known",
    "monthly_waste",
    "license_ids",
    "recommendation",
    "site",
    "license_type",
)

#: Columns the engine adds to the findings after the rules ran: the suppression a finding
#: is under, and what the history says (``first_seen``/``days_open`` stay empty without one).
LATER_FINDING_COLUMNS: tuple[str, ...] = (
    "suppressed",
    "suppression_reason",
    "suppression_owner",
    "suppression_expires",
    "first_seen",
    "days_open",
)

#: Every column of a findings table leaving the engine, in output order.
ALL_FINDING_COLUMNS: tuple[str, ...] = FINDING_COLUMNS + LATER_FINDING_COLUMNS

#: Columns of ``Report.pools``, in output order.
POOL_COLUMNS: tuple[str, ...] = (
    "license_type",
    "kind",
    "total",
    "assigned",
    "unassigned",
    "suspended",
    "holders",
    "monthly_price",
    "monthly_cost",
    "monthly_waste",
)

#: Pool columns audit.json adds after POOL_COLUMNS (the sheets and the page keep theirs):
#: ``billed`` (False for 8x8's Additional Named User pool) and ``country``.
POOL_JSON_EXTRA: tuple[str, ...] = ("billed", "country")


@dataclass(frozen=True)
class StatementTotals:
    """The bill beside the license side, in cents (see :mod:`auditor.bill`).

    ``recurring_expected`` is the ledger's monthly cost (priced seats only), so
    ``difference`` = billed - expected is what the bill and the licenses disagree by.
    """

    recurring_billed: int
    recurring_expected: int
    lines: int
    lines_matched: int
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @property
    def difference(self) -> int:
        """Billed minus expected: positive when 8x8 bills more than the licenses cost."""
        return self.recurring_billed - self.recurring_expected


@dataclass(frozen=True)
class Changes:
    """How this run differs from the tenant's previous one in the history."""

    previous_as_of: dt.date | None
    new: tuple[str, ...]
    resolved: tuple[str, ...]
    persisting: int


@dataclass(frozen=True)
class PlanTotals:
    """The cancellation plan in one line, for the reports' headline figures."""

    seats_to_cancel: int
    #: Sum over the types whose price is known; ``saving_known`` says whether that is all.
    monthly_saving_cents: int
    annual_saving_cents: int
    saving_known: bool
    #: Contacts the plan gives a surplus seat, and of those, seats taxed in their state.
    contacts_placed: int
    same_state: int
    notice_effective: dt.date


@dataclass(frozen=True)
class Report:
    """One audit's result: what every renderer reads and nothing else."""

    tool_version: str
    tenant: str
    as_of: dt.date
    generated_at: dt.datetime
    currency: str
    inputs: tuple[InputFile, ...]
    settings: Settings
    summary: Summary
    pools: pd.DataFrame
    findings: pd.DataFrame
    rules: tuple[RuleMeta, ...]
    skipped: tuple[SkippedRule, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The snapshot the report was worked out from, for notebooks and tests; no renderer reads
    #: it (a report must say everything it shows by itself).
    snapshot: Snapshot | None = field(default=None, repr=False)
    #: Every user as loaded (the snapshot's users table): the workbook's Users sheet, and the
    #: names the page shows beside user findings.
    users: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: The plan in one line (seats to cancel, saving, Contacts placed), summed once from
    #: ``cancellation`` and ``pairings`` for every report's headline.
    plan_totals: PlanTotals | None = None
    #: The suppressed findings with their reason, owner and expiry, soonest expiry first
    #: (``SUPPRESSED_COLUMNS`` in :mod:`auditor.engine.suppress`).
    suppressions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: The findings new since the previous audit, then the resolved ones (``CHANGE_COLUMNS``
    #: in :mod:`auditor.history.changes`); empty without a history.
    changed: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: The seat ledger, one row per billed license, with the plan's action on each waste row.
    ledger: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: The bill split into in use and waste, and the waste by the plan's actions.
    bridge: Bridge = field(default_factory=lambda: Bridge(0, 0, 0, 0, 0, 0, 0, 0, 0))
    #: Per site: seats, monthly cost and waste (the chargeback view; see auditor.chargeback).
    sites: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Per license type: unassigned seats, Contacts who could take one, seats to cancel and the
    #: saving (see auditor.plan).
    cancellation: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Per license type with seats to cancel: renewal date, notice deadline, seats and saving
    #: (see auditor.terms).
    renewals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Contacts who expect service, each paired with an unassigned seat taxed in their state.
    pairings: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Licenses taxed for the wrong place: service address beside the site's (see auditor.tax).
    tax: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: From the history (None when the audit keeps none): what changed since the previous
    #: run, the waste that went away since then, the findings that were resolved, and one
    #: row per recorded run for the trend chart.
    changes: Changes | None = None
    realised_monthly_saving_cents: int | None = None
    #: Over-billing credits obtained since the previous run: its open bill claims (rules
    #: billed-over-inventory, price-above-contract, tax-outside-service-states) that this
    #: run's statement no longer shows. None without a history or without a statement.
    realised_monthly_credit_cents: int | None = None
    resolved: pd.DataFrame | None = field(default=None, repr=False)
    trend: pd.DataFrame | None = field(default=None, repr=False)
    #: The statement's totals beside the ledger's, None when no statement was given.
    statement: StatementTotals | None = None
    #: The bill reconciled with the licenses, one row per license type (see auditor.bill).
    bill: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Each open over-billing finding as a credit request line (see auditor.bill.credits).
    credits: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def plan(self) -> PlanTotals:
        """:attr:`plan_totals`, which the engine always sets (a hand-built report must too)."""
        if self.plan_totals is None:
            raise ValueError("the report has no plan_totals: the engine sums the plan once")
        return self.plan_totals


@dataclass(frozen=True)
class Suppression:
    """A finding a person has decided to accept for now: who, why, and until when."""

    rule: str
    entity: str  # an entity id, or a glob such as "svc-*"
    reason: str
    owner: str
    expires: dt.date | None = None

    def active(self, as_of: dt.date) -> bool:
        """Whether it still applies on ``as_of`` (it applies through its expiry date)."""
        return self.expires is None or as_of <= self.expires
