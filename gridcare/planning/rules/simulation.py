"""The simulated hall day (PLAN-2): a discrete-event simulation of one hall's counters.

Customers arrive as a non-homogeneous Poisson process (a constant rate in each period, so the
arrivals of a period are a Poisson count spread uniformly over it), a share of them goes to the
self-service terminals instead, the rest take a ticket of a priority class and wait. A counter
that becomes free calls the next ticket by the halls' own calling order: the key is
``gridcare.halls.rules.call_order_key`` (priorities and ageing), applied to the first present
ticket of each priority class, whose minimum is the minimum over all waiting tickets (within a
class the key orders by arrival, and an aged ticket is older than every later one of its class).
A waiting customer leaves when their patience runs out (exponential); service times are drawn
from the hall's recorded handling times (empirical) or from an exponential. The counters open in
each period follow the schedule: when fewer are open, a counter finishes its customer and closes;
after the last period nobody new arrives and the counters of the last period serve whoever still
waits (a hall serves the tickets it issued).

Each replication is one day with its own random stream (``numpy.random.SeedSequence(seed)``
spawned), so a result is reproducible from the seed; the figures of the replications give means
and 95% confidence intervals (Student's t). Pure code: no database.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy import stats

from gridcare.halls.rules import PRIORITY_RANK, Waiting, call_order_key

# The priority classes, in the halls' order (index = the class of a simulated ticket).
PRIORITIES: tuple[str, ...] = tuple(sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__))
NORMAL = PRIORITIES.index("normal")
WITHIN_MINUTES = 15.0
# The clock of the simulated day (its date is immaterial: only differences are compared).
_ORIGIN = datetime(2026, 1, 5, 9, 0)  # noqa: DTZ001 - a naive clock of differences only


@dataclass(frozen=True)
class ServiceTimes:
    """Service (handling) minutes: resampled from ``samples`` (empirical) when there are any,
    else exponential with ``mean_minutes``."""

    mean_minutes: float = 10.0
    samples: tuple[float, ...] = ()

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        if self.samples:
            return rng.choice(np.asarray(self.samples, dtype=float), size=count)
        return rng.exponential(self.mean_minutes, size=count)

    @property
    def mean(self) -> float:
        return float(np.mean(self.samples)) if self.samples else self.mean_minutes


@dataclass(frozen=True)
class HallDay:
    """One day of a hall as the simulation runs it. Period ``k`` is the minutes
    ``[k·period, (k+1)·period)`` after opening; ``warmup_minutes`` run before opening with the
    first period's rate and counters and are not counted (for steady-state runs)."""

    counters: tuple[int, ...]
    arrivals_per_hour: tuple[float, ...]
    service: ServiceTimes
    period_minutes: float = 60.0
    warmup_minutes: float = 0.0
    patience_minutes: float | None = None  # mean patience; None: nobody leaves
    diversion_share: float = 0.0  # of the arrivals, who use the self-service terminals instead
    priority_shares: tuple[float, ...] = tuple(1.0 if p == "normal" else 0.0 for p in PRIORITIES)
    ageing_minutes: float = 20.0

    @property
    def minutes(self) -> float:
        return len(self.counters) * self.period_minutes


@dataclass(frozen=True)
class Tickets:
    """One day's customers, in arrival order: arrival minute (negative in the warm-up), service
    minutes, patience minutes (``inf``: stays) and priority class (an index of PRIORITIES)."""

    arrival: np.ndarray
    service: np.ndarray
    patience: np.ndarray
    priority: np.ndarray


@dataclass
class DayOutcome:
    """What one simulated day gave, for the customers who arrived after the warm-up."""

    counted: int = 0
    served: int = 0
    abandoned: int = 0
    within: int = 0  # served within WITHIN_MINUTES
    wait_sum: float = 0.0  # minutes, of the served
    busy_minutes: float = 0.0  # counter-minutes spent serving within the opening hours
    open_minutes: float = 0.0  # counter-minutes open within the opening hours
    period_wait: list[float] = field(default_factory=list)  # wait sums by period of arrival
    period_served: list[int] = field(default_factory=list)
    calls: list[int] | None = None  # the tickets in the order they were called (when traced)

    @property
    def mean_wait(self) -> float:
        return self.wait_sum / self.served if self.served else 0.0

    @property
    def within_share(self) -> float:
        return self.within / self.counted if self.counted else 1.0

    @property
    def abandonment_share(self) -> float:
        return self.abandoned / self.counted if self.counted else 0.0

    @property
    def utilisation(self) -> float:
        return self.busy_minutes / self.open_minutes if self.open_minutes else 0.0


