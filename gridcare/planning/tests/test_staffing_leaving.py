"""The staffing plan's leaving figures (Erlang A, issue 17): per half hour the share of the
customers expected to leave unserved with the counters needed and with those open, reckoned with
the hall's own mean patience (the minutes customers waited over those who left), so a planner
sees what an under-staffed half hour costs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from gridcare.core.calendar import is_working_day
from gridcare.core.testing import City
from gridcare.halls.figures import EDGE_DAYS
from gridcare.halls.selectors import service_history
from gridcare.planning.rules import forecast as rules
from gridcare.planning.rules.queueing import erlang_a
from gridcare.planning.rules.staffing import slot_of
from gridcare.planning.selectors_staffing import hall_history, totals
from gridcare.planning.tests.test_staffing_plan import TODAY, hall, make  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_each_half_hour_has_the_erlang_a_leaving_of_its_counters(hall: City) -> None:  # noqa: F811
    plan = make(hall)
    recent = service_history(hall=hall.hall, since=TODAY - timedelta(days=90))
    assert recent.left > 0
    patience = recent.waited_minutes / recent.left
    assert plan.patience_minutes == Decimal(str(round(patience, 2)))
    history = hall_history(hall.hall, until=TODAY)
    model = rules.fit(history.arrivals, is_working=is_working_day, edge_days=EDGE_DAYS)
    known = 0
    for s in plan.slots.all():
        per_kind = {
            k: n
            for (k, slot), n in rules.predict(model, s.day, is_working=is_working_day).items()
            if slot == slot_of(s.slot)
        }
        arrivals = sum(per_kind.values())
        if arrivals:
            aht = sum(n * history.handling[k] for k, n in per_kind.items()) / arrivals
            exact = erlang_a(
                arrivals_per_hour=2 * arrivals,
                aht_seconds=aht,
                agents=s.needed,
                target_seconds=900,
                patience_seconds=60 * patience,
            )
            assert s.leaving_needed == Decimal(str(round(100 * exact.abandonment, 2)))
        assert s.leaving_needed is not None
        if s.arrivals == 0:
            assert s.leaving_needed == 0 and s.leaving_open in (None, Decimal(0))
            continue
        assert Decimal(0) <= s.leaving_needed <= Decimal(100)
        if s.open is None:
            assert s.leaving_open is None
            continue
        known += 1
        # the slot's handling time is the kinds' mix; fewer counters open than needed: more leave
        if s.open < s.needed:
            assert s.leaving_open is not None and s.leaving_open > s.leaving_needed
        if s.open == s.needed:
            assert s.leaving_open == s.leaving_needed
    assert known > 0
    sums = totals(plan)
    expected = sum(
        (s.arrivals * s.leaving_open / 100 for s in plan.slots.all() if s.leaving_open is not None), Decimal(0)
    )
    assert sums["leaving_open"] == expected.quantize(Decimal("0.1"))


def test_the_leaving_share_of_a_half_hour_is_erlang_a() -> None:
    from gridcare.planning.rules.staffing import leaving_share

    # 100 customers in the half hour (200 an hour) of 3 minutes, 5 minutes' patience, 13 counters
    share = leaving_share(arrivals=100, aht_seconds=180, counters=13, wait_target_seconds=900, patience_seconds=300)
    assert (
        share
        == erlang_a(
            arrivals_per_hour=200, aht_seconds=180, agents=13, target_seconds=900, patience_seconds=300
        ).abandonment
    )
    assert share == pytest.approx(0.02496, abs=1e-5)
    assert leaving_share(arrivals=0, aht_seconds=180, counters=0, wait_target_seconds=900, patience_seconds=300) == 0
    assert (
        leaving_share(arrivals=5, aht_seconds=180, counters=None, wait_target_seconds=900, patience_seconds=300) is None
    )
    assert (
        leaving_share(arrivals=5, aht_seconds=180, counters=2, wait_target_seconds=900, patience_seconds=None) is None
    )
    assert leaving_share(arrivals=5, aht_seconds=180, counters=0, wait_target_seconds=900, patience_seconds=300) == 1.0
