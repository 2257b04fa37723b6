"""The assessment figures (ASSESS-2) from roll-up sums: pure arithmetic, no database.

Definitions, the same as the hall figures page (gridcare.halls.figures):
- waiting time: issued → first called, for every ticket that was called (served or not);
- handling time: called → finished, for every ticket served;
- the 90th percentile is the nearest rank (the smallest time with at least 90 % at or below);
- within target: the share of waiting times at or under the target (15 minutes by default);
- satisfaction rate: 非常满意 + 满意 over all evaluations;
- no-show rate: tickets called but not answered over all tickets; abandonment: tickets nobody
  called (the customer left) over all tickets;
- deadline compliance: deadlines met by their due time over all deadlines due in the period;
- call-back satisfaction: satisfied over call-backs that reached the customer.
Times are kept in whole microseconds, so sums of any rows give exactly the raw figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

MICROS_PER_MINUTE = 60_000_000

Times = npt.NDArray[np.int64]


def times_pack(micros: Iterable[int]) -> bytes:
    """Times (whole microseconds) as the roll-up stores them: sorted little-endian int64."""
    return np.sort(np.fromiter(micros, dtype="<i8")).tobytes()


def times_unpack(packed: bytes | memoryview) -> Times:
    return np.frombuffer(bytes(packed), dtype="<i8").astype(np.int64)


def merge(parts: Sequence[Times]) -> Times:
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.sort(np.concatenate(parts), kind="stable")


def nearest_rank(ordered: Times, share: float) -> int | None:
    """The nearest-rank percentile of sorted ``ordered`` (as gridcare.halls.rules.percentile)."""
    if len(ordered) == 0:
        return None
    rank = max(math.ceil(share * len(ordered)), 1)
    return int(ordered[rank - 1])


def _minutes(micros: float | None) -> float | None:
    return None if micros is None else micros / MICROS_PER_MINUTE


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Sums:
    """What roll-up rows add up to for one subject (a person, counter, hall, unit, company)."""

    tickets: int = 0
    served: int = 0
    no_show: int = 0
    abandoned: int = 0
    evaluated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    waits: list[Times] = field(default_factory=list)
    handles: list[Times] = field(default_factory=list)
    received: int = 0
    complaints: int = 0
    closed: int = 0
    deadlines_due: int = 0
    deadlines_met: int = 0
    callbacks_reached: int = 0
    callbacks_satisfied: int = 0
    verified: int = 0

    COUNTS = (
        "tickets",
        "served",
        "no_show",
        "abandoned",
        "evaluated",
        "satisfied",
        "dissatisfied",
        "received",
        "complaints",
        "closed",
        "deadlines_due",
        "deadlines_met",
        "callbacks_reached",
        "callbacks_satisfied",
        "verified",
    )

    def add(self, counts: dict[str, int], waits: Times | None = None, handles: Times | None = None) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + value)
        if waits is not None and len(waits):
            self.waits.append(waits)
        if handles is not None and len(handles):
            self.handles.append(handles)


@dataclass(frozen=True)
class Figures:
    """One subject's assessment figures for a period (None: nothing to compute it from)."""

    tickets: int
    served: int
    no_show: int
    abandoned: int
    evaluated: int
    satisfied: int
    dissatisfied: int
    wait_mean: float | None  # minutes
    wait_p90: float | None
    within_target: float | None  # share 0..1
    handle_mean: float | None
    handle_p90: float | None
    satisfaction_rate: float | None
    no_show_rate: float | None
    abandonment_rate: float | None
    received: int
    complaints: int
    closed: int
    deadlines_due: int
    deadlines_met: int
    deadline_rate: float | None
    callbacks_reached: int
    callbacks_satisfied: int
    callback_rate: float | None
    verified: int
    target_minutes: int

    def value(self, name: str) -> float | None:
        """A figure by its name (the star standards name the figure they rate)."""
        found = getattr(self, name)
        return None if found is None else float(found)


def figures(sums: Sums, *, target_minutes: int) -> Figures:
    waits, handles = merge(sums.waits), merge(sums.handles)
    target = target_minutes * MICROS_PER_MINUTE
    within = int(np.searchsorted(waits, target, side="right")) if len(waits) else 0
    return Figures(
        tickets=sums.tickets,
        served=sums.served,
        no_show=sums.no_show,
        abandoned=sums.abandoned,
        evaluated=sums.evaluated,
        satisfied=sums.satisfied,
        dissatisfied=sums.dissatisfied,
        wait_mean=_minutes(int(waits.sum()) / len(waits)) if len(waits) else None,
        wait_p90=_minutes(nearest_rank(waits, 0.9)),
        within_target=_share(within, len(waits)),
        handle_mean=_minutes(int(handles.sum()) / len(handles)) if len(handles) else None,
        handle_p90=_minutes(nearest_rank(handles, 0.9)),
        satisfaction_rate=_share(sums.satisfied, sums.evaluated),
        no_show_rate=_share(sums.no_show, sums.tickets),
        abandonment_rate=_share(sums.abandoned, sums.tickets),
        received=sums.received,
        complaints=sums.complaints,
        closed=sums.closed,
        deadlines_due=sums.deadlines_due,
        deadlines_met=sums.deadlines_met,
        deadline_rate=_share(sums.deadlines_met, sums.deadlines_due),
        callbacks_reached=sums.callbacks_reached,
        callbacks_satisfied=sums.callbacks_satisfied,
        callback_rate=_share(sums.callbacks_satisfied, sums.callbacks_reached),
        verified=sums.verified,
        target_minutes=target_minutes,
    )


# The figures a star standard may rate, and whether more is better (ASSESS-1).
FIGURE_DIRECTION: dict[str, str] = {
    "served": "higher",
    "wait_mean": "lower",
    "wait_p90": "lower",
    "within_target": "higher",
    "handle_mean": "lower",
    "handle_p90": "lower",
    "satisfaction_rate": "higher",
    "no_show_rate": "lower",
    "abandonment_rate": "lower",
    "received": "higher",
    "closed": "higher",
    "deadline_rate": "higher",
    "callback_rate": "higher",
    "verified": "lower",
    "complaints": "lower",
}
