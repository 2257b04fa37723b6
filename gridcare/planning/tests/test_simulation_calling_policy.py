"""The simulation calls tickets by the halls' own calling policy (PLAN-2, one code path): fed the
same waiting tickets, the simulated counter calls them in the order the counter's "call next"
(``halls.rules.call_order`` at each moment a counter is free) calls them, priorities and ageing
included."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from gridcare.halls.rules import Waiting, call_order
from gridcare.planning.rules.simulation import PRIORITIES, HallDay, ServiceTimes, Tickets, run_hall_day

ORIGIN = datetime(2026, 1, 5, 9, 0)  # noqa: DTZ001 - only differences matter
AGEING = timedelta(minutes=20)


def halls_order(arrivals: list[float], classes: list[str], service: float, opens: float) -> list[int]:
    """What one counter calls, by the halls' rules: at every free moment the first in call_order."""
    waiting = [Waiting(i, classes[i], ORIGIN + timedelta(minutes=a)) for i, a in enumerate(arrivals)]
    called: list[int] = []
    at = opens
    while waiting:
        now = ORIGIN + timedelta(minutes=at)
        present = [w for w in waiting if arrivals[w.id] <= at]
        if not present:
            at = min(arrivals[w.id] for w in waiting)
            continue
        first = call_order(present, now=now, ageing=AGEING)[0]
        called.append(first.id)
        waiting.remove(first)
        at += service
    return called


def test_the_simulated_counter_calls_in_the_halls_order() -> None:
    rng = np.random.default_rng(4)
    count = 60
    arrivals = sorted(rng.uniform(0, 55, count).round(3).tolist())
    classes = rng.choice(PRIORITIES, size=count, p=[0.1, 0.15, 0.15, 0.6]).tolist()
    # No counter for the first 20 minutes, then one counter, 3 minutes a customer: the queue
    # grows long enough that normal tickets age past 20 minutes and jump the priority ones.
    day = HallDay(
        counters=(0,) + (1,) * 12,
        arrivals_per_hour=(0.0,) * 13,
        service=ServiceTimes(samples=(3.0,)),
        period_minutes=20,
        ageing_minutes=20,
    )
    tickets = Tickets(
        arrival=np.asarray(arrivals),
        service=np.full(count, 3.0),
        patience=np.full(count, np.inf),
        priority=np.asarray([PRIORITIES.index(c) for c in classes]),
    )
    outcome = run_hall_day(day, tickets, trace=True)
    expected = halls_order(arrivals, classes, service=3.0, opens=20.0)
    assert outcome.calls == expected
    assert len(expected) == count
    # Both the priorities and the ageing decided something: not simply first come, first served,
    # and not simply by class.
    assert expected != list(range(count))
    by_class = sorted(range(count), key=lambda i: (PRIORITIES.index(classes[i]), arrivals[i]))
    assert expected != by_class


def test_a_customer_who_left_is_never_called() -> None:
    day = HallDay(counters=(0, 1), arrivals_per_hour=(0.0, 0.0), service=ServiceTimes(samples=(5.0,)))
    tickets = Tickets(
        arrival=np.asarray([1.0, 2.0, 3.0]),
        service=np.full(3, 5.0),
        patience=np.asarray([np.inf, 30.0, np.inf]),  # the second leaves at minute 32
        priority=np.full(3, PRIORITIES.index("normal")),
    )
    outcome = run_hall_day(day, tickets, trace=True)
    assert outcome.calls == [0, 2]
    assert (outcome.served, outcome.abandoned, outcome.counted) == (2, 1, 3)
