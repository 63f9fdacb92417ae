"""The floor the end-to-end budget is measured against: the work no audit can avoid.

Read the four CSVs with pandas, then stream the Users rows into an xlsx with openpyxl's
write-only mode. ``python benchmarks/floor.py SNAPSHOT_DIR OUT.xlsx``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from openpyxl import Workbook


def floor(snapshot: Path, out: Path) -> None:
    """Do the floor's work once."""
    frames = {
        n: pd.read_csv(snapshot / f"{n}.csv") for n in ("users", "sites", "licenses", "prices")
    }
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Users")
    users = frames["users"]
    sheet.append(list(users.columns))
    for row in users.itertuples(index=False, name=None):
        sheet.append(row)
    book.save(out)


if __name__ == "__main__":
    floor(Path(sys.argv[1]), Path(sys.argv[2]))
