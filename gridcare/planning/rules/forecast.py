"""The arrivals forecast of a hall (PLAN-1): arrivals per business type and half hour of coming
days, from the hall's own history. Pure: the history comes in as counts, the working-day
calendar as a function (``is_working``), so the same code runs on a hall and on a call centre's
series (benchmarks/planning_forecast.py).

The model is multiplicative, fitted by backfitting on the days' totals:

    arrivals(day, kind, slot) = level[kind] × weekday[day] × edge[kind, day] × after_off[day]
                                × profile[kind, slot] (the after-a-day-off profile on such days)

- ``weekday``: Monday … Sunday against the mean (all kinds together, the steadiest figure);
- ``edge``: the first and the last ``edge_days`` of a month (bills are paid then), per kind,
  month start and month end apart;
- ``after_off``: the first working day after a weekend or holiday (the backlog); its morning is
  busier, so such days have their own half-hour profile when the history has enough of them;
- a day that is no working day is forecast only when the history has open days off (a hall open
  on Saturdays); otherwise the hall is taken as closed then.

A year missing from the calendar does not stop anything: ``is_working`` answers Monday to Friday
for it (gridcare.core.calendar).

The backtest is rolling-origin: for each of the last ``origins`` days of the history, the model is
fitted on the days before it and forecasts it; the seasonal-naive baseline repeats the same
weekday of the week before. MAPE is over the half hours with arrivals (all kinds together, the
figure the staffing plan uses); ``ratio`` = MAPE / the baseline's MAPE (below 1: better)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

Slot = int  # the half hour of the day: 0 is 00:00-00:30, 17 is 08:30-09:00
Counts = Mapping[tuple[str, Slot], float]  # arrivals of one day per (business kind, half hour)
History = Mapping[date, Counts]  # the days the hall was open, each with its arrivals
IsWorking = Callable[[date], bool]

_ROUNDS = 5
_MIN_AFTER_OFF_DAYS = 2


@dataclass(frozen=True)
class Traits:
    weekday: int
    working: bool
    month_start: bool
    month_end: bool
    after_off: bool


def traits(day: date, *, is_working: IsWorking, edge_days: int) -> Traits:
    last = calendar.monthrange(day.year, day.month)[1]
    return Traits(
        weekday=day.weekday(),
        working=is_working(day),
        month_start=day.day <= edge_days,
        month_end=day.day > last - edge_days,
        after_off=not is_working(day - timedelta(days=1)),
    )


@dataclass(frozen=True)
class Model:
    level: dict[str, float]
    weekday: dict[int, float]
    month_start: dict[str, float]
    month_end: dict[str, float]
    after_off: float
    off_days: float  # a day off's arrivals against a working day's; 0: closed on days off
    profile: dict[str, dict[Slot, float]]
    profile_after_off: dict[str, dict[Slot, float]]
    edge_days: int


def _mean(values: Iterable[float], default: float = 1.0) -> float:
    found = list(values)
    return sum(found) / len(found) if found else default


def _totals(history: History) -> dict[date, dict[str, float]]:
    out: dict[date, dict[str, float]] = {}
    for day, counts in history.items():
        per: dict[str, float] = defaultdict(float)
        for (kind, _slot), n in counts.items():
            per[kind] += n
        out[day] = dict(per)
    return out


def _profiles(history: History, days: list[date], kinds: list[str]) -> dict[str, dict[Slot, float]]:
    sums: dict[str, dict[Slot, float]] = {k: defaultdict(float) for k in kinds}
    for day in days:
        for (kind, slot), n in history[day].items():
            sums[kind][slot] += n
    out = {}
    for kind, by_slot in sums.items():
        total = sum(by_slot.values())
        out[kind] = {s: n / total for s, n in sorted(by_slot.items())} if total else {}
    return out


def _after_off_profiles(
    history: History, after: list[date], all_days: list[date], kinds: list[str], profile: dict[str, dict[Slot, float]]
) -> dict[str, dict[Slot, float]]:
    """Each kind's profile reshaped by the after-a-day-off days' shape of all kinds together
    (kinds have too few such days each to have their own)."""
    if len(after) < _MIN_AFTER_OFF_DAYS:
        return profile
    together = {d: {("*", s): n for s, n in slot_totals(history[d]).items()} for d in all_days}
    pooled = _profiles(together, all_days, ["*"])["*"]
    shaped = _profiles(together, after, ["*"])["*"]
    out = {}
    for kind in kinds:
        raw = {
            s: share * (shaped.get(s, 0.0) / pooled[s] if pooled.get(s) else 1.0) for s, share in profile[kind].items()
        }
        total = sum(raw.values())
        out[kind] = {s: v / total for s, v in raw.items()} if total else profile[kind]
    return out


def fit(history: History, *, is_working: IsWorking, edge_days: int) -> Model:
    """The model of ``history`` (at least one working day)."""
    facts = {d: traits(d, is_working=is_working, edge_days=edge_days) for d in history}
    working = sorted(d for d in history if facts[d].working)
    if not working:
        raise ValueError("the history has no working day")
    totals = _totals(history)
    kinds = sorted({k for d in history for k in totals[d]})
    level = {k: _mean((totals[d].get(k, 0.0) for d in working), 0.0) for k in kinds}
    weekday = {w: 1.0 for w in range(7)}
    start = {k: 1.0 for k in kinds}
    end = {k: 1.0 for k in kinds}
    after_off = 1.0

    def edge(k: str, d: date) -> float:
        f = facts[d]
        return start[k] if f.month_start else end[k] if f.month_end else 1.0

    def effects(k: str, d: date, *, skip: str = "") -> float:
        value = edge(k, d) if skip != "edge" else 1.0
        if skip != "weekday":
            value *= weekday[facts[d].weekday]
        if skip != "after" and facts[d].after_off:
            value *= after_off
        return value

    def expected(k: str, d: date, *, skip: str = "") -> float:
        return level[k] * effects(k, d, skip=skip)

    for _round in range(_ROUNDS):
        for k in kinds:
            level[k] = _mean((totals[d].get(k, 0.0) / (effects(k, d) or 1.0) for d in working), 0.0)
        all_kinds = [k for k in kinds if level[k] > 0]

        def ratio(d: date, skip: str, chosen: list[str] = all_kinds) -> float:
            want = sum(expected(k, d, skip=skip) for k in chosen)
            return sum(totals[d].get(k, 0.0) for k in chosen) / want if want else 1.0

        for w in range(7):
            weekday[w] = _mean(ratio(d, "weekday") for d in working if facts[d].weekday == w)
        seen = [w for w in range(7) if any(facts[d].weekday == w for d in working)]
        norm = _mean(weekday[w] for w in seen)
        weekday = {w: f / norm for w, f in weekday.items()}
        after_off = _mean(ratio(d, "after") for d in working if facts[d].after_off)
        for k in all_kinds:
            for table, flag in ((start, "month_start"), (end, "month_end")):
                days = [d for d in working if getattr(facts[d], flag)]
                table[k] = _mean(totals[d].get(k, 0.0) / expected(k, d, skip="edge") for d in days) if level[k] else 1.0
    off = [d for d in history if not facts[d].working]
    plain = _mean((sum(totals[d].values()) for d in working), 0.0)
    off_days = _mean((sum(totals[d].values()) for d in off), 0.0) / plain if off and plain else 0.0
    profile = _profiles(history, sorted(history), kinds)
    after_days = [d for d in working if facts[d].after_off]
    return Model(
        level=level,
        weekday=weekday,
        month_start=start,
        month_end=end,
        after_off=after_off,
        off_days=off_days,
        profile=profile,
        profile_after_off=_after_off_profiles(history, after_days, working, kinds, profile),
        edge_days=edge_days,
    )


def predict(model: Model, day: date, *, is_working: IsWorking) -> dict[tuple[str, Slot], float]:
    """The forecast arrivals of ``day`` per (kind, half hour); empty when the hall is closed."""
    f = traits(day, is_working=is_working, edge_days=model.edge_days)
    scale = model.weekday.get(f.weekday, 1.0)
    if not f.working:
        if not model.off_days:
            return {}
        scale = model.off_days
    if f.working and f.after_off:
        scale *= model.after_off
    profiles = model.profile_after_off if f.working and f.after_off else model.profile
    out = {}
    for kind, level in model.level.items():
        daily = level * scale
        if f.working:
            daily *= model.month_start[kind] if f.month_start else model.month_end[kind] if f.month_end else 1.0
        for slot, share in profiles.get(kind, {}).items():
            out[(kind, slot)] = daily * share
    return out


def slot_totals(counts: Counts) -> dict[Slot, float]:
    """A day's arrivals per half hour, all kinds together."""
    out: dict[Slot, float] = defaultdict(float)
    for (_kind, slot), n in counts.items():
        out[slot] += n
    return dict(out)


