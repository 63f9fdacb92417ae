"""Which license type a bill line is for, read from its description.

8x8's statement names products its own way ("8x8 Work X Series - X4 Monthly Subscription",
"X4-VOSVC-US"), not always the price book's short name. A description matches a license
type when it *is* one of the type's known spellings (its name, a price-book alias, later the
built-in catalogue's names), else when it *contains* one as whole words; the longest spelling
found wins, and two types tied for it match neither (a guess would put money on the wrong
type). The known spellings come in as a plain mapping, so any catalogue can supply them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from auditor.snapshot import normalize as norm

#: Spellings shorter than this are never looked for inside a description ("X" alone).
_MIN_CONTAINED = 2


def match(descriptions: pd.Series, names: Mapping[str, str]) -> pd.Series:
    """The license type each description names (``""`` for none or an ambiguous one).

    ``names`` maps a spelling, compared as :func:`normalize.text_key`, to its type. Each
    distinct description is matched once: a statement repeats a few dozen products.
    """
    keys = norm.key(descriptions)
    patterns = [
        (len(k), re.compile(r"(?<![0-9a-z])" + re.escape(k) + r"(?![0-9a-z])"), v)
        for k, v in names.items()
        if len(k) >= _MIN_CONTAINED
    ]
    table = {k: _one(str(k), names, patterns) for k in keys.unique()}
    return keys.map(table).fillna("").astype(str)


_Pattern = tuple[int, re.Pattern[str], str]


def _one(key: str, names: Mapping[str, str], patterns: list[_Pattern]) -> str:
    if not key:
        return ""
    exact = names.get(key)
    if exact is not None:
        return exact
    found = [(length, name) for length, pattern, name in patterns if pattern.search(key)]
    if not found:
        return ""
    longest = max(length for length, _ in found)
    types = {name for length, name in found if length == longest}
    return types.pop() if len(types) == 1 else ""
