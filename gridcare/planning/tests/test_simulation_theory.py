"""The simulated hall day against queueing theory (PLAN-2): with exponential service, Poisson
arrivals, one priority class and nobody leaving, the simulation is an M/M/c queue, so its long
runs must contain the textbook figures in their 95% intervals. The theory is the queueing rules'
``erlang_c`` (through the Erlang-B recursion), and for M/M/1 the closed form Wq = ρ/(μ−λ).

Each run is 10 replications of 400 hours after a 20-hour warm-up (about 20,000 customers a
replication at M/M/6; near ρ = 0.83 shorter runs are still correlated with their start), so the
intervals are narrow (±0.1–0.3 min) and the check is sharp; the
seeds are fixed, so the answer is the same on every machine."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from gridcare.planning.rules.queueing import erlang_c
from gridcare.planning.rules.simulation import HallDay, ServiceTimes, simulate

HOURS = 400


def steady(*, counters: int, per_hour: float, mean_minutes: float) -> HallDay:
    return HallDay(
        counters=(counters,) * HOURS,
        arrivals_per_hour=(per_hour,) * HOURS,
        service=ServiceTimes(mean_minutes=mean_minutes),
        warmup_minutes=20 * 60,
    )


def test_one_counter_waits_as_m_m_1() -> None:
    # λ = 6 an hour, μ = 10 an hour (6 minutes): ρ = 0.6, Wq = 0.6 / (10 − 6) h = 9 minutes,
    # P(Wq ≤ 15 min) = 1 − ρ·e^{−(μ−λ)·0.25 h} = 1 − 0.6·e^{−1}.
    result = simulate(steady(counters=1, per_hour=6, mean_minutes=6), replications=10, seed=11)
    wait = result.mean_wait_minutes
    assert wait.low <= 9.0 <= wait.high, wait
    assert wait.high - wait.low < 3.0
    within = 1 - 0.6 * math.exp(-1)
    assert result.share_within_15.low <= within <= result.share_within_15.high, result.share_within_15
    assert result.utilisation.low <= 0.6 <= result.utilisation.high, result.utilisation
    assert result.abandonment_share.mean == 0.0


@pytest.mark.parametrize(("counters", "per_hour", "mean_minutes", "seed"), [(2, 16, 6, 3), (6, 50, 6, 1)])
def test_several_counters_wait_as_erlang_c(counters: int, per_hour: float, mean_minutes: float, seed: int) -> None:
    theory = erlang_c(arrivals_per_hour=per_hour, aht_seconds=mean_minutes * 60, agents=counters, target_seconds=900)
    result = simulate(
        steady(counters=counters, per_hour=per_hour, mean_minutes=mean_minutes), replications=10, seed=seed
    )
    wait = result.mean_wait_minutes
    assert wait.low <= theory.asa_seconds / 60 <= wait.high, (wait, theory)
    # The share called within 15 minutes is Erlang C's service level at 900 s.
    assert result.share_within_15.low <= theory.service_level <= result.share_within_15.high
    assert result.utilisation.low <= theory.occupancy <= result.utilisation.high


def test_the_same_seed_gives_the_same_day_and_another_seed_another() -> None:
    day = HallDay(counters=(3,) * 9, arrivals_per_hour=(20.0,) * 9, service=ServiceTimes(mean_minutes=8))
    first, again = simulate(day, replications=5, seed=7), simulate(day, replications=5, seed=7)
    assert first == again
    assert simulate(day, replications=5, seed=8).mean_wait_minutes != first.mean_wait_minutes


def test_customers_who_run_out_of_patience_leave_and_diverted_ones_never_queue() -> None:
    day = HallDay(
        counters=(1,) * 9, arrivals_per_hour=(12.0,) * 9, service=ServiceTimes(mean_minutes=6), patience_minutes=5
    )
    patient = simulate(replace(day, patience_minutes=None), replications=10, seed=2)
    impatient = simulate(day, replications=10, seed=2)
    assert patient.abandonment_share.mean == 0.0 and impatient.abandonment_share.mean > 0.1
    assert impatient.mean_wait_minutes.mean < patient.mean_wait_minutes.mean
    diverted = simulate(replace(day, diversion_share=0.5), replications=10, seed=2)
    assert diverted.customers == pytest.approx(impatient.customers / 2, rel=0.1)


def test_a_closed_counter_hour_and_the_queue_served_after_closing() -> None:
    # Nobody serves in the second hour: its customers wait for the third hour's counter.
    day = HallDay(counters=(2, 0, 2), arrivals_per_hour=(6.0, 6.0, 0.0), service=ServiceTimes(mean_minutes=1))
    result = simulate(day, replications=20, seed=5)
    first, second, third = result.wait_by_period
    assert first is not None and first < 1 and second is not None and 20 < second < 40 and third is None
    assert result.abandonment_share.mean == 0.0
    assert result.utilisation.high <= 1.0
