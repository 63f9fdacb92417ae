"""Active users with no seat: Contacts who cannot call, message or log in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.model import Settings, Severity, Snapshot
from auditor.rules._base import (
    free_seat_pools,
    isolate,
    isolate_text,
    needs_holdings,
    results,
    rule,
    user_label,
)

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
    """One finding per ACTIVE user holding no seat license (add-ons do not count)."""
    users = snapshot.users
    hits = users[users.active & users.seat_count.eq(0)].copy()
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
    offer = _offer(snapshot)
    hits["recommendation"] = np.where(
        expects,
        "Assign a seat: " + offer,
        "No cost: if this person needs no phone service, nothing to do. Otherwise: " + offer,
    )
    hits["monthly_cost_cents"] = 0
    hits["cost_known"] = True
    hits["site"] = hits.site_name
    hits["license_type"] = None
    return results(hits)


def _offer(snapshot: Snapshot) -> str:
    """Which pools have a free (already paid for) seat, said once for every Contact."""
    free = free_seat_pools(snapshot)
    if free.empty:
        return "no pool has an unassigned seat, so this needs a new license."
    pools = ", ".join(
        f"{isolate_text(str(t))} has {n} unassigned"
        for t, n in zip(free.license_type, free.unassigned, strict=True)
    )
    return f"{pools} (already paid for, so no new purchase is needed)."
