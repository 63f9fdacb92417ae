r"""Text every report can hold, and the sentences' small words: amounts, counts, lists, names.

Lone surrogates first, what Python can carry in a str but UTF-8 cannot. Python represents a
file or folder name's undecodable bytes, and a command-line argument's, as lone surrogates
(``\udcff`` for byte 0xff), and JSON's ``\ud800`` escape parses to one. UTF-8 has no encoding
for them, so a report, a SQLite history or pandas' Arrow strings refuse them with a traceback.
Names from those places pass through :func:`readable` on their way into a report, which shows
each as U+FFFD, the replacement character a UTF-8 decoder uses for the same kind of damage.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD; any other text comes back unchanged."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def amount(cents: int | None) -> float | None:
    """Integer cents as the amount a machine-readable report writes (``1234.5``), or None.

    The Report holds money as cents; this (and :func:`amounts`, its column form) is where a
    JSON, CSV or workbook figure leaves them. Cents divided by 100 is the float nearest the
    decimal amount, and every reader that rounds to two places gets the cents back.
    """
    return None if cents is None else cents / 100


def amounts(cents: pd.Series) -> pd.Series:
    """:func:`amount` for a column: float amounts, NaN where the cents are unknown."""
    return cents.astype("Float64").div(100).astype("float64")


def money(cents: pd.Series, currency: str) -> pd.Series:
    """Amounts in cents as text for sentences: ``USD 1,234.50``; NA becomes ``unknown``."""
    known = cents.notna()
    values = cents.fillna(0).astype("int64")
    whole = (values // 100).map("{:,}".format).astype(str)
    frac = (values % 100).astype(str).str.zfill(2)
    return (currency + " " + whole + "." + frac).where(known, "an unknown amount")


def money_text(cents: int | None, currency: str) -> str:
    """One amount as text, the scalar twin of :func:`money`."""
    if cents is None:
        return "an unknown amount"
    return f"{currency} {cents // 100:,}.{cents % 100:02d}"


def plural(count: pd.Series, singular: str, many: str | None = None) -> pd.Series:
    """``"1 seat"`` / ``"3 seats"`` for a column of counts."""
    word = pd.Series(singular, index=count.index).where(count.eq(1), many or singular + "s")
    return count.astype(str) + " " + word


def join_ids(ids: pd.Series, limit: int = 10) -> str:
    """A short list of ids for a sentence: the first ``limit``, then how many more."""
    shown = ", ".join(isolate(ids.iloc[:limit].astype(str)))
    more = len(ids) - limit
    return f"{shown} and {more} more" if more > 0 else shown


#: Unicode's explicit direction controls: embeddings, overrides, isolates and marks.
_BIDI = "[\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_BIDI_RE = re.compile(_BIDI)
_ISOLATES = "[\u2066-\u2069]"


def isolate(text: pd.Series) -> pd.Series:
    """Tenant text that carries direction controls, wrapped in a first-strong isolate.

    Every piece of tenant text a finding's sentences quote (names, license types and ids,
    sites, addresses) goes through here. A right-to-left override in one would otherwise
    reverse the rest of the sentence; isolated, it reorders only itself. The text's own
    isolate marks are dropped: a stray U+2069 would end the isolate early, a stray U+2066-8
    would keep it open past its end; the U+2069 added closes every embedding and override
    the text opened. Text without direction controls is unchanged.
    """
    risky = text.str.contains(_BIDI, regex=True)
    inner = text.str.replace(_ISOLATES, "", regex=True)
    return text.where(~risky, "\u2068" + inner + "\u2069")


def isolate_text(text: str) -> str:
    """:func:`isolate` for one piece of text."""
    if not _BIDI_RE.search(text):
        return text
    return "\u2068" + re.sub(_ISOLATES, "", text) + "\u2069"


def user_label(users: pd.DataFrame) -> pd.Series:
    """How a user is named in a finding: full name and email, or whatever of them exists."""
    name = isolate((users.first_name + " " + users.last_name).str.strip())
    email = isolate(users.email.where(users.email.ne(""), users.user_id))
    return (name + " <" + email + ">").where(name.ne(""), email)
