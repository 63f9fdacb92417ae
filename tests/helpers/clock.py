"""A fake clock for the rate limiter, the client and the fake 8x8: time moves only on a sleep."""

from __future__ import annotations


class FakeClock:
    """A clock that only moves when someone sleeps (or a request takes time)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
