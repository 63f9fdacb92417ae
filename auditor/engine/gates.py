"""Gates for schedulers: a finished audit that crossed a line the user drew exits 1.

Suppressed findings count for no gate: accepting a finding is how a team says it may stay.
"""

from __future__ import annotations

from auditor.engine.terms_text import deadline_gate
from auditor.model import Report, Severity
from auditor.text import money_text


def crossed(report: Report, fail_on: Severity | None, fail_over_waste: float | None) -> list[str]:
    """The reasons a gate was crossed, one sentence each; empty when none was."""
    reasons = []
    findings = report.findings
    live = findings[~findings.suppressed]
    if fail_on is not None:
        at_least = {s.value for s in Severity if s.rank <= fail_on.rank}
        count = int(live.severity.isin(at_least).sum())
        if count:
            reasons.append(
                f"{count} open finding(s) at severity {fail_on.value} or above "
                f"(--fail-on {fail_on.value})."
            )
    if fail_over_waste is not None:
        waste = report.summary.monthly_waste_cents
        limit = round(fail_over_waste * 100)
        if waste > limit:
            reasons.append(
                f"monthly waste {money_text(waste, report.currency)} is over "
                f"{money_text(limit, report.currency)} (--fail-over-waste {fail_over_waste:g})."
            )
    return reasons


def notice_crossed(report: Report, days: int | None) -> list[str]:
    """``--fail-before-notice``: a contract's notice deadline, with seats to stop, is near.

    Only types with a term count (without a contract nothing has a deadline); a deadline
    already past is not "within" the days: the seats then wait for the next renewal.
    """
    if days is None:
        return []
    return deadline_gate(report.renewals, report.as_of, days)
