"""Pace requests under 8x8's rate limits, so a collection rarely meets a 429.

8x8 allows 100 requests a minute and a burst of 20 per 10 seconds per API key, and reports
one window on every response (``x-ratelimit-limit``, ``-remaining``, ``-reset`` in Unix
seconds). One window's headers cannot keep a client under both limits, so the pacer also
keeps its own log of when each answer came back and, before a request, waits until every
documented window has room. Logging the *answer's* time is what makes this safe: the server
counted the request no later than that, so the client's view of a window is never more
generous than the server's. The headers then correct the log when someone else spends the
same key (``remaining`` hits 0 earlier than the log expects).

When a 429 comes anyway, the client waits until the reset the answer names, else backs off
2, 4, 8, 16 and 32 seconds (8x8's advice), and gives up after that many waits in a row.

Pure logic: the clock and ``sleep`` are injected, so this is tested without sockets or real
waits, and the benchmark runs it against limits scaled down in time.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Window:
    """At most ``limit`` requests in any ``seconds``-long stretch of time."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class Limits:
    """The documented rate limits, the backoff schedule, and the margin added to each wait.

    ``backoff`` serves both a 429 without a usable reset and a failed request (5xx, timeout,
    dropped connection); its length is how many times one request is retried.
    """

    windows: tuple[Window, ...] = (Window(100, 60.0), Window(20, 10.0))
    backoff: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0, 32.0)
    #: Added after a computed reset: clocks and rounding differ by a few milliseconds.
    margin: float = 0.05

    def scaled(self, factor: float) -> Limits:
        """The same limits with every duration multiplied by ``factor`` (tests, benchmarks)."""
        return replace(
            self,
            windows=tuple(Window(w.limit, w.seconds * factor) for w in self.windows),
            backoff=tuple(b * factor for b in self.backoff),
            margin=self.margin * factor,
        )

    @property
    def longest(self) -> float:
        """The longest window: no sensible wait for the rate limit is longer."""
        return max((w.seconds for w in self.windows), default=60.0)


#: 8x8's published limits for the Administration API.
DOCUMENTED = Limits()

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def _number(headers: Mapping[str, str] | None, name: str) -> float | None:
    if headers is None:
        return None
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Pacer:
    """Decides how long to wait before each request, and keeps count of the waiting."""

    def __init__(
        self,
        limits: Limits = DOCUMENTED,
        *,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._log: deque[float] = deque()
        self._blocked_until = 0.0
        self._throttled_in_a_row = 0
        #: How many times, and for how long in all, the client waited for the rate limit.
        self.waits = 0
        self.waited = 0.0
        #: How many 429 answers came back.
        self.throttled = 0

    def before_request(self) -> None:
        """Sleep until every window has room for one more request."""
        now = self._clock()
        until = self._blocked_until
        horizon = now - self.limits.longest
        while self._log and self._log[0] <= horizon:
            self._log.popleft()
        for window in self.limits.windows:
            recent = [t for t in self._log if t > now - window.seconds]
            if len(recent) >= window.limit:
                until = max(until, recent[-window.limit] + window.seconds + self.limits.margin)
        self._blocked_until = 0.0
        if until > now:
            self._wait(until - now)

    def record(self, headers: Mapping[str, str] | None) -> None:
        """Note one request's answer (``None``: no answer, but it may have been counted)."""
        now = self._clock()
        self._log.append(now)
        remaining = _number(headers, "x-ratelimit-remaining")
        if remaining is None:
            return
        if remaining > 0:
            self._blocked_until = 0.0
            return
        reset = self._reset_at(headers, now)
        if reset is None:
            self._blocked_until = 0.0
            return
        # A reset in whole Unix seconds may have been rounded up by up to a second; when the
        # zero is our own doing, the log's finer time wins, and the 429 path covers the rest.
        raw = (headers or {}).get("x-ratelimit-reset", "").strip()
        slack = 1.0 if raw.lstrip("-").isdigit() else 0.0
        self._blocked_until = reset - slack + self.limits.margin

    def answered(self) -> None:
        """A request got an answer other than 429: the run of 429s is over."""
        self._throttled_in_a_row = 0

    def throttled_wait(self, headers: Mapping[str, str] | None) -> bool:
        """After a 429: wait for the reset, else back off; False once the waits are spent."""
        self.throttled += 1
        attempt = self._throttled_in_a_row
        self._throttled_in_a_row += 1
        if attempt >= len(self.limits.backoff):
            return False
        now = self._clock()
        reset = self._reset_at(headers, now)
        retry_after = _number(headers, "retry-after")
        if reset is not None and reset > now:
            delay = reset - now + self.limits.margin
        elif retry_after is not None and retry_after > 0:
            delay = min(retry_after, self.limits.longest) + self.limits.margin
        else:
            delay = self.limits.backoff[attempt]
        self._blocked_until = 0.0
        self._wait(delay)
        return True

    def _reset_at(self, headers: Mapping[str, str] | None, now: float) -> float | None:
        """The reset as a Unix time, clamped to the longest window (clocks can be skewed)."""
        reset = _number(headers, "x-ratelimit-reset")
        if reset is None:
            return None
        if reset < 1e9:  # a count of seconds rather than a Unix time: be tolerant
            reset += now
        return min(reset, now + self.limits.longest)

    def _wait(self, seconds: float) -> None:
        self.waits += 1
        self.waited += seconds
        if self._on_wait is not None:
            self._on_wait()
        self._sleep(seconds)
