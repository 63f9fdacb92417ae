"""Accepted findings: kept in every report, greyed with their reason, counted in no total.

A suppression names a rule and an entity id or a glob (``svc-*``); one that has expired no
longer applies, and the report warns about it so nobody believes it still does. Muted
findings are flagged, never dropped (prowler's way): the reader still sees what was accepted.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence

import pandas as pd

from auditor.errors import InputError
from auditor.model import Suppression
from auditor.vocab import stored

#: Columns added to the findings table.
SUPPRESSION_COLUMNS = (
    "suppressed",
    "suppression_reason",
    "suppression_owner",
    "suppression_expires",
)


def check_rules(suppressions: Sequence[Suppression], rules: Iterable[str]) -> None:
    """Raise when a suppression names a rule that does not exist (a typo mutes nothing)."""
    known = set(rules)
    for number, item in enumerate(suppressions, start=1):
        if item.rule not in known:
            raise InputError(
                f"suppress #{number}: {item.rule!r} is not a rule id "
                f"(rules: {', '.join(sorted(known))})."
            )


def apply(
    findings: pd.DataFrame, suppressions: Sequence[Suppression], as_of: dt.date
) -> tuple[pd.DataFrame, list[str]]:
    """Flag the findings an active suppression covers; warn about expired ones.

    The first matching suppression (in file order) gives the reason shown. Returns the
    findings with :data:`SUPPRESSION_COLUMNS` added and the warnings to show.
    """
    out = findings.copy()
    out["suppressed"] = False
    for column in SUPPRESSION_COLUMNS[1:]:
        out[column] = pd.Series(None, index=out.index, dtype=object)
    warnings: list[str] = []
    for item in suppressions:
        pattern = fnmatch.translate(item.entity)
        hits = out.rule.eq(item.rule) & out.entity_id.astype(str).str.fullmatch(pattern)
        hits = hits.fillna(False).astype(bool)
        if not item.active(as_of):
            if hits.any():
                warnings.append(
                    f"The suppression of {item.rule} {item.entity!r} ({item.reason!r}; owner "
                    f"{item.owner!r}) expired on {item.expires}; its {int(hits.sum())} finding(s) "
                    "count again."
                )
            continue
        fresh = hits & ~out.suppressed
        out.loc[fresh, "suppressed"] = True
        out.loc[fresh, "suppression_reason"] = item.reason
        out.loc[fresh, "suppression_owner"] = item.owner
        out.loc[fresh, "suppression_expires"] = item.expires
    return out, warnings


#: Columns of :func:`suppressed_table`: the finding, then the suppression it is under.
SUPPRESSED_COLUMNS = (
    "id",
    "rule",
    "entity_type",
    "entity_id",
    "title",
    "monthly_cost",
    "reason",
    "owner",
    "expires",
)


def suppressed_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The suppressed findings with their reason, owner and expiry, soonest expiry first.

    What the reports list under Suppressions: the accepted findings, so a reader can check
    every acceptance is still right; the ones expiring soonest need a decision first, and
    those that never expire come last.
    """
    if "suppressed" not in findings.columns:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in stored(SUPPRESSED_COLUMNS)})
    muted = findings[findings.suppressed.eq(True)]
    table = muted.rename(
        columns={
            "suppression_reason": "reason",
            "suppression_owner": "owner",
            "suppression_expires": "expires",
        }
    ).reindex(columns=stored(SUPPRESSED_COLUMNS))
    order = pd.to_datetime(table.expires.astype(object), errors="coerce")
    table = table.assign(_order=order).sort_values(
        ["_order", "rule", "entity_id"], na_position="last", kind="mergesort"
    )
    return table.drop(columns="_order").reset_index(drop=True)
