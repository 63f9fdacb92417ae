"""Tenant text quoted in a finding's sentence cannot reorder the rest of the sentence.

Unicode's bidirectional algorithm lets an override (U+202D/E) or embedding (U+202A/B) run to
the end of the paragraph unless something closes it, and an isolate (U+2066-8 ... U+2069) is
what closes everything opened inside it. So the check: every embedding or override sits
inside an isolate, and every isolate opened is closed, by the text's end.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.text import isolate, isolate_text
from tests.helpers.bidi import CONTROLS, contained

TEXT = st.text(alphabet=st.sampled_from([*CONTROLS, "a", "b", " ", "א", "ب"]), max_size=12)


@pytest.mark.slow
@given(values=st.lists(TEXT, max_size=8))
def test_isolated_text_is_contained_and_keeps_its_letters(values: list[str]) -> None:
    shown = isolate(pd.Series(values, dtype="str")).tolist()
    assert shown == [isolate_text(v) for v in values]
    for raw, text in zip(values, shown, strict=True):
        assert contained("quoted " + text + " in a sentence")
        letters = [c for c in text if c not in CONTROLS]
        assert letters == [c for c in raw if c not in CONTROLS]
        if not any(c in CONTROLS for c in raw):
            assert text == raw


def test_an_override_is_closed_where_the_text_ends() -> None:
    text = isolate_text("Ops \u202egnp.exe")
    assert text == "\u2068Ops \u202egnp.exe\u2069"
    assert isolate_text("\u2069\u202eEvil\u2067") == "\u2068\u202eEvil\u2069"
    assert isolate_text("plain") == "plain"
