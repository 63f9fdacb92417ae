"""Who or what a finding is about, named as a person reads it: the findings table's first
question is "whose seat?", and an internal id (``user: grUvrFcOUDr4p7YK0jHDCe``) or a field
name (``license_type : X4``) does not answer it.

A user is their name, with their email under it (the email alone when the directory has no
name); a license type is its name; a license is its id, with its type under it. The id stays
in the row's data attributes and the workbook, for whoever needs to look it up. Vectorised:
one lookup of the snapshot's users per page, never a loop over the directory.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from auditor.render.html.view import as_text


@dataclass(frozen=True)
class Who:
    """A finding's subject: a main line, and a second, quieter line where there is one."""

    name: str
    sub: str | None


def who_labels(findings: pd.DataFrame, users: pd.DataFrame | None) -> list[Who]:
    """One :class:`Who` per finding row, in order."""
    if findings.empty:
        return []
    kinds = findings.entity_type.astype(str)
    ids = findings.entity_id.astype(str)
    names = pd.Series("", index=findings.index, dtype=object)
    emails = pd.Series("", index=findings.index, dtype=object)
    needed = {"user_id", "first_name", "last_name", "email"}
    if users is not None and needed <= set(users.columns):
        known = users.drop_duplicates("user_id").set_index("user_id")
        full = (known.first_name.fillna("") + " " + known.last_name.fillna("")).str.strip()
        is_user = kinds.eq("user")
        names = names.where(~is_user, ids.map(full).fillna(""))
        emails = emails.where(~is_user, ids.map(known.email.fillna("")).fillna(""))
    types = findings.license_type if "license_type" in findings.columns else None
    out = []
    for index, kind, entity in zip(findings.index, kinds, ids, strict=True):
        if kind == "user":
            name, email = str(names[index]), str(emails[index])
            out.append(Who(name, email or None) if name else Who(email or entity, None))
        elif kind == "license":
            held = as_text(types[index]) if types is not None else None
            out.append(Who(entity, f"{held} license" if held else None))
        else:
            out.append(Who(entity, None))
    return out
