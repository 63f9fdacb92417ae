"""findings.csv: the findings table, same columns as audit.json's findings, formula-safe.

``license_ids`` (a list in the JSON) is one cell of ``;``-separated ids, as users.csv takes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from auditor.model import ALL_FINDING_COLUMNS, Report
from auditor.render.cells import FORMULA_PREFIXES, shown

#: RFC 4180's record separator. Python's csv writer quotes a field for the delimiter, the
#: quote and the characters of the line terminator only: with ``"\n"`` a lone CR in tenant
#: text (``Line one\rLine two``) went out unquoted, and every reader split the row there.
LINE_END: Final = "\r\n"


def defuse(column: pd.Series) -> pd.Series:
    """The column-at-once form of ``cells.neutralise``: a leading ``'`` on risky text."""
    text = column.astype(object)
    as_str = text.where(text.notna(), "").astype(str)
    risky = as_str.str.startswith(FORMULA_PREFIXES)
    return text.where(~risky, "'" + as_str)


def write_csv(report: Report, path: Path) -> None:
    """Write findings.csv; tenant text that a spreadsheet would run as a formula is defused."""
    table = shown(report.findings, ALL_FINDING_COLUMNS)
    table["license_ids"] = [";".join(ids) for ids in table.license_ids]
    for column in table.columns:
        if column not in ("monthly_cost", "monthly_waste", "cost_known"):
            table[column] = defuse(table[column])
    for column in ("monthly_cost", "monthly_waste"):
        table[column] = table[column].map("{:.2f}".format)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator=LINE_END)
