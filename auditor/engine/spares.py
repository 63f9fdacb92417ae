"""Spare allowances: the unassigned seats a tenant keeps on purpose, counted in seats.

"We always keep 5 spare X2 seats" is a decision, not waste. Up to the allowance of a type
(``keep_spares`` in the config, else the contract's ``spares`` column), its unassigned seats
leave the waste before any rule runs: they are ``keep`` rows of the ledger with the reason
"spare allowance", in no finding, no gate and no saving, and every report still shows them
(the ledger, the bridge's spares line, the plan's ``spares_kept``). Only ``unassigned`` seats
count: a deactivated user's seat is not a spare until it is reclaimed.

Which seats: the last ones of the type by seat id, so the first ones (the ones a person
reads first in the plan) are the ones to act on; the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from auditor.snapshot.contract import ALL_TYPES
from auditor.vocab import Disposition

#: ``keep_reason`` of a seat a spare allowance keeps.
SPARE_REASON: Final = "spare allowance"


def allowance(
    configured: Mapping[str, int], contract: pd.DataFrame | None, types: pd.Series
) -> dict[str, int]:
    """Spares per license type: the config's over the contract's row for the type, over ``*``.

    ``configured`` keys are matched to ``types`` case-insensitively.
    """
    found: dict[str, int] = {}
    if contract is not None and "spares" in contract:
        given = contract[contract.spares.notna()]
        rows = {str(t): int(n) for t, n in zip(given.license_type, given.spares, strict=True)}
        for name in types:
            n = rows.get(str(name), rows.get(ALL_TYPES))
            if n is not None:
                found[str(name)] = n
    by_key = {str(t).casefold(): str(t) for t in types}
    for name, n in configured.items():
        found[by_key.get(name.casefold(), name)] = int(n)
    return {t: n for t, n in found.items() if n > 0}


def set_aside(rows: pd.DataFrame, spares: Mapping[str, int]) -> pd.DataFrame:
    """The ledger with up to ``spares[type]`` unassigned seats per type kept, out of the waste.

    Adds ``keep_reason`` (None on every other row).
    """
    reason = pd.Series(None, index=rows.index, dtype=object)
    if spares:
        idle = rows[rows.disposition.eq(Disposition.UNASSIGNED.value)]
        idle = idle[idle.license_type.isin(list(spares))].sort_values(
            "seat_id", ascending=False, kind="mergesort"
        )
        nth = idle.groupby("license_type").cumcount()
        kept = idle.index[nth.lt(idle.license_type.map(spares)).to_numpy()]
        reason[kept] = SPARE_REASON
    spare = reason.notna()
    return rows.assign(keep_reason=reason, waste=rows.waste & ~spare)
