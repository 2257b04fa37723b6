"""Queueing figures for halls and the 95598 desk (PLAN-1): Erlang C (M/M/c, nobody leaves) and
Erlang A (M/M/c+M, customers leave after an exponential patience). Pure functions, no database.

Units: arrivals per hour, handling and target times in seconds. The figures are the steady state
of the half hour or hour they are asked for (the usual workforce-planning approximation).

Erlang C is computed through the Erlang-B recursion ``B(k) = A·B(k-1) / (k + A·B(k-1))``, which
never forms ``A^c/c!`` and stays exact to thousands of agents. When the agents cannot carry the
load (``agents <= A``, A = arrivals × handling time) the queue grows without end: ``p_wait`` is 1,
``service_level`` 0, ``asa_seconds`` infinite and ``occupancy`` 1.

Erlang A is computed from its birth-death chain (Palm; Garnett, Mandelbaum and Reiman 2002): the
stationary probabilities are built as ratios of neighbours (no factorials), the queue is
followed until its states are negligible; a waiting customer's chance to be served within the
target comes from the pure-death chain of the customers ahead of it (uniformised, Poisson weights
in log space). With patience → ∞ it gives Erlang C's figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_HOUR = 3600.0
_NEGLIGIBLE = 1e-13
_MAX_QUEUE = 200_000  # states of the Erlang-A queue followed at most


@dataclass(frozen=True)
class ErlangC:
    """The figures of ``agents`` serving Poisson arrivals (M/M/c).

    ``p_wait``: the share of arrivals that wait at all; ``service_level``: the share answered
    within the target; ``asa_seconds``: the mean wait of all arrivals (average speed of answer);
    ``occupancy``: the share of the agents' time spent serving."""

    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


@dataclass(frozen=True)
class ErlangA:
    """The figures of ``agents`` serving Poisson arrivals who leave after an exponential patience
    (M/M/c+M). ``service_level``: the share of all arrivals served within the target (those who
    leave count as not served); ``abandonment``: the share who leave before being served;
    ``mean_wait_seconds``: the mean time in the queue of all arrivals (served or not);
    ``occupancy``: the share of the agents' time spent serving."""

    p_wait: float
    service_level: float
    abandonment: float
    mean_wait_seconds: float
    occupancy: float


def _check(arrivals_per_hour: float, aht_seconds: float, agents: int, target_seconds: float) -> None:
    if not (math.isfinite(arrivals_per_hour) and arrivals_per_hour >= 0):
        raise ValueError("arrivals_per_hour must be a number >= 0")
    if not (math.isfinite(aht_seconds) and aht_seconds > 0):
        raise ValueError("aht_seconds must be a number > 0")
    if agents < 0:
        raise ValueError("agents must be >= 0")
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        raise ValueError("target_seconds must be a number >= 0")


def erlang_b(load: float, agents: int) -> float:
    """The blocking probability of ``agents`` servers offered ``load`` erlangs (the recursion)."""
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def _c_from_b(b: float, load: float, agents: int) -> float:
    rho = load / agents
    return b / (1 - rho * (1 - b))


def _erlang_c_figures(load: float, agents: int, aht_seconds: float, target_seconds: float, b: float) -> ErlangC:
    if load == 0:
        return ErlangC(p_wait=0.0, service_level=1.0, asa_seconds=0.0, occupancy=0.0)
    if agents <= load:
        return ErlangC(p_wait=1.0, service_level=0.0, asa_seconds=math.inf, occupancy=1.0)
    c = min(1.0, _c_from_b(b, load, agents))
    spare = agents - load
    return ErlangC(
        p_wait=c,
        service_level=max(0.0, 1 - c * math.exp(-spare * target_seconds / aht_seconds)),
        asa_seconds=c * aht_seconds / spare,
        occupancy=load / agents,
    )


def erlang_c(*, arrivals_per_hour: float, aht_seconds: float, agents: int, target_seconds: float) -> ErlangC:
    """Erlang C for ``agents`` (see the module doc for the overloaded case)."""
    _check(arrivals_per_hour, aht_seconds, agents, target_seconds)
    load = arrivals_per_hour * aht_seconds / _HOUR
    return _erlang_c_figures(load, agents, aht_seconds, target_seconds, erlang_b(load, agents))


def agents_needed(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float = 1.0,
) -> int:
    """The fewest agents whose Erlang-C service level reaches ``service_level`` (a share, 0..1)
    and whose occupancy stays at or under ``max_occupancy``; 0 when nobody comes."""
    _check(arrivals_per_hour, aht_seconds, 0, target_seconds)
    if not 0 <= service_level < 1:
        raise ValueError("service_level must be a share in [0, 1)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be a share in (0, 1]")
    load = arrivals_per_hour * aht_seconds / _HOUR
    if load == 0:
        return 0
    b, agents = 1.0, 0
    while True:
        agents += 1
        b = load * b / (agents + load * b)
        if agents <= load or load / agents > max_occupancy:
            continue
        if _erlang_c_figures(load, agents, aht_seconds, target_seconds, b).service_level >= service_level:
            return agents


def agents_for_wait(*, arrivals_per_hour: float, aht_seconds: float, asa_seconds: float) -> int:
    """The fewest agents whose Erlang-C mean wait (all arrivals) is at most ``asa_seconds``."""
    _check(arrivals_per_hour, aht_seconds, 0, asa_seconds)
    load = arrivals_per_hour * aht_seconds / _HOUR
    if load == 0:
        return 0
    b, agents = 1.0, 0
    while True:
        agents += 1
        b = load * b / (agents + load * b)
        if agents > load and _erlang_c_figures(load, agents, aht_seconds, 0, b).asa_seconds <= asa_seconds:
            return agents


