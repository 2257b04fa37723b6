"""The pace of one gateway connection, on a fake clock."""

from __future__ import annotations

import bisect

from hypothesis import given
from hypothesis import strategies as st

from gridcare.notices.services.sender import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def sends(pacer: Pacer, clock: FakeClock, delays: list[float]) -> list[float]:
    """Send one message per delay: the connection spends ``delay`` seconds on each (or the
    thread is woken that late)."""
    stamps = []
    for delay in delays:
        pacer.wait()
        stamps.append(clock.now)
        clock.now += delay
    return stamps


def busiest_second(stamps: list[float]) -> int:
    return max(bisect.bisect_left(stamps, t + 1.0) - i for i, t in enumerate(stamps))


def test_a_fast_connection_is_held_to_its_rate_evenly_spaced() -> None:
    clock = FakeClock()
    stamps = sends(Pacer(100, clock=clock, sleep=clock.sleep), clock, [0.001] * 300)
    assert busiest_second(stamps) == 100
    assert round(stamps[-1] - stamps[0], 6) == 3.0  # 299 gaps of 10 ms, plus 5 ms margin per full window


def test_after_a_pause_the_connection_does_not_burst() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)
    sends(pacer, clock, [0.001] * 10)
    clock.now += 60
    stamps = sends(pacer, clock, [0.001] * 20)
    assert busiest_second(stamps) == 10


@given(st.lists(st.floats(min_value=0, max_value=0.05), min_size=1, max_size=400), st.integers(1, 120))
def test_no_one_second_window_ever_holds_more_than_the_rate(delays: list[float], rate: int) -> None:
    clock = FakeClock()
    stamps = sends(Pacer(rate, clock=clock, sleep=clock.sleep), clock, delays)
    assert busiest_second(stamps) <= rate


def test_a_thread_woken_late_catches_up_within_the_cap() -> None:
    clock = FakeClock()
    pacer = Pacer(100, clock=clock, sleep=clock.sleep)
    # Every tenth message the thread is woken 30 ms late.
    stamps = sends(pacer, clock, [0.03 if i % 10 == 0 else 0.001 for i in range(500)])
    assert busiest_second(stamps) <= 100
    assert len(stamps) / (stamps[-1] - stamps[0] + 0.01) > 95
