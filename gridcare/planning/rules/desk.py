"""The 95598 desk's staffing (issue 17, Erlang A): for each half hour's calls, the fewest agents
whose service level (calls answered within the target, those who hang up counting as not
answered) reaches the target with at most the allowed share hanging up, next to what Erlang C
(nobody hangs up) would ask for, and the figures the agents give. Pure: the calls come in as
numbers (the planner's forecast, or a past day's counts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridcare.planning.rules.queueing import agents_needed, agents_needed_a, erlang_a
from gridcare.planning.rules.staffing import HALF_HOUR_SECONDS


@dataclass(frozen=True)
class DeskTargets:
    aht_seconds: float  # talk and wrap-up of a call
    patience_seconds: float  # callers' mean patience before hanging up (exponential)
    target_seconds: float  # answered within (the service level's time)
    service_level: float  # share of calls answered within it, 0..1
    max_abandonment: float  # share of callers who may hang up, (0, 1]


@dataclass(frozen=True)
class DeskSlot:
    calls: float  # in the half hour
    agents: int  # Erlang A
    agents_erlang_c: int  # Erlang C, for comparison
    service_level: float  # with ``agents``
    abandonment: float
    mean_wait_seconds: float
    occupancy: float


def desk_slot(calls: float, targets: DeskTargets) -> DeskSlot:
    """One half hour's agents and figures."""
    per_hour = calls * 3600 / HALF_HOUR_SECONDS
    if calls <= 0:
        return DeskSlot(calls, 0, 0, 1.0, 0.0, 0.0, 0.0)
    ask = {
        "arrivals_per_hour": per_hour,
        "aht_seconds": targets.aht_seconds,
        "target_seconds": targets.target_seconds,
        "service_level": targets.service_level,
    }
    agents = agents_needed_a(**ask, patience_seconds=targets.patience_seconds, max_abandonment=targets.max_abandonment)
    figures = erlang_a(
        arrivals_per_hour=per_hour,
        aht_seconds=targets.aht_seconds,
        agents=agents,
        target_seconds=targets.target_seconds,
        patience_seconds=targets.patience_seconds,
    )
    return DeskSlot(
        calls=calls,
        agents=agents,
        agents_erlang_c=agents_needed(**ask),
        service_level=figures.service_level,
        abandonment=figures.abandonment,
        mean_wait_seconds=figures.mean_wait_seconds,
        occupancy=figures.occupancy,
    )


@dataclass(frozen=True)
class DeskPlan:
    slots: list[DeskSlot]
    agent_hours: float  # Erlang A's agents × half an hour, summed
    agent_hours_erlang_c: float
    calls: float
    abandoned: float  # callers expected to hang up
    service_level: float  # over the day: calls answered in time / calls


def desk_plan(calls: Sequence[float], targets: DeskTargets) -> DeskPlan:
    slots = [desk_slot(c, targets) for c in calls]
    total = sum(s.calls for s in slots)
    answered = sum(s.calls * s.service_level for s in slots)
    return DeskPlan(
        slots=slots,
        agent_hours=sum(s.agents for s in slots) / 2,
        agent_hours_erlang_c=sum(s.agents_erlang_c for s in slots) / 2,
        calls=total,
        abandoned=sum(s.calls * s.abandonment for s in slots),
        service_level=answered / total if total else 1.0,
    )
