r"""Text every report can hold: what Python can carry in a str but UTF-8 cannot.

Python represents a file or folder name's undecodable bytes, and a command-line argument's,
as lone surrogates (``\udcff`` for byte 0xff), and JSON's ``\ud800`` escape parses to one.
UTF-8 has no encoding for them, so a report, a SQLite history or pandas' Arrow strings
refuse them with a traceback. Names from those places pass through :func:`readable` on their
way into a report, which shows each as U+FFFD, the replacement character a UTF-8 decoder
uses for the same kind of damage.
"""

from __future__ import annotations

import re
from typing import Final

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD; any other text comes back unchanged."""
    return _LONE_SURROGATE.sub("\ufffd", text)