# -- Erlang A --------------------------------------------------------------------------------


def _queue_ratios(arrival: float, serving: float, patience_rate: float) -> list[float]:
    """π(c+m)/π(c) for m = 0, 1, …, until negligible (the chain's queue part)."""
    ratios = [1.0]
    m = 0
    while m < _MAX_QUEUE:
        m += 1
        ratio = ratios[-1] * arrival / (serving + m * patience_rate)
        ratios.append(ratio)
        if ratio < _NEGLIGIBLE and arrival < serving + m * patience_rate:
            break
    return ratios


def _served_within(weights: list[float], serving: float, patience_rate: float, t: float) -> float:
    """Σ_m weights[m] · P(a customer with m ahead in the queue is served within t): the customers
    ahead leave at rate ``serving + k·patience_rate`` (k ahead), the customer itself at
    ``patience_rate``; uniformised at the highest rate."""
    top = len(weights) - 1
    rate = serving + top * patience_rate + patience_rate
    if t <= 0 or rate == 0:
        return 0.0
    mean = rate * t
    last = int(mean + 12 * math.sqrt(mean) + 30)
    state = list(weights)
    served, total = 0.0, 0.0
    log_mean = math.log(mean)
    for n in range(last + 1):
        total += math.exp(n * log_mean - mean - math.lgamma(n + 1)) * served
        moved = [0.0] * len(state)
        step_served = 0.0
        for k, mass in enumerate(state):
            if mass == 0.0:
                continue
            ahead = (serving + k * patience_rate) / rate
            stay = 1 - ahead - patience_rate / rate
            moved[k] += mass * stay
            if k == 0:
                step_served += mass * ahead
            else:
                moved[k - 1] += mass * ahead
        served += step_served
        state = moved
    # the Poisson tail beyond ``last`` is negligible; what was served by then is counted whole
    tail = 1.0 - sum(math.exp(n * log_mean - mean - math.lgamma(n + 1)) for n in range(last + 1))
    return total + max(0.0, tail) * served


def erlang_a(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float,
) -> ErlangA:
    """Erlang A for ``agents`` whose customers leave after a mean patience of
    ``patience_seconds`` (``math.inf``: nobody leaves, Erlang C's figures when it is stable)."""
    _check(arrivals_per_hour, aht_seconds, agents, target_seconds)
    if not patience_seconds > 0:
        raise ValueError("patience_seconds must be > 0")
    if math.isinf(patience_seconds):
        c = erlang_c(
            arrivals_per_hour=arrivals_per_hour, aht_seconds=aht_seconds, agents=agents, target_seconds=target_seconds
        )
        return ErlangA(c.p_wait, c.service_level, 0.0, c.asa_seconds, c.occupancy)
    arrival = arrivals_per_hour / _HOUR
    mu, theta = 1 / aht_seconds, 1 / patience_seconds
    if arrival == 0:
        return ErlangA(p_wait=0.0, service_level=1.0, abandonment=0.0, mean_wait_seconds=0.0, occupancy=0.0)
    if agents == 0:
        return ErlangA(
            p_wait=1.0, service_level=0.0, abandonment=1.0, mean_wait_seconds=patience_seconds, occupancy=0.0
        )
    load = arrival / mu
    # Σ π(n)/π(c) over n < c is (1 - B)/B with B Erlang B's blocking of c servers: no factorials.
    b = erlang_b(load, agents)
    if b == 0.0:  # so many agents that nobody waits
        return ErlangA(p_wait=0.0, service_level=1.0, abandonment=0.0, mean_wait_seconds=0.0, occupancy=load / agents)
    below = (1 - b) / b
    queue = _queue_ratios(arrival, agents * mu, theta)
    waiting_mass = sum(queue)
    norm = below + waiting_mass
    p_wait = waiting_mass / norm
    queue_length = sum(m * q for m, q in enumerate(queue)) / norm
    busy = (arrival - theta * queue_length) / mu  # the served arrivals' load
    weights = [q / norm for q in queue]
    within = _served_within(weights, agents * mu, theta, target_seconds)
    return ErlangA(
        p_wait=p_wait,
        service_level=min(1.0, (1 - p_wait) + within),
        abandonment=theta * queue_length / arrival,
        mean_wait_seconds=queue_length / arrival,
        occupancy=min(1.0, busy / agents),
    )


def agents_needed_a(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    patience_seconds: float,
    max_abandonment: float = 1.0,
) -> int:
    """The fewest agents whose Erlang-A figures reach ``service_level`` (the share of all
    arrivals served within the target, those who leave counting as not served) with at most
    ``max_abandonment`` (a share) leaving; 0 when nobody comes. Never more than Erlang C asks for
    the same service level (leaving shortens the queue), so the search is a bisection below it."""
    _check(arrivals_per_hour, aht_seconds, 0, target_seconds)
    if not 0 <= service_level < 1:
        raise ValueError("service_level must be a share in [0, 1)")
    if not 0 < max_abandonment <= 1:
        raise ValueError("max_abandonment must be a share in (0, 1]")
    if arrivals_per_hour * aht_seconds == 0:
        return 0

    def enough(agents: int) -> bool:
        found = erlang_a(
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht_seconds,
            agents=agents,
            target_seconds=target_seconds,
            patience_seconds=patience_seconds,
        )
        return found.service_level >= service_level and found.abandonment <= max_abandonment

    high = agents_needed(
        arrivals_per_hour=arrivals_per_hour,
        aht_seconds=aht_seconds,
        target_seconds=target_seconds,
        service_level=service_level,
    )
    while not enough(high):  # only for an abandonment cap stricter than Erlang C's staffing gives
        high *= 2
    low = 0  # never enough: nobody is served without an agent
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high
