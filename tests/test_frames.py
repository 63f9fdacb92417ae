"""frames.member is Series.isin, only fast on Arrow strings."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.frames import member

IDS = st.lists(st.sampled_from(["a", "b", "c", "", "x y", "é"]), max_size=12)


@pytest.mark.slow
@given(values=IDS, pool=IDS)
def test_member_agrees_with_isin(values: list[str], pool: list[str]) -> None:
    for dtype in ("str", object):
        series = pd.Series(values, dtype=dtype, index=range(10, 10 + len(values)))
        expected = series.isin(pool)
        assert member(series, pd.Series(pool, dtype=dtype)).equals(expected)
        assert member(series, set(pool)).equals(expected)
        assert member(series, pd.Index(pool, dtype=dtype)).equals(expected)
