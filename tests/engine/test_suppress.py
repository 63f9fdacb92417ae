"""Suppressions: kept and flagged, out of the money totals, expired ones warned about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.engine.run import run
from auditor.engine.suppress import SUPPRESSED_COLUMNS, check_rules, suppressed_table
from auditor.errors import InputError
from auditor.model import Report, Settings, Suppression
from auditor.snapshot.load import load
from auditor.vocab import stored
from tests.conftest import NOW

AS_OF = dt.date(2026, 11, 1)


def audit_with(folder: Path, *suppressions: Suppression) -> Report:
    return run(
        load(folder), Settings(as_of=AS_OF), tenant="t", generated_at=NOW, suppressions=suppressions
    )


@pytest.mark.slow
def test_suppressed_findings_stay_but_leave_the_waste(tiny_dir: Path) -> None:
    plain = audit_with(tiny_dir)
    muted = audit_with(
        tiny_dir,
        Suppression("stale-deactivated-user", "u*", "legal hold", "legal@x", dt.date(2027, 1, 1)),
        Suppression("unassigned-billed-seats", "X4", "spare for new hire", "it@x"),
    )
    assert len(muted.findings) == len(plain.findings)
    flagged = muted.findings.set_index("id")
    assert flagged.loc["stale-deactivated-user:u2", "suppressed"]
    assert flagged.loc["stale-deactivated-user:u2", "suppression_reason"] == "legal hold"
    assert flagged.loc["stale-deactivated-user:u2", "suppression_expires"] == dt.date(2027, 1, 1)
    assert flagged.loc["unassigned-billed-seats:X4", "suppression_owner"] == "it@x"
    assert not flagged.loc["unassigned-billed-seats:X2", "suppressed"]
    assert plain.summary.monthly_waste_cents == 8200
    assert muted.summary.monthly_waste_cents == 8200 - 2400 - 3400
    assert muted.summary.annual_waste_cents == 12 * 2400
    assert muted.summary.suppressed_findings == 2
    assert muted.pools.monthly_waste_cents.sum() == muted.summary.monthly_waste_cents
    assert muted.summary.findings_by_rule == plain.summary.findings_by_rule


@pytest.mark.slow
def test_expired_suppression_applies_no_more_and_warns(tiny_dir: Path) -> None:
    report = audit_with(
        tiny_dir,
        Suppression("stale-deactivated-user", "u2", "legal hold", "legal@x", dt.date(2026, 10, 31)),
    )
    assert not report.findings.suppressed.any()
    assert report.summary.monthly_waste_cents == 8200
    assert any("expired on 2026-10-31" in w and "legal@x" in w for w in report.warnings)


@pytest.mark.slow
def test_suppression_on_its_expiry_day_still_applies(tiny_dir: Path) -> None:
    report = audit_with(tiny_dir, Suppression("stale-deactivated-user", "u2", "r", "o", AS_OF))
    assert report.findings.suppressed.sum() == 1


def test_unknown_rule_in_a_suppression_is_an_error() -> None:
    with pytest.raises(InputError, match="'stale-user' is not a rule id"):
        check_rules([Suppression("stale-user", "u1", "r", "o")], ["stale-deactivated-user"])


@pytest.mark.slow
def test_suppressed_table_lists_the_accepted_soonest_expiry_first(tiny_dir: Path) -> None:
    report = audit_with(
        tiny_dir,
        Suppression("unassigned-billed-seats", "X*", "spares", "it@x"),
        Suppression("stale-deactivated-user", "u2", "legal hold", "legal@x", dt.date(2027, 1, 1)),
        Suppression("tax-address-mismatch", "L4", "moving", "fac@x", dt.date(2026, 12, 1)),
    )
    table = suppressed_table(report.findings)
    assert list(table.columns) == stored(SUPPRESSED_COLUMNS)
    assert table.id.tolist() == [
        "tax-address-mismatch:L4",
        "stale-deactivated-user:u2",
        "unassigned-billed-seats:X2",
        "unassigned-billed-seats:X4",
    ]  # dated ones by expiry, then those that never expire
    first = table.iloc[0]
    assert (first.reason, first.owner, first.expires) == ("moving", "fac@x", dt.date(2026, 12, 1))
    assert first.monthly_cost_cents == 2400
    assert table.expires.iloc[-1] is None


@pytest.mark.slow
def test_suppressed_table_is_empty_when_nothing_is_suppressed(tiny_dir: Path) -> None:
    report = audit_with(tiny_dir)
    assert suppressed_table(report.findings).empty
    bare = report.findings.drop(columns=["suppressed"])  # a table from before the engine
    assert list(suppressed_table(bare).columns) == stored(SUPPRESSED_COLUMNS)


def _plan(report: Report) -> dict[str, dict[str, object]]:
    return report.cancellation.set_index("license_type").to_dict("index")


@pytest.mark.slow
def test_the_plan_cancels_no_spare_kept_on_purpose_and_keeps_an_accepted_stale_seat(
    tiny_dir: Path,
) -> None:
    plain_report = audit_with(tiny_dir)
    plain = _plan(plain_report)
    # u3 (the one Contact who expects service) gets L5 either way; L3 (u2's) and L6 are cancelled
    assert (plain["X4"]["seats_to_cancel"], plain["X4"]["monthly_saving_cents"]) == (1, 3400)
    assert (plain["X2"]["held_by_stale_users"], plain["X2"]["seats_to_cancel"]) == (1, 1)
    assert plain["X4"]["spares_kept"] == plain["X2"]["spares_kept"] == 0
    assert plain_report.summary.monthly_saving_cents == 5800
    muted_report = audit_with(
        tiny_dir,
        Suppression("unassigned-billed-seats", "X4", "spares for the new call centre", "it@x"),
        Suppression("stale-deactivated-user", "u2", "legal hold", "legal@x"),
    )
    muted = _plan(muted_report)
    assert (muted["X4"]["unassigned"], muted["X4"]["seats_to_cancel"]) == (1, 0)
    assert muted["X4"]["spares_kept"] == 1
    assert (muted["X4"]["monthly_saving_cents"], muted["X4"]["annual_saving_cents"]) == (0, 0)
    assert muted["X4"]["license_ids_to_cancel"] == ""
    # u2's seat is still counted as held by a stale user, but kept, not cancelled
    assert muted["X2"] == {
        **plain["X2"],
        "seats_to_cancel": 0,
        "spares_kept": 1,
        "monthly_saving_cents": 0,
        "annual_saving_cents": 0,
        "license_ids_to_cancel": "",
    }
    ledger = muted_report.ledger.set_index("seat_id")
    assert ledger.action[["L3", "L5", "L6"]].tolist() == ["keep", "reassign", "keep"]
    bridge = muted_report.bridge
    assert (bridge.kept, bridge.reassign, bridge.cancel, bridge.reclaim_then_cancel) == (
        5800,
        2400,
        0,
        0,
    )
    assert muted_report.summary.monthly_saving_cents == 0
    rec = muted_report.findings.set_index("id").recommendation
    assert (
        rec["unassigned-billed-seats:X4"] == "1 seat kept on purpose (a suppression covers them)."
    )
    assert rec["stale-deactivated-user:u2"] == "Kept as they are: a suppression covers this user."


@pytest.mark.slow
def test_a_suppressed_contact_is_offered_no_seat(tiny_dir: Path) -> None:
    plain = audit_with(tiny_dir)
    assert plain.pairings.user_id.tolist() == ["u3"]  # u3, who expects service, gets L5
    assert _plan(plain)["X2"]["reassign_to_contacts"] == 1
    muted = audit_with(
        tiny_dir, Suppression("contact-without-license", "u3", "a lobby phone", "fac@x")
    )
    assert muted.pairings.empty
    plan = _plan(muted)
    assert plan["X2"]["reassign_to_contacts"] == 0
    assert (plan["X2"]["seats_to_cancel"], plan["X2"]["monthly_saving_cents"]) == (2, 4800)
    assert plan["X2"]["license_ids_to_cancel"] == "L3, L5"
    assert muted.summary.monthly_saving_cents == 8200
