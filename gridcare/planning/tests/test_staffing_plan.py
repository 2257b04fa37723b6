"""The staffing plan (PLAN-1): counters needed per half hour from the forecast and the targets
(exactly ``counters_needed`` of the forecast arrivals), compared with the roster or the hall's
history, saved once however often it is asked, adopted only after its simulation, superseding
the earlier adopted plan of the same hall and days."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.core.calendar import is_working_day
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.demo import configure_hall, seed_history
from gridcare.halls.figures import EDGE_DAYS
from gridcare.org.access import scope_for
from gridcare.planning.events import PlanningEventType
from gridcare.planning.exceptions import PlanConflict, PlanRefused
from gridcare.planning.models import PlanningEvent, PlanStatus, Roster, StaffingPlan, StaffingSlot
from gridcare.planning.rules import forecast as rules
from gridcare.planning.rules.queueing import agents_for_wait, agents_needed
from gridcare.planning.rules.staffing import TERMINAL_BUSINESS, opening_slots, slot_of
from gridcare.planning.selectors_staffing import hall_history
from gridcare.planning.services.staffing import PlanAsk, plan_adopt, plan_create, roster_save

# Wednesday 2 December 2026 in Shanghai; the plan is for Monday 7 and Tuesday 8 December.
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
MONDAY, TUESDAY = date(2026, 12, 7), date(2026, 12, 8)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(town: City, monkeypatch: pytest.MonkeyPatch) -> City:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    configure_hall(town.hall)
    seed_history(weeks=4, seed=3)
    return town


def make(town: City, **ask: object) -> StaffingPlan:
    planner = town.users["planner"]
    wanted = {"first_day": MONDAY, "last_day": TUESDAY, **ask}
    return plan_create(scope=scope_for(planner), actor=planner, hall=town.hall, ask=PlanAsk(**wanted))  # type: ignore[arg-type]


def test_the_needed_counters_are_erlang_c_of_the_forecast(hall: City) -> None:
    plan = make(hall, share_target_percent="85", diversion_percent="40")
    history = hall_history(hall.hall, until=TODAY)
    model = rules.fit(history.arrivals, is_working=is_working_day, edge_days=EDGE_DAYS)
    divertible = TERMINAL_BUSINESS["payment"] | TERMINAL_BUSINESS["all_in_one"]
    slots = list(plan.slots.all())
    assert len(slots) == 2 * len(opening_slots(hall.hall.opens_at, hall.hall.closes_at)) == 36
    for s in slots:
        counts = rules.predict(model, s.day, is_working=is_working_day)
        per_kind = {
            k: n * (0.6 if k in divertible else 1) for (k, slot), n in counts.items() if slot == slot_of(s.slot)
        }
        arrivals = sum(per_kind.values())
        aht = sum(n * history.handling[k] for k, n in per_kind.items()) / arrivals
        per_hour = arrivals * 2
        expected = max(
            agents_needed(arrivals_per_hour=per_hour, aht_seconds=aht, target_seconds=900, service_level=0.85),
            agents_for_wait(arrivals_per_hour=per_hour, aht_seconds=aht, asa_seconds=900),
        )
        assert s.arrivals == Decimal(str(round(arrivals, 2)))
        assert s.needed == expected
    assert (plan.wait_target_minutes, plan.share_target_percent, plan.diversion_percent) == (
        15,
        Decimal("85.00"),
        Decimal("40.00"),
    )
    assert plan.forecast["origins"] > 0 and plan.forecast["ratio"] is not None


def test_the_same_plan_asked_twice_is_one_plan(hall: City) -> None:
    first = make(hall)
    again = make(hall)
    assert again.pk == first.pk
    assert StaffingPlan.objects.count() == 1
    assert PlanningEvent.objects.filter(type=PlanningEventType.PLAN_CREATED).count() == 1
    other = make(hall, diversion_percent="10")
    assert other.pk != first.pk and StaffingPlan.objects.count() == 2


def test_the_roster_is_what_the_plan_compares_with(hall: City) -> None:
    planner = hall.users["planner"]
    roster_save(scope=scope_for(planner), actor=planner, hall=hall.hall, day=MONDAY, counters={"09:00": 1, "09:30": 3})
    plan = make(hall)
    monday = {s.slot: s for s in plan.slots.filter(day=MONDAY)}
    assert (monday[time(9, 0)].open, monday[time(9, 30)].open) == (1, 3)
    # the other half hours: the counters that served on comparable days (Mondays), never None
    assert all(s.open is not None for s in plan.slots.all())


def test_a_plan_not_simulated_is_not_adopted_and_nothing_changes(hall: City) -> None:
    plan = make(hall)
    planner = hall.users["planner"]
    events = PlanningEvent.objects.count()
    with pytest.raises(PlanRefused) as refused:
        plan_adopt(scope=scope_for(planner), actor=planner, plan=plan)
    assert str(refused.value.message) == "请先对该计划做仿真检验，再采用。"
    plan.refresh_from_db()
    assert (plan.status, plan.adopted_at, plan.adopted_by_id) == (PlanStatus.DRAFT, None, None)
    assert PlanningEvent.objects.count() == events


def test_adopting_supersedes_the_earlier_adopted_plan_of_the_same_days(hall: City) -> None:
    planner = hall.users["planner"]
    scope = scope_for(planner)
    first = make(hall)
    second = make(hall, share_target_percent="90", last_day=date(2026, 12, 9))
    apart = make(hall, first_day=date(2026, 12, 14), last_day=date(2026, 12, 14))
    StaffingPlan.objects.filter(pk__in=[first.pk, second.pk, apart.pk]).update(simulation={"replications": 10})
    for p in (first, apart, second):
        p.refresh_from_db()
        plan_adopt(scope=scope, actor=planner, plan=p)
    statuses = dict(StaffingPlan.objects.values_list("pk", "status"))
    assert statuses == {first.pk: PlanStatus.SUPERSEDED, second.pk: PlanStatus.ADOPTED, apart.pk: PlanStatus.ADOPTED}
    superseded = PlanningEvent.objects.get(type=PlanningEventType.PLAN_SUPERSEDED)
    assert (superseded.plan_id, superseded.parameters["by"]) == (first.pk, second.pk)
    adopted = PlanningEvent.objects.filter(type=PlanningEventType.PLAN_ADOPTED, plan=second).get()
    assert adopted.parameters["superseded"] == [first.pk]
    second.refresh_from_db()
    with pytest.raises(PlanConflict):
        plan_adopt(scope=scope, actor=planner, plan=second)


@pytest.mark.parametrize(
    ("ask", "field"),
    [
        ({"first_day": "2026-12-01"}, "first_day"),  # yesterday
        ({"first_day": "x\x00"}, "first_day"),
        ({"last_day": "2027-02-01"}, "last_day"),  # longer than 31 days
        ({"last_day": "2026-12-06"}, "last_day"),  # before the first
        ({"share_target_percent": "100"}, "share_target_percent"),
        ({"share_target_percent": "8" * 5000}, "share_target_percent"),
        ({"share_target_percent": True}, "share_target_percent"),
        ({"diversion_percent": "-1"}, "diversion_percent"),
        ({"diversion_percent": "NaN"}, "diversion_percent"),
        ({"wait_target_minutes": 0}, "wait_target_minutes"),
        ({"wait_target_minutes": "15\x00"}, "wait_target_minutes"),
        ({"wait_target_minutes": [15]}, "wait_target_minutes"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    hall: City, ask: dict[str, object], field: str
) -> None:
    with pytest.raises(PlanRefused) as refused:
        make(hall, **ask)
    assert set(refused.value.errors) == {field}
    assert StaffingPlan.objects.count() == StaffingSlot.objects.count() == 0
    assert not PlanningEvent.objects.exists()


def test_a_bad_roster_is_refused_whole(hall: City) -> None:
    planner = hall.users["planner"]
    with pytest.raises(PlanRefused) as refused:
        roster_save(
            scope=scope_for(planner),
            actor=planner,
            hall=hall.hall,
            day=MONDAY,
            counters={"09:00": 2, "07:00": 1, "09:15": 1, "10:00": 9, "10:30": "x"},
        )
    assert set(refused.value.errors) == {"counters.07:00", "counters.09:15", "counters.10:00", "counters.10:30"}
    assert not Roster.objects.exists() and not PlanningEvent.objects.exists()
