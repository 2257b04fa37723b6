"""The simulated hall day (PLAN-2): a simulated month of a 6-counter hall (22 working days of
9 hours, a morning and an afternoon peak, long-tailed handling times, four priority classes
called by the halls' policy with ageing, exponential patience, 10% self-service diversion),
timed end to end through ``gridcare.planning.rules.simulation.simulate`` (target: under 2 s),
and the same days (the very same customers) run through our event loop and through the same
model written in SimPy, in the same run: both times, their ratio and both mean waits.

    .venv/bin/python benchmarks/planning.py [--days 22] [--repeat 3]

No database (Django is set up for the halls' rules only)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATES = (28.0, 40.0, 44.0, 36.0, 26.0, 32.0, 42.0, 38.0, 24.0)  # customers an hour, 09:00–18:00
SHARES = {"vip": 0.05, "elderly": 0.10, "appointment": 0.10, "normal": 0.75}


def month_day(days: int) -> object:
    import numpy as np

    from gridcare.planning.rules.simulation import PRIORITIES, HallDay, ServiceTimes

    # A hall's handling minutes: lognormal, mean ≈ 7.5 min, a long right tail (as recorded).
    samples = np.random.default_rng(0).lognormal(mean=1.85, sigma=0.6, size=2000).round(2)
    return HallDay(
        counters=(6,) * len(RATES),
        arrivals_per_hour=RATES,
        service=ServiceTimes(samples=tuple(samples.tolist())),
        patience_minutes=30.0,
        diversion_share=0.10,
        priority_shares=tuple(SHARES[p] for p in PRIORITIES),
        ageing_minutes=20.0,
    )


def simpy_day(day: object, tickets: object) -> tuple[int, float, int]:
    """The same model in SimPy: an arrival process, one process per counter that calls by the
    halls' key (first present ticket of each class, the least key), counters open per hour,
    customers who ran out of patience skipped. Returns (served, total wait, abandoned)."""
    import simpy

    from gridcare.halls.rules import Waiting, call_order_key
    from gridcare.planning.rules.simulation import _ORIGIN, PRIORITIES

    env = simpy.Environment()
    arrival, service = tickets.arrival.tolist(), tickets.service.tolist()  # type: ignore[attr-defined]
    leaves = (tickets.arrival + tickets.patience).tolist()  # type: ignore[attr-defined]
    priority = tickets.priority.tolist()  # type: ignore[attr-defined]
    period, counters = day.period_minutes, day.counters  # type: ignore[attr-defined]
    ageing = timedelta(minutes=day.ageing_minutes)  # type: ignore[attr-defined]
    queues: list[deque[Waiting]] = [deque() for _ in PRIORITIES]
    state = {"wake": env.event(), "arrived": False, "served": 0, "wait": 0.0, "left": 0}

    def capacity(at: float) -> int:
        return counters[min(int(at // period), len(counters) - 1)]

    def next_change(at: float) -> float:
        k = int(at // period) + 1
        return k * period if k < len(counters) else float("inf")

    def arrivals():  # type: ignore[no-untyped-def]
        for i, at in enumerate(arrival):
            yield env.timeout(at - env.now)
            queues[priority[i]].append(Waiting(i, PRIORITIES[priority[i]], _ORIGIN + timedelta(minutes=at)))
            wake, state["wake"] = state["wake"], env.event()
            wake.succeed()
        state["arrived"] = True

    def pick(at: float) -> int | None:
        best, best_key = None, None
        now = _ORIGIN + timedelta(minutes=at)
        for queue in queues:
            while queue and leaves[queue[0].id] <= at:
                queue.popleft()
                state["left"] += 1
            if queue:
                key = call_order_key(queue[0], now=now, ageing=ageing)
                if best_key is None or key < best_key:
                    best, best_key = queue[0], key
        if best is None:
            return None
        queues[priority[best.id]].popleft()
        return best.id

    def counter(k: int):  # type: ignore[no-untyped-def]
        while True:
            at = env.now
            if k >= capacity(at):
                change = next_change(at)
                if change == float("inf"):
                    return
                yield env.timeout(change - at)
                continue
            ticket = pick(at)
            if ticket is None:
                if state["arrived"] and not any(queues):
                    return
                change = next_change(at)
                waits = [state["wake"]] if change == float("inf") else [state["wake"], env.timeout(change - at)]
                yield env.any_of(waits)
                continue
            state["served"] += 1
            state["wait"] += at - arrival[ticket]
            yield env.timeout(service[ticket])

    env.process(arrivals())
    for k in range(max(counters)):
        env.process(counter(k))
    env.run()
    left = state["left"] + sum(len(q) for q in queues)
    return int(state["served"]), float(state["wait"]), int(left)


def ours_day(day: object, tickets: object) -> tuple[int, float, int]:
    from gridcare.planning.rules.simulation import run_hall_day

    out = run_hall_day(day, tickets)  # type: ignore[arg-type]
    return out.served, out.wait_sum, out.abandoned


def timed(work, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=22, help="working days of the month")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best time is kept")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import numpy as np

    from benchmarks._setup import machine
    from gridcare.planning.rules.simulation import hall_day_tickets, simulate

    day = month_day(args.days)
    month, result = timed(lambda: simulate(day, replications=args.days, seed=2026), args.repeat)
    streams = np.random.SeedSequence(2026).spawn(args.days)
    tickets = [hall_day_tickets(day, np.random.default_rng(s)) for s in streams]  # type: ignore[arg-type]
    customers = sum(len(t.arrival) for t in tickets)
    ours, mine = timed(lambda: [ours_day(day, t) for t in tickets], args.repeat)
    theirs, simpys = timed(lambda: [simpy_day(day, t) for t in tickets], args.repeat)

    def mean_wait(rows: object) -> float:
        served = sum(r[0] for r in rows)  # type: ignore[attr-defined]
        return sum(r[1] for r in rows) / served  # type: ignore[attr-defined]

    def left(rows: object) -> float:
        return sum(r[2] for r in rows) / customers  # type: ignore[attr-defined]

    print(f"machine: {machine()}")
    print(f"month: {args.days} days x 9 h, 6 counters, {customers} customers")
    print(
        f"simulate() end to end: {month:.3f} s (target < 2 s); mean wait {result.mean_wait_minutes.mean:.2f} min "  # type: ignore[attr-defined]
        f"[{result.mean_wait_minutes.low:.2f}, {result.mean_wait_minutes.high:.2f}]"  # type: ignore[attr-defined]
    )
    print(f"event loop, same customers: ours {ours:.3f} s, SimPy {theirs:.3f} s, ratio SimPy/ours {theirs / ours:.1f}")
    print(
        f"mean wait: ours {mean_wait(mine):.3f} min, SimPy {mean_wait(simpys):.3f} min; "
        f"left unserved: ours {left(mine):.4f}, SimPy {left(simpys):.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
