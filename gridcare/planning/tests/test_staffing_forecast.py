"""The arrivals forecast (PLAN-1) on the demo halls' history: its rolling-origin backtest beats
the seasonal-naive baseline (same weekday last week), a year missing from the calendar does not
break it, and the weekday, month-edge and day-off effects come out of the history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from gridcare.core.calendar import is_working_day
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.demo import seed_customers
from gridcare.halls.demo import seed_halls, seed_history
from gridcare.halls.figures import EDGE_DAYS
from gridcare.org.demo import seed_org
from gridcare.org.models import Hall
from gridcare.planning.rules import forecast as rules
from gridcare.planning.selectors_staffing import forecast, hall_history

# Wednesday 2 December 2026, 11:00 in Shanghai: eight weeks of history back to 7 October, over
# the National Day holiday's end and the ends of October and November.
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, db: None) -> Hall:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    seed_org(password="Demo-pass-1")  # noqa: S106 - test data
    seed_halls()
    seed_customers(count=200, seed=1)
    seed_history(weeks=8, seed=1)
    return Hall.objects.get(code="H01")


def test_the_backtest_beats_the_seasonal_naive_baseline(demo: Hall) -> None:
    history = hall_history(demo, until=TODAY)
    test = rules.backtest(history.arrivals, is_working=is_working_day, edge_days=EDGE_DAYS, origins=10)
    assert test.origins == 10 and test.history_days == 40
    assert test.mape == pytest.approx(30.63, abs=0.01)
    assert test.naive_mape == pytest.approx(39.42, abs=0.01)
    assert test.ratio is not None and test.ratio < 0.8


def test_the_effects_of_the_demo_come_out_of_its_history(demo: Hall) -> None:
    history = hall_history(demo, until=TODAY)
    model = rules.fit(history.arrivals, is_working=is_working_day, edge_days=EDGE_DAYS)
    # payments and invoices 1.9 times as many at a month's edges, the rest 1.05 (halls.demo)
    assert model.month_end["payment"] > 1.5 and model.month_start["payment"] > 1.5
    assert 0.8 < model.month_end["consultation"] < 1.3
    assert model.after_off > 1.05  # the morning after a day off is busier
    # the forecast of a coming week, and of a year the calendar does not know (Mon-Fri open)
    coming = forecast(demo, first=date(2026, 12, 7), last=date(2026, 12, 13), today=TODAY)
    open_days = [d for d, counts in coming.days.items() if counts]
    assert open_days == [date(2026, 12, 7) + timedelta(days=n) for n in range(5)]
    far = forecast(demo, first=date(2099, 3, 6), last=date(2099, 3, 7), today=TODAY)  # a Friday, a Saturday
    assert bool(far.days[date(2099, 3, 6)]) and not far.days[date(2099, 3, 7)]
