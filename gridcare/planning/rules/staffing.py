"""The staffing plan's arithmetic (PLAN-1), pure: the counters a half hour needs for its forecast
arrivals, the self-service lever, and the under- and over-staffed periods against the counters
open. The service (planning.services.staffing) reads the history and writes the plan."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time

from gridcare.planning.rules.queueing import agents_for_wait, agents_needed, erlang_a

HALF_HOUR_SECONDS = 1800
# The business a self-service terminal of each kind does (halls.TerminalKind → halls.Kind): the
# diversion lever takes its share off these kinds' arrivals only.
TERMINAL_BUSINESS: dict[str, frozenset[str]] = {
    "payment": frozenset({"payment"}),
    "invoice": frozenset({"invoice"}),
    "all_in_one": frozenset({"payment", "invoice", "consultation"}),
}


def divertible_kinds(terminal_kinds: Iterable[str]) -> frozenset[str]:
    """The business kinds the hall's working terminals can do."""
    return frozenset().union(*(TERMINAL_BUSINESS.get(k, frozenset()) for k in terminal_kinds))


def after_diversion(arrivals: Mapping[str, float], *, divertible: frozenset[str], share: float) -> dict[str, float]:
    """The arrivals per kind that still come to a counter when ``share`` (0..1) of the divertible
    kinds' customers use a terminal."""
    return {k: n * (1 - share) if k in divertible else n for k, n in arrivals.items()}


def mean_handling_seconds(arrivals: Mapping[str, float], handling: Mapping[str, float]) -> float:
    """The half hour's handling time: the kinds' times weighted by their arrivals."""
    total = sum(n for k, n in arrivals.items() if k in handling)
    if not total:
        return 0.0
    return sum(n * handling[k] for k, n in arrivals.items() if k in handling) / total


def counters_needed(*, arrivals: float, aht_seconds: float, wait_target_seconds: float, share_within: float) -> int:
    """The fewest counters for one half hour's ``arrivals`` so that the mean wait is at most
    ``wait_target_seconds`` and ``share_within`` (0..1) are called within it (Erlang C)."""
    if arrivals <= 0 or aht_seconds <= 0:
        return 0
    per_hour = arrivals * 3600 / HALF_HOUR_SECONDS
    return max(
        agents_needed(
            arrivals_per_hour=per_hour,
            aht_seconds=aht_seconds,
            target_seconds=wait_target_seconds,
            service_level=share_within,
        ),
        agents_for_wait(arrivals_per_hour=per_hour, aht_seconds=aht_seconds, asa_seconds=wait_target_seconds),
    )


def leaving_share(
    *,
    arrivals: float,
    aht_seconds: float,
    counters: int | None,
    wait_target_seconds: float,
    patience_seconds: float | None,
) -> float | None:
    """The share (0..1) of one half hour's customers who leave unserved at ``counters`` open, by
    Erlang A with the customers' mean patience; None when the counters or the patience are not
    known. Nobody coming: nobody leaves; customers and no counter: everybody does."""
    if counters is None or patience_seconds is None:
        return None
    if arrivals <= 0 or aht_seconds <= 0:
        return 0.0
    return erlang_a(
        arrivals_per_hour=arrivals * 3600 / HALF_HOUR_SECONDS,
        aht_seconds=aht_seconds,
        agents=counters,
        target_seconds=wait_target_seconds,
        patience_seconds=patience_seconds,
    ).abandonment


def slot_start(slot: int) -> time:
    """The clock time a half hour starts at (the end of the day's last one: 23:59)."""
    if slot >= 48:
        return time(23, 59)
    return time(slot // 2, 30 * (slot % 2))


def slot_of(moment: time) -> int:
    return moment.hour * 2 + moment.minute // 30


def opening_slots(opens_at: time, closes_at: time) -> list[int]:
    """The half hours a hall is open (one that starts before closing time counts)."""
    first = slot_of(opens_at)
    last = math.ceil((closes_at.hour * 60 + closes_at.minute) / 30)
    return list(range(first, last))


@dataclass(frozen=True)
class Period:
    """Consecutive half hours of one day with too few (``under``) or too many counters open."""

    day: date
    starts: time
    ends: time
    under: bool
    worst: int  # the largest gap in counters


def periods(rows: Iterable[tuple[date, int, int, int | None]]) -> list[Period]:
    """The under- and over-staffed runs of (day, slot, needed, open) rows (in order); a row whose
    open counters are not known is no part of either."""
    out: list[Period] = []
    run: list[tuple[date, int, int]] = []  # (day, slot, gap)

    def close() -> None:
        if run:
            day, first, gap = run[0]
            out.append(
                Period(day, slot_start(first), slot_start(run[-1][1] + 1), gap > 0, max(abs(g) for *_x, g in run))
            )
            run.clear()

    for day, slot, needed, open_ in rows:
        gap = 0 if open_ is None else needed - open_
        if run and (gap == 0 or run[-1][0] != day or run[-1][1] != slot - 1 or (gap > 0) != (run[-1][2] > 0)):
            close()
        if gap:
            run.append((day, slot, gap))
    close()
    return out
