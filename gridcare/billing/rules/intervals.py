"""Interval (load-curve) data summed into a month's peak/flat/valley kWh (BILL-2).

An interval belongs to the time-of-use band that contains its start, in Beijing time. A band
runs from ``starts`` (inclusive) to ``ends`` (exclusive); a band whose end is not after its start
runs past midnight (谷 22:00-08:00), and an end of 23:59:59 means midnight. A time in no band is
flat (平段 is "the rest of the day")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal

DAY = 86_400
DEFAULT_STEP = timedelta(minutes=15)  # 96 points a day, the usual metering interval


@dataclass(frozen=True)
class Band:
    kind: str  # "peak", "flat" or "valley"
    starts: time
    ends: time


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def band_kind(at: time, bands: Sequence[Band]) -> str:
    """The band containing the time of day ``at``; "flat" when none does."""
    s = _seconds(at)
    for band in bands:
        a, b = _seconds(band.starts), _seconds(band.ends)
        b = DAY if b == DAY - 1 else b
        inside = (a <= s < b) if a < b else (s >= a or s < b)
        if inside:
            return band.kind
    return "flat"


@dataclass
class IntervalSummary:
    kwh: dict[str, Decimal]
    step: timedelta
    missing: int = 0  # intervals absent from the period (gaps)
    overlapping: list[datetime] = field(default_factory=list)  # starts inside the previous interval

    @property
    def total(self) -> Decimal:
        return sum(self.kwh.values(), Decimal(0))


def interval_step(starts: Sequence[datetime]) -> timedelta:
    """The series' interval length: the most common distance between consecutive starts."""
    steps = Counter(b - a for a, b in zip(starts, starts[1:], strict=False) if b > a)
    return steps.most_common(1)[0][0] if steps else DEFAULT_STEP


def summarise_intervals(
    intervals: Sequence[tuple[datetime, Decimal]],
    *,
    period_start: datetime,
    period_end: datetime,
    bands: Sequence[Band],
    tz: tzinfo,
) -> IntervalSummary:
    """kWh per band of the intervals starting in [period_start, period_end), with the gaps
    (missing intervals, counted in steps) and the overlapping starts found on the way."""
    rows = sorted((start, kwh) for start, kwh in intervals if period_start <= start < period_end)
    if any(kwh < 0 for _, kwh in rows):
        raise ValueError("interval usage cannot be negative")
    starts = [start for start, _ in rows]
    summary = IntervalSummary(
        kwh={"peak": Decimal(0), "flat": Decimal(0), "valley": Decimal(0)}, step=interval_step(starts)
    )
    step = summary.step
    if not rows:
        summary.missing = (period_end - period_start) // step
        return summary
    # An interval starting inside the previous regular one overlaps it; a start after the
    # previous one's end leaves (distance // step) intervals missing.
    summary.missing = (starts[0] - period_start) // step
    last_end = starts[0] + step
    for start in starts[1:]:
        if start < last_end:
            summary.overlapping.append(start)
            continue
        summary.missing += (start - last_end) // step
        last_end = start + step
    summary.missing += (period_end - last_end) // step
    for start, kwh in rows:
        summary.kwh[band_kind(start.astimezone(tz).time(), bands)] += kwh
    return summary
