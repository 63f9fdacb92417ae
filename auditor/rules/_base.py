"""What a rule is: a pure function from snapshot and settings to finding rows, plus metadata.

A rule module defines one function decorated with :func:`rule`; :func:`discover` imports
every module in this package and returns the rules in contract order. The engine adds
``rule``, ``entity_type`` and ``id`` to what a rule returns, so a rule only describes what it
found: the columns in :data:`RESULT_COLUMNS`, one row per entity.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.model import Ledger, RuleMeta, Settings, Severity, Snapshot

#: What every rule returns, one row per finding.
RESULT_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "severity",
    "title",
    "detail",
    "monthly_cost_cents",
    "cost_known",
    "recommendation",
    "site",
    "license_type",
)

#: A column a rule may add to :data:`RESULT_COLUMNS` when its findings are about more than
#: one kind of thing (``license`` or ``address``); the rule's ``entity`` otherwise.
ENTITY_TYPE = "entity_type"

#: The order rules appear in, as in PRODUCT.md; a rule not listed sorts after, by id.
CONTRACT_ORDER: tuple[str, ...] = (
    "unassigned-billed-seats",
    "contact-without-license",
    "stale-deactivated-user",
    "tax-address-mismatch",
    "license-overassigned",
    "sources-disagree",
    "billed-over-inventory",
    "price-above-contract",
    "tax-outside-service-states",
    "billed-unknown-product",
    "idle-phone-numbers",
)

Check = Callable[[Snapshot, Settings], pd.DataFrame]
Requirement = Callable[[Snapshot], "str | None"]


@dataclass(frozen=True)
class Rule:
    """A registered rule: metadata, the check, and what data it needs to run at all."""

    meta: RuleMeta
    check: Check
    requires: Requirement

    def skip_reason(self, snapshot: Snapshot) -> str | None:
        """Why the rule cannot run on this snapshot, or None when it can."""
        return self.requires(snapshot)


_REGISTRY: dict[str, Rule] = {}


def _always(_: Snapshot) -> str | None:
    return None


def rule(
    *,
    id: str,
    entity: str,
    severity: Severity,
    title: str,
    rationale: str,
    remediation: str,
    counts_as_waste: bool = False,
    requires: Requirement = _always,
) -> Callable[[Check], Check]:
    """Register ``check`` as the rule ``id`` with its metadata."""

    def register(check: Check) -> Check:
        meta = RuleMeta(
            id=id,
            entity=entity,
            severity=severity,
            title=title,
            rationale=rationale,
            remediation=remediation,
            counts_as_waste=counts_as_waste,
        )
        _REGISTRY[id] = Rule(meta=meta, check=check, requires=requires)
        return check

    return register


def discover() -> list[Rule]:
    """Every rule in :mod:`auditor.rules`, in contract order."""
    package = importlib.import_module("auditor.rules")
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"auditor.rules.{info.name}")
    order = {rule_id: i for i, rule_id in enumerate(CONTRACT_ORDER)}
    return sorted(_REGISTRY.values(), key=lambda r: (order.get(r.meta.id, len(order)), r.meta.id))


def needs_holdings(snapshot: Snapshot) -> str | None:
    """Requirement of the rules that must know who holds which license."""
    if snapshot.holdings_known:
        return None
    return (
        "users.csv has no licenses or license_ids column and licenses.csv does not say who "
        "holds which license"
    )


def ledger_of(snapshot: Snapshot) -> Ledger:
    """The ledger the engine built for this audit (a rule never builds its own)."""
    if snapshot.ledger is None:
        raise ValueError("the engine builds the seat ledger before any rule runs")
    return snapshot.ledger


def ledger_rows(snapshot: Snapshot) -> pd.DataFrame:
    """The ledger's rows: one per billed license."""
    return ledger_of(snapshot).rows


def results(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` restricted to :data:`RESULT_COLUMNS` (and :data:`ENTITY_TYPE` when it has
    one), in order, with a clean index."""
    extra = [ENTITY_TYPE] if ENTITY_TYPE in frame else []
    return frame.loc[:, [*RESULT_COLUMNS, *extra]].reset_index(drop=True)


def money_severity(cents: pd.Series, known: pd.Series, settings: Settings) -> pd.Series:
    """Severity from a monthly cost: settings' thresholds; an unknown price is medium."""
    high = round(settings.high_monthly_cost * 100)
    medium = round(settings.medium_monthly_cost * 100)
    value = cents.fillna(0).to_numpy()
    level = np.select(
        [value >= high, value >= medium],
        [Severity.HIGH.value, Severity.MEDIUM.value],
        Severity.LOW.value,
    )
    unknown_medium = ~known.to_numpy() & (level == Severity.LOW.value)
    return pd.Series(np.where(unknown_medium, Severity.MEDIUM.value, level), index=cents.index)