def hall_day_tickets(day: HallDay, rng: np.random.Generator) -> Tickets:
    """Draw one day's customers: a Poisson count per period (the warm-up is one more period at
    the first rate), uniform times within it, self-service diverted away."""
    spans = [(-day.warmup_minutes, 0.0, day.arrivals_per_hour[0])] if day.warmup_minutes > 0 else []
    spans += [
        (k * day.period_minutes, (k + 1) * day.period_minutes, rate) for k, rate in enumerate(day.arrivals_per_hour)
    ]
    stay = 1.0 - day.diversion_share
    parts = [
        np.sort(rng.uniform(start, end, rng.poisson(max(rate, 0.0) * stay * (end - start) / 60.0)))
        for start, end, rate in spans
    ]
    arrival = np.concatenate(parts) if parts else np.zeros(0)
    count = len(arrival)
    shares = np.asarray(day.priority_shares, dtype=float)
    if day.patience_minutes is None:
        patience = np.full(count, math.inf)
    else:
        patience = rng.exponential(day.patience_minutes, size=count)
    return Tickets(
        arrival=arrival,
        service=day.service.draw(rng, count),
        patience=patience,
        priority=rng.choice(len(PRIORITIES), size=count, p=shares / shares.sum()),
    )


class _Hall:
    """The state of one simulated day: the counters busy, the completions, the queues."""

    def __init__(self, day: HallDay, tickets: Tickets, *, trace: bool) -> None:
        self.day = day
        self.arrival: list[float] = tickets.arrival.tolist()
        self.service: list[float] = tickets.service.tolist()
        self.leaves: list[float] = (tickets.arrival + tickets.patience).tolist()
        self.priority: list[int] = tickets.priority.tolist()
        self.ageing = timedelta(minutes=day.ageing_minutes)
        self.queues: list[deque[Waiting]] = [deque() for _ in PRIORITIES]
        self.done: list[float] = []
        self.busy = 0
        self.capacity = day.counters[0]
        periods = len(day.counters)
        self.out = DayOutcome(period_wait=[0.0] * periods, period_served=[0] * periods, calls=[] if trace else None)
        self.out.open_minutes = float(sum(day.counters)) * day.period_minutes

    def start(self, ticket: int, at: float) -> None:
        """``ticket`` is called at minute ``at`` by a free counter."""
        self.busy += 1
        ends = at + self.service[ticket]
        heapq.heappush(self.done, ends)
        self.out.busy_minutes += max(0.0, min(ends, self.day.minutes) - max(at, 0.0))
        if self.out.calls is not None:
            self.out.calls.append(ticket)
        arrived = self.arrival[ticket]
        if arrived < 0:
            return  # a warm-up customer: not counted
        wait = at - arrived
        out = self.out
        out.served += 1
        out.wait_sum += wait
        out.within += wait <= WITHIN_MINUTES
        period = min(int(arrived // self.day.period_minutes), len(out.period_wait) - 1)
        out.period_wait[period] += wait
        out.period_served[period] += 1

    def call_next(self, at: float) -> bool:
        """A free counter calls the next present ticket by the halls' calling order."""
        best: Waiting | None = None
        best_key = None
        now = _ORIGIN + timedelta(minutes=at)
        for queue in self.queues:
            while queue and self.leaves[queue[0].id] <= at:
                self.left(queue.popleft().id)
            if queue:
                key = call_order_key(queue[0], now=now, ageing=self.ageing)
                if best_key is None or key < best_key:
                    best, best_key = queue[0], key
        if best is None:
            return False
        self.queues[self.priority[best.id]].popleft()
        self.start(best.id, at)
        return True

    def left(self, ticket: int) -> None:
        if self.arrival[ticket] >= 0:
            self.out.abandoned += 1

    def arrive(self, ticket: int, at: float) -> None:
        if self.arrival[ticket] >= 0:
            self.out.counted += 1
        if self.busy < self.capacity:
            self.start(ticket, at)  # a counter is free, so nobody present waits
            return
        issued = _ORIGIN + timedelta(minutes=at)
        self.queues[self.priority[ticket]].append(Waiting(ticket, PRIORITIES[self.priority[ticket]], issued))

    def finish(self, at: float) -> None:
        heapq.heappop(self.done)
        self.busy -= 1
        if self.busy < self.capacity:
            self.call_next(at)

    def open_counters(self, counters: int, at: float) -> None:
        self.capacity = counters
        while self.busy < self.capacity and self.call_next(at):
            pass

    def run(self) -> DayOutcome:
        day = self.day
        changes = [(k * day.period_minutes, day.counters[k]) for k in range(1, len(day.counters))]
        arrival, count, done, inf = self.arrival, len(self.arrival), self.done, math.inf
        i = c = 0
        while True:
            ta = arrival[i] if i < count else inf
            td = done[0] if done else inf
            tc = changes[c][0] if c < len(changes) else inf
            if td <= ta and td <= tc:
                if td == inf:
                    break
                self.finish(td)  # a counter frees before an arrival or a change at the same minute
            elif tc <= ta:
                self.open_counters(changes[c][1], tc)
                c += 1
            else:
                self.arrive(i, ta)
                i += 1
        for queue in self.queues:  # nobody left to serve them: they leave unserved
            for waiting in queue:
                self.left(waiting.id)
        return self.out


def run_hall_day(day: HallDay, tickets: Tickets, *, trace: bool = False) -> DayOutcome:
    """Run the given customers through the day's counters (``trace``: record the call order)."""
    if len(tickets.arrival) and float(np.min(np.diff(tickets.arrival), initial=0.0)) < 0:
        raise ValueError("tickets must be in arrival order")
    return _Hall(day, tickets, trace=trace).run()


@dataclass(frozen=True)
class Estimate:
    """A figure's mean over the replications and its 95% confidence interval."""

    mean: float
    low: float
    high: float


def estimate(values: Sequence[float]) -> Estimate:
    """Mean and the t-interval at 95% (one value: the interval is the value itself)."""
    data = np.asarray(values, dtype=float)
    centre = float(data.mean())
    if len(data) < 2:
        return Estimate(centre, centre, centre)
    half = float(stats.t.ppf(0.975, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return Estimate(centre, centre - half, centre + half)


@dataclass(frozen=True)
class SimulationResult:
    replications: int
    seed: int
    mean_wait_minutes: Estimate
    share_within_15: Estimate
    abandonment_share: Estimate
    utilisation: Estimate
    customers: float  # counted customers per replication (all its days), on average
    period_minutes: float
    wait_by_period: tuple[float | None, ...]  # mean wait of the served, by period of arrival
    day_waits: tuple[float, ...] = ()  # mean wait of each day, over the replications
    day_abandonment: tuple[float, ...] = ()  # abandonment share of each day, over the replications


def pooled(outcomes: Sequence[DayOutcome]) -> DayOutcome:
    """Several days' outcomes as one (a replication of a plan's days); periods by their index."""
    periods = max((len(o.period_wait) for o in outcomes), default=0)
    total = DayOutcome(period_wait=[0.0] * periods, period_served=[0] * periods)
    for o in outcomes:
        total.counted += o.counted
        total.served += o.served
        total.abandoned += o.abandoned
        total.within += o.within
        total.wait_sum += o.wait_sum
        total.busy_minutes += o.busy_minutes
        total.open_minutes += o.open_minutes
        for k, (wait, served) in enumerate(zip(o.period_wait, o.period_served, strict=True)):
            total.period_wait[k] += wait
            total.period_served[k] += served
    return total


def simulate(day: HallDay, *, replications: int, seed: int) -> SimulationResult:
    """``replications`` independent days, each from its own stream of ``seed``."""
    return simulate_days([day], replications=replications, seed=seed)


def simulate_days(days: Sequence[HallDay], *, replications: int, seed: int) -> SimulationResult:
    """``replications`` independent runs of the ``days`` (each run one stream of ``seed``); a
    run's figures pool its days, so the intervals are over independent runs."""
    runs: list[list[DayOutcome]] = []
    for stream in np.random.SeedSequence(seed).spawn(replications):
        rng = np.random.default_rng(stream)
        runs.append([run_hall_day(day, hall_day_tickets(day, rng)) for day in days])
    totals = [pooled(run) for run in runs]
    everything = pooled(totals)
    return SimulationResult(
        replications=replications,
        seed=seed,
        mean_wait_minutes=estimate([t.mean_wait for t in totals]),
        share_within_15=estimate([t.within_share for t in totals]),
        abandonment_share=estimate([t.abandonment_share for t in totals]),
        utilisation=estimate([t.utilisation for t in totals]),
        customers=float(np.mean([t.counted for t in totals])),
        period_minutes=days[0].period_minutes,
        wait_by_period=tuple(
            w / n if n else None for w, n in zip(everything.period_wait, everything.period_served, strict=True)
        ),
        day_waits=tuple(float(np.mean([run[k].mean_wait for run in runs])) for k in range(len(days))),
        day_abandonment=tuple(float(np.mean([run[k].abandonment_share for run in runs])) for k in range(len(days))),
    )


def exponential_patience(*, waited_minutes: float, left: int) -> float | None:
    """The maximum-likelihood mean of an exponential patience from a hall's history: all the
    minutes customers spent waiting (those served are censored at their wait), divided by the
    number who left unserved; None when nobody left (no abandonment to model)."""
    return waited_minutes / left if left > 0 else None
