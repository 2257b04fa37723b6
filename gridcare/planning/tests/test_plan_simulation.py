"""Running a staffing plan through the simulated hall day (PLAN-2): plan_simulate stores the
figures per day and against the plan's targets with a PLAN_SIMULATED event; the plan page's run
asks first; a refusal (a post without PLAN_EDIT, another's plan, an adopted plan, bad numbers)
changes nothing."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.testing import STAFF_PERSONAS, City, signed_in
from gridcare.org.access import scope_for
from gridcare.org.models import Hall
from gridcare.planning.events import PlanningEventType
from gridcare.planning.exceptions import PlanConflict
from gridcare.planning.models import PlanningEvent, PlanStatus, StaffingPlan, StaffingSlot
from gridcare.planning.services.simulations import plan_simulate
from gridcare.planning.tests.simulation_helpers import hall_history

pytestmark = pytest.mark.django_db
DAYS = (date(2026, 12, 7), date(2026, 12, 8))


def make_plan(town: City, hall: Hall | None = None, status: str = PlanStatus.DRAFT) -> StaffingPlan:
    from gridcare.core.timezone import now

    plan = StaffingPlan.objects.create(
        hall=hall or town.hall,
        first_day=DAYS[0],
        last_day=DAYS[1],
        wait_target_minutes=15,
        share_target_percent=Decimal("80.00"),
        diversion_percent=Decimal("10.00"),
        status=status,
        created_by=town.planner,
        created_at=now(),
    )
    for day in DAYS:
        for k in range(18):  # 09:00–18:00, half hours
            StaffingSlot.objects.create(
                plan=plan, day=day, slot=time(9 + k // 2, 30 * (k % 2)), arrivals=Decimal("12.00"), needed=3
            )
    return plan


def test_a_planner_runs_the_plan_and_its_figures_are_kept(town: City) -> None:
    hall_history(town.hall)
    plan = make_plan(town)
    done = plan_simulate(scope=scope_for(town.planner), actor=town.planner, plan_id=plan.pk, replications=5, seed=3)
    stored = StaffingPlan.objects.get(pk=plan.pk).simulation
    assert stored == done.simulation
    assert (stored["replications"], stored["seed"], stored["distribution"], stored["service_samples"]) == (
        5,
        3,
        "empirical",
        30,
    )
    assert stored["service_mean_minutes"] == 4.0 and stored["patience_minutes"] == 46.0
    assert [d["day"] for d in stored["days"]] == ["2026-12-07", "2026-12-08"]
    # 24 an hour (the slots' arrivals are after the plan's diversion: not diverted again), 4
    # minutes each, 3 counters: utilisation 24 × 4 / 180 = 0.53.
    assert stored["utilisation"] == pytest.approx(0.533, abs=0.05)
    assert stored["meets_wait_target"] is True and stored["meets_share_target"] is True
    assert stored["customers"] == pytest.approx(2 * 9 * 24, rel=0.1)
    (event,) = PlanningEvent.objects.filter(plan=plan)
    assert event.type == PlanningEventType.PLAN_SIMULATED and event.actor == town.planner
    assert event.parameters == {
        "replications": 5,
        "seed": 3,
        "mean_wait_minutes": stored["mean_wait_minutes"],
        "share_within_15": stored["share_within_15"],
    }


def test_without_a_history_the_types_expected_minutes_are_used(town: City) -> None:
    plan = make_plan(town)
    plan_simulate(scope=scope_for(town.admin), actor=town.admin, plan_id=plan.pk, replications=2, seed=1)
    stored = StaffingPlan.objects.get(pk=plan.pk).simulation
    assert (stored["distribution"], stored["service_samples"], stored["service_mean_minutes"]) == (
        "exponential",
        0,
        10.0,
    )
    assert stored["patience_minutes"] is None


@pytest.mark.parametrize(
    ("persona", "hall", "status", "replications", "refusal"),
    [
        ("manager", "H1", PlanStatus.DRAFT, 5, Forbidden),  # a hall manager reads plans, never runs them
        ("clerk", "H1", PlanStatus.DRAFT, 5, Forbidden),
        ("planner", "X1H", PlanStatus.DRAFT, 5, NotFound),  # another company's hall
        ("planner", "H1", PlanStatus.ADOPTED, 5, PlanConflict),
        ("planner", "H1", PlanStatus.DRAFT, 1, InvalidInput),
        ("planner", "H1", PlanStatus.DRAFT, 10_000, InvalidInput),
    ],
)
def test_a_refused_run_changes_nothing(
    town: City, persona: str, hall: str, status: str, replications: int, refusal: type[Exception]
) -> None:
    plan = make_plan(town, Hall.objects.get(code=hall), status)
    user = town.users[persona]
    with pytest.raises(refusal):
        plan_simulate(scope=scope_for(user), actor=user, plan_id=plan.pk, replications=replications, seed=1)
    assert StaffingPlan.objects.get(pk=plan.pk).simulation == {}
    assert not PlanningEvent.objects.exists()


def test_the_plan_pages_run_asks_first_then_runs(town: City) -> None:
    plan = make_plan(town)
    client = signed_in(town.planner)
    url = f"/planning/staffing/{plan.pk}/simulate/"
    asked = client.post(url, {"replications": 4, "seed": 9})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "对该计划的 2 天逐日仿真 4 次（随机种子 9）" in page and 'name="confirmed"' in page
    assert StaffingPlan.objects.get(pk=plan.pk).simulation == {}
    done = client.post(url, {"replications": 4, "seed": 9, "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"] == f"/planning/staffing/{plan.pk}/"
    assert StaffingPlan.objects.get(pk=plan.pk).simulation["seed"] == 9
    refused = client.post(url, {"replications": "x", "seed": 9, "confirmed": "1"})
    assert refused.status_code == 302 and PlanningEvent.objects.count() == 1


def test_the_partial_shows_the_result_and_the_button(town: City) -> None:
    from django.template.loader import render_to_string

    plan = make_plan(town)
    empty = render_to_string("planning/_plan_simulation.html", {"plan": plan, "can_edit": True})
    assert "尚未仿真检验" in empty and f"/planning/staffing/{plan.pk}/simulate/" in empty
    plan_simulate(scope=scope_for(town.planner), actor=town.planner, plan_id=plan.pk, replications=3, seed=1)
    plan.refresh_from_db()
    shown = render_to_string("planning/_plan_simulation.html", {"plan": plan, "can_edit": False})
    assert "客户平均等候" in shown and "2026-12-08" in shown and "<form" not in shown
    assert "{" not in shown.replace("{%", "")  # no dicts on screen


def test_the_plan_page_shows_the_part_and_links_the_simulation(town: City) -> None:
    plan = make_plan(town)
    page = signed_in(town.planner).get(f"/planning/staffing/{plan.pk}/").content.decode()
    assert "尚未仿真检验" in page and f'action="/planning/staffing/{plan.pk}/simulate/"' in page
    assert 'href="/planning/simulate/"' in page
    plan_simulate(scope=scope_for(town.planner), actor=town.planner, plan_id=plan.pk, replications=2, seed=1)
    read = signed_in(town.manager).get(f"/planning/staffing/{plan.pk}/").content.decode()
    assert "客户平均等候" in read and f"/planning/staffing/{plan.pk}/simulate/" not in read  # read only


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_who_may_run_a_plan_from_its_page(town: City, persona: str) -> None:
    plan = make_plan(town)
    answer = signed_in(town.users[persona]).post(
        f"/planning/staffing/{plan.pk}/simulate/", {"replications": 2, "seed": 1, "confirmed": "1"}
    )
    if persona in {"planner", "admin"}:
        assert answer.status_code == 302
    else:
        # Hall managers read plans and never run them; other posts see no plans: 403, nothing written.
        assert answer.status_code == 403
        assert StaffingPlan.objects.get(pk=plan.pk).simulation == {}
