"""Active users with no seat: Contacts who cannot call, message or log in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.frames import member
from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import ledger_rows, needs_holdings, results, rule
from auditor.text import isolate, user_label

RULE_ID = "contact-without-license"


@rule(
    id=RULE_ID,
    entity="user",
    severity=Severity.MEDIUM,
    title="Active users without a license (Contacts)",
    rationale=(
        "SCIM provisioning never assigns a license, so IdP-provisioned staff arrive as Contacts "
        "who cannot use 8x8; buying them new seats while unassigned ones are billed pays "
        "twice."
    ),
    remediation=(
        "Give each Contact who needs phone service an unassigned seat from the pool before "
        "buying a new one; leave bare directory entries as they are."
    ),
    requires=needs_holdings,
)
def check(snapshot: Snapshot, settings: Settings) -> pd.DataFrame:
    """One finding per ACTIVE user holding no seat license (add-ons do not count).

    A user holds a seat if their own row lists one or the ledger gives them one (the
    inventory's ``assigned_to``).
    """
    users = snapshot.users
    rows = ledger_rows(snapshot)
    seated = rows.holder[rows.kind.eq("seat") & rows.holder.notna()]
    hits = users[users.active & users.seat_count.eq(0) & ~member(users.user_id, seated)].copy()
    expects = (
        hits.extension.ne("") | hits.phone_number.ne("") | hits.scim_provider.ne("")
    ).to_numpy()
    label = user_label(hits)
    hits["entity_id"] = hits.user_id
    hits["severity"] = np.where(expects, Severity.MEDIUM.value, Severity.INFO.value)
    hits["title"] = label + " is active but holds no license"
    reasons = (
        ("provisioned by " + isolate(hits.scim_provider) + "; ").where(
            hits.scim_provider.ne(""), ""
        )
        + ("has extension " + isolate(hits.extension) + "; ").where(hits.extension.ne(""), "")
        + ("has phone number " + isolate(hits.phone_number) + "; ").where(
            hits.phone_number.ne(""), ""
        )
    ).str.rstrip("; ")
    hits["detail"] = np.where(
        expects,
        "Listed as a Contact (" + reasons + "), so someone expects service this user cannot get.",
        "A bare directory entry: no extension, phone number or identity provider.",
    )
    # A Contact who expects service gets the plan's own sentence (plan.recommend): which seat.
    hits["recommendation"] = np.where(
        expects,
        "Assign a seat: one the plan would otherwise cancel (see the Cancellation sheet) "
        "before buying a new one.",
        "No cost: a bare directory entry. If this person does need phone service, give them a "
        "seat the plan would otherwise cancel (see the Cancellation sheet) before buying one.",
    )
    hits["monthly_cost_cents"] = 0
    hits["cost_known"] = True
    hits["site"] = hits.site_name
    hits["license_type"] = None
    return results(hits)
