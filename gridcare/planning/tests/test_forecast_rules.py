"""The forecast's rules (PLAN-1) on made-up histories whose effects are known exactly: the fit
finds them, the prediction applies them, days off are closed unless the history has open ones,
and the backtest reports the baseline's error and the ratio."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gridcare.planning.rules import forecast as rules


def weekdays(d: date) -> bool:
    return d.weekday() < 5


PROFILE = {18: 0.2, 19: 0.5, 20: 0.3}  # 09:00, 09:30, 10:00
WEEKDAY = {0: 1.2, 1: 1.0, 2: 0.9, 3: 0.9, 4: 1.0}


def day_counts(d: date) -> dict[tuple[str, int], float]:
    """Payments: 100 a day, × the weekday, × 2 on the last three days of a month."""
    traits = rules.traits(d, is_working=weekdays, edge_days=3)
    daily = 100 * WEEKDAY[d.weekday()] * (2 if traits.month_end else 1)
    return {("payment", slot): daily * share for slot, share in PROFILE.items()}


def history(first: date, last: date) -> dict[date, dict[tuple[str, int], float]]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return {d: day_counts(d) for d in days if weekdays(d)}


def test_the_fit_finds_the_effects_and_predicts_them() -> None:
    model = rules.fit(history(date(2026, 9, 7), date(2026, 11, 27)), is_working=weekdays, edge_days=3)
    # Monday is the day after a day off here: its 1.2 is the after-off effect, weekday 1 is the rest.
    monday = model.weekday[0] * model.after_off
    assert monday / model.weekday[1] == pytest.approx(1.2, rel=1e-3)
    assert model.weekday[2] / model.weekday[1] == pytest.approx(0.9, rel=1e-3)
    assert model.month_end["payment"] == pytest.approx(2.0, rel=1e-3)
    wednesday, month_end = date(2026, 12, 9), date(2026, 12, 30)
    for d in (wednesday, month_end):
        predicted = rules.predict(model, d, is_working=weekdays)
        for key, n in day_counts(d).items():
            assert predicted[key] == pytest.approx(n, rel=1e-3)
    assert rules.predict(model, date(2026, 12, 12), is_working=weekdays) == {}  # a Saturday: closed


def test_a_hall_open_on_days_off_is_forecast_then() -> None:
    past = history(date(2026, 10, 5), date(2026, 11, 27))
    saturdays = [date(2026, 11, 14), date(2026, 11, 21)]
    for d in saturdays:
        past[d] = {("payment", 19): 30.0}
    model = rules.fit(past, is_working=weekdays, edge_days=3)
    assert model.off_days > 0
    assert sum(rules.predict(model, date(2026, 12, 12), is_working=weekdays).values()) > 0


def test_the_backtest_of_a_noiseless_history_is_near_exact_and_beats_the_baseline() -> None:
    result = rules.backtest(history(date(2026, 9, 7), date(2026, 11, 30)), is_working=weekdays, edge_days=3)
    assert result.origins == 10 and result.history_days == 61
    assert result.mape is not None and result.mape < 5
    assert result.naive_mape is not None and result.naive_mape > result.mape  # the month's end is missed
    assert result.ratio == pytest.approx(result.mape / result.naive_mape)


def test_too_little_history_has_no_backtest() -> None:
    result = rules.backtest(history(date(2026, 11, 23), date(2026, 11, 27)), is_working=weekdays, edge_days=3)
    assert (result.mape, result.naive_mape, result.ratio, result.origins) == (None, None, None, 0)


def test_the_after_off_shape_counts_every_kind_of_a_half_hour_whatever_the_order() -> None:
    """The mornings after a day off are shaped by all kinds of each half hour together: a
    history whose days list their kinds in another order is the same history (PostgreSQL returns
    tickets in no fixed order)."""
    past: dict[date, dict[tuple[str, int], float]] = {}
    for d in (date(2026, 11, 2) + timedelta(days=n) for n in range(26)):
        if not weekdays(d):
            continue
        after = d.weekday() == 0  # Mondays follow the weekend: their mornings are busier
        past[d] = {
            ("payment", 18): 40.0 if after else 20.0,
            ("invoice", 18): 10.0,
            ("payment", 19): 20.0,
            ("invoice", 19): 10.0,
        }
    model = rules.fit(past, is_working=weekdays, edge_days=0)
    # Mondays have 50 of 80 at 09:00 (all days 680 of 1,280): payment's 480 of 880 and invoice's
    # 200 of 400 reshaped by (50/80)/(680/1,280) against (30/80)/(600/1,280), then normalised
    assert model.profile_after_off["payment"][18] == pytest.approx(0.6382978723404256)
    assert model.profile_after_off["invoice"][18] == pytest.approx(0.5952380952380952)
    reordered = {d: dict(reversed(list(counts.items()))) for d, counts in past.items()}
    again = rules.fit(reordered, is_working=weekdays, edge_days=0)
    assert again.profile_after_off == model.profile_after_off
    assert rules.backtest(reordered, is_working=weekdays, edge_days=0, origins=5) == rules.backtest(
        past, is_working=weekdays, edge_days=0, origins=5
    )