@dataclass(frozen=True)
class Backtest:
    mape: float | None  # percent; None: too little history to test
    naive_mape: float | None
    ratio: float | None
    origins: int  # the days forecast
    history_days: int

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "mape": None if self.mape is None else round(self.mape, 2),
            "naive_mape": None if self.naive_mape is None else round(self.naive_mape, 2),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "origins": self.origins,
            "history_days": self.history_days,
        }


def _ape(actual: Mapping[Slot, float], forecast: Mapping[Slot, float]) -> list[float]:
    return [abs(a - forecast.get(s, 0.0)) / a for s, a in actual.items() if a > 0]


def backtest(
    history: History, *, is_working: IsWorking, edge_days: int, origins: int = 10, min_training_days: int = 10
) -> Backtest:
    """Rolling-origin backtest of ``fit``/``predict`` against the seasonal-naive baseline (the
    same weekday a week before); an origin without that day is skipped."""
    days = sorted(history)
    model_errors: list[float] = []
    naive_errors: list[float] = []
    tested = 0
    for origin in days[-origins:]:
        training = {d: history[d] for d in days if d < origin}
        week_before = origin - timedelta(days=7)
        if len(training) < min_training_days or week_before not in history:
            continue
        if not any(is_working(d) for d in training):
            continue
        actual = slot_totals(history[origin])
        model = fit(training, is_working=is_working, edge_days=edge_days)
        model_errors += _ape(actual, slot_totals(predict(model, origin, is_working=is_working)))
        naive_errors += _ape(actual, slot_totals(history[week_before]))
        tested += 1
    if not model_errors or not naive_errors:
        return Backtest(None, None, None, 0, len(days))
    mape, naive = 100 * _mean(model_errors), 100 * _mean(naive_errors)
    return Backtest(mape, naive, mape / naive if naive else None, tested, len(days))
