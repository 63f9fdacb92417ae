"""Unicode bidirectional controls: whether quoted text can reorder the sentence around it."""

from __future__ import annotations

OPENERS = frozenset("\u2066\u2067\u2068")


CLOSE = "\u2069"


PUSHES = frozenset("\u202a\u202b\u202d\u202e")


CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def contained(text: str) -> bool:
    """Whether no direction control in ``text`` can act past its end (or past a PDI)."""
    depth = 0
    for ch in text:
        if ch in OPENERS:
            depth += 1
        elif ch == CLOSE:
            if depth == 0:
                return False  # it would close an isolate of the sentence around it
            depth -= 1
        elif ch in PUSHES and depth == 0:
            return False
    return depth == 0
