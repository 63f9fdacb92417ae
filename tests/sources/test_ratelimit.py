"""The pacer: waits only when a window is full or the server says so, with a fake clock."""

from __future__ import annotations

import pytest

from auditor.sources.ratelimit import DOCUMENTED, Limits, Pacer, Window
from tests.helpers.clock import FakeClock


def pacer(clock: FakeClock, limits: Limits = DOCUMENTED) -> Pacer:
    return Pacer(limits, clock=clock, sleep=clock.sleep)


def send(p: Pacer, clock: FakeClock, headers: dict[str, str] | None = None) -> None:
    p.before_request()
    clock.now += 0.01  # the request takes 10 ms
    p.record(headers or {})


def test_no_wait_below_both_limits() -> None:
    clock = FakeClock()
    p = pacer(clock)
    for _ in range(20):
        send(p, clock)
    assert clock.slept == []
    assert p.waits == 0


def test_the_21st_request_in_ten_seconds_waits_for_the_burst_window() -> None:
    clock = FakeClock()
    p = pacer(clock)
    start = clock.now
    for _ in range(21):
        send(p, clock)
    assert len(clock.slept) == 1
    # The first answer came back at start + 0.01; it leaves the window 10 s later.
    assert clock.now - 0.01 == pytest.approx(start + 0.01 + 10 + DOCUMENTED.margin)
    assert p.waits == 1
    assert p.waited == pytest.approx(clock.slept[0])


def test_a_minute_holds_at_most_100_requests_and_the_pace_is_the_minimum() -> None:
    clock = FakeClock()
    p = pacer(clock)
    start = clock.now
    sent: list[float] = []
    for _ in range(201):
        p.before_request()
        sent.append(clock.now)
        clock.now += 0.001
        p.record({})
    for i, t in enumerate(sent):
        assert sum(1 for u in sent[: i + 1] if u > t - 60) <= 100
        assert sum(1 for u in sent[: i + 1] if u > t - 10) <= 20
    # Bursts of 20 every 10 s, five per minute: request 200 goes at about 120 s.
    assert sent[200] - start == pytest.approx(120, abs=1)


def test_remaining_zero_waits_until_the_reset() -> None:
    clock = FakeClock()
    p = pacer(clock)
    reset = clock.now + 7.25
    send(p, clock, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": f"{reset:.3f}"})
    p.before_request()
    assert clock.now == pytest.approx(reset + DOCUMENTED.margin, abs=1e-3)
    assert p.waits == 1


def test_a_reset_in_whole_seconds_is_trusted_to_the_second() -> None:
    clock = FakeClock()
    p = pacer(clock)
    reset = clock.now + 7
    send(p, clock, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": f"{reset:.0f}"})
    p.before_request()
    # It may have been rounded up: wait until a second before, the 429 path covers the rest.
    assert clock.now == pytest.approx(reset - 1 + DOCUMENTED.margin, abs=1e-3)


def test_a_reset_in_the_far_future_is_clamped_to_the_longest_window() -> None:
    clock = FakeClock()
    p = pacer(clock)
    send(p, clock, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(clock.now + 86_400)})
    p.before_request()
    assert clock.slept[0] <= 60 + DOCUMENTED.margin


def test_remaining_left_means_no_wait_and_garbage_headers_are_ignored() -> None:
    clock = FakeClock()
    p = pacer(clock)
    send(p, clock, {"x-ratelimit-remaining": "5", "x-ratelimit-reset": str(clock.now + 30)})
    send(p, clock, {"x-ratelimit-remaining": "soon", "x-ratelimit-reset": "nan"})
    p.before_request()
    assert clock.slept == []


def test_429_waits_for_the_reset_else_backs_off_and_gives_up() -> None:
    clock = FakeClock()
    p = pacer(clock)
    assert p.throttled_wait({"x-ratelimit-reset": str(clock.now + 3)})
    assert clock.slept == [pytest.approx(3 + DOCUMENTED.margin)]
    clock.slept.clear()
    while p.throttled_wait({}):
        pass
    assert clock.slept == [4.0, 8.0, 16.0, 32.0]
    assert p.throttled == 6


def test_an_answer_ends_the_run_of_429s() -> None:
    clock = FakeClock()
    p = pacer(clock)
    assert p.throttled_wait(None)
    p.answered()
    assert p.throttled_wait(None)
    assert clock.slept == [2.0, 2.0]


def test_scaled_limits_and_wait_callback() -> None:
    clock = FakeClock()
    seen: list[int] = []
    limits = Limits(windows=(Window(2, 10.0),)).scaled(0.01)
    p = Pacer(limits, clock=clock, sleep=clock.sleep, on_wait=lambda: seen.append(1))
    for _ in range(3):
        send(p, clock)
    assert limits.windows[0].seconds == pytest.approx(0.1)
    assert limits.backoff[0] == pytest.approx(0.02)
    assert seen == [1]
