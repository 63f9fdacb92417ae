"""Small table helpers the stages share, where pandas' obvious call is slow at scale."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def member(values: pd.Series, pool: pd.Series | pd.Index | Iterable[object]) -> pd.Series:
    """``values.isin(pool)``, by hashing ``pool`` once into an index.

    With Arrow-backed strings (pandas 3 with pyarrow) ``Series.isin`` against a large pool
    takes seconds at 100k users; a lookup in an index of the pool's distinct values takes
    milliseconds and gives the same answer.
    """
    index = pd.Index(pool if isinstance(pool, pd.Series | pd.Index) else list(pool)).unique()
    found = index.get_indexer(pd.Index(values)) >= 0
    return pd.Series(np.asarray(found, dtype=bool), index=values.index)
