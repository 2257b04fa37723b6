"""Who may see and make staffing plans (PLAN-1), per post: planners and administrators every
hall of the company (read and write), a hall manager their own hall's plans read only (every
write 403, another hall's plan 404), every other post 403; a refused call writes nothing."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from gridcare.core.testing import STAFF_PERSONAS, City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.planning.models import PlanningEvent, Roster, StaffingPlan, StaffingSlot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)
SEES = {"planner": {"H1", "H2"}, "admin": {"H1", "H2"}, "manager": {"H1"}, "other_manager": {"H2"}}
READERS = set(SEES)
WRITERS = {"planner", "admin"}


def _plan(town: City, hall: object) -> StaffingPlan:
    plan = StaffingPlan.objects.create(
        hall=hall,
        first_day=NOW.date() + timedelta(days=5),
        last_day=NOW.date() + timedelta(days=5),
        wait_target_minutes=15,
        share_target_percent=80,
        created_by=town.users["planner"],
        created_at=NOW,
    )
    StaffingSlot.objects.create(plan=plan, day=plan.first_day, slot=time(9, 0), arrivals=12, needed=3, open=2)
    return plan


def _rows() -> tuple[int, int, int, int]:
    return (
        StaffingPlan.objects.count(),
        StaffingSlot.objects.count(),
        Roster.objects.count(),
        PlanningEvent.objects.count(),
    )


@pytest.fixture
def plans(town: City, monkeypatch: pytest.MonkeyPatch) -> dict[str, StaffingPlan]:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return {"H1": _plan(town, town.hall), "H2": _plan(town, town.other_hall)}


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_the_pages_per_post(town: City, plans: dict[str, StaffingPlan], persona: str) -> None:
    client = signed_in(town.users[persona])
    listing = client.get("/planning/staffing/")
    roster = client.get("/planning/staffing/roster/")
    if persona not in READERS:
        assert listing.status_code == roster.status_code == 403
        assert client.get(f"/planning/staffing/{plans['H1'].pk}/").status_code == 403
        return
    assert listing.status_code == 200
    assert roster.status_code == (200 if persona in WRITERS else 403)
    for code, plan in plans.items():
        page = client.get(f"/planning/staffing/{plan.pk}/")
        export = client.get(f"/planning/staffing/{plan.pk}/export.xlsx")
        if code not in SEES[persona]:
            assert page.status_code == export.status_code == 404
            continue
        assert page.status_code == export.status_code == 200
        text = page.content.decode()
        assert plan.hall.name in text and "窗口不足，最多缺 1 个" in text
        assert (f'action="/planning/staffing/{plan.pk}/adopt/"' in text) == (persona in WRITERS)
    listed = listing.content.decode()
    assert {code for code, plan in plans.items() if f"/planning/staffing/{plan.pk}/" in listed} == SEES[persona]
    assert ("制定计划</button>" in listed) == (persona in WRITERS)


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_the_writes_per_post(town: City, plans: dict[str, StaffingPlan], persona: str) -> None:
    before = _rows()
    client = signed_in(town.users[persona])
    day = (NOW.date() + timedelta(days=5)).isoformat()
    made = client.post(
        "/planning/staffing/",
        {
            "hall": "H1",
            "first_day": day,
            "last_day": day,
            "wait_target_minutes": 15,
            "share_target_percent": 80,
            "diversion_percent": 0,
        },
    )
    adopted = client.post(f"/planning/staffing/{plans['H1'].pk}/adopt/", {"confirmed": "1"})
    api = api_client(town.users[persona])
    put = api.put(
        f"/api/v1/planning/rosters/H1/{day}",
        data=json.dumps({"counters": {"09:00": 2}}),
        content_type="application/json",
    )
    if persona in WRITERS:
        assert put.status_code == 200
        assert put.json() == {"hall": "H1", "day": day, "counters": {"09:00": 2}}
        return
    assert made.status_code == adopted.status_code == put.status_code == 403
    assert _rows() == before


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_the_api_reads_per_post(town: City, plans: dict[str, StaffingPlan], persona: str) -> None:
    api = api_client(town.users[persona])
    listed = api.get("/api/v1/planning/staffing-plans")
    if persona not in READERS:
        assert listed.status_code == 403
        assert api.get(f"/api/v1/planning/staffing-plans/{plans['H1'].pk}").status_code == 403
        return
    assert {p["hall"] for p in listed.json()} == SEES[persona]
    for code, plan in plans.items():
        got = api.get(f"/api/v1/planning/staffing-plans/{plan.pk}")
        if code not in SEES[persona]:
            assert got.status_code == 404
            continue
        assert got.json()["slots"] == [
            {
                "day": f"{plan.first_day}",
                "slot": "09:00",
                "arrivals": "12.00",
                "needed": 3,
                "open": 2,
                "leaving_needed": None,
                "leaving_open": None,
            }
        ]


def test_adopting_on_the_page_asks_first_and_the_button_waits_for_the_simulation(
    town: City, plans: dict[str, StaffingPlan]
) -> None:
    plan = plans["H1"]
    client = signed_in(town.users["planner"])
    page = client.get(f"/planning/staffing/{plan.pk}/").content.decode()
    assert "请先对该计划做仿真检验，再采用。" in page
    assert '<button class="primary" disabled>采用计划</button>' in page
    StaffingPlan.objects.filter(pk=plan.pk).update(simulation={"replications": 10, "seed": 1})
    page = client.get(f"/planning/staffing/{plan.pk}/").content.decode()
    assert '<button class="primary">采用计划</button>' in page
    asked = client.post(f"/planning/staffing/{plan.pk}/adopt/").content.decode()
    assert "采用后，该计划将成为 城区营业厅" in asked and "确认采用" in asked
    assert StaffingPlan.objects.get(pk=plan.pk).status == "draft"
    done = client.post(f"/planning/staffing/{plan.pk}/adopt/", {"confirmed": "1"}, follow=True).content.decode()
    assert "已采用该排班计划。" in done and "已于 2026-12-02 11:00 采用。" in done
    assert "planner 采用排班计划" in done  # the history as a sentence
    assert StaffingPlan.objects.get(pk=plan.pk).status == "adopted"


def test_the_roster_page_saves_a_day(town: City, plans: dict[str, StaffingPlan]) -> None:
    client = signed_in(town.users["planner"])
    day = (NOW.date() + timedelta(days=5)).isoformat()
    form = client.get(f"/planning/staffing/roster/?hall=H1&day={day}").content.decode()
    assert 'name="slot_0830"' in form and 'name="slot_1700"' in form and 'name="slot_1730"' not in form
    saved = client.post(
        "/planning/staffing/roster/", {"hall": "H1", "day": day, "slot_0900": "2", "slot_0930": ""}, follow=True
    )
    assert "已保存 城区营业厅" in saved.content.decode()
    assert list(Roster.objects.values_list("slot", "counters")) == [(time(9, 0), 2)]
    wrong = client.post("/planning/staffing/roster/", {"hall": "H1", "day": day, "slot_0900": "99"})
    assert wrong.status_code == 200 and "has-error" in wrong.content.decode()
    assert list(Roster.objects.values_list("slot", "counters")) == [(time(9, 0), 2)]
    foreign = client.get(f"/planning/staffing/roster/?hall=X1H&day={day}")
    assert foreign.status_code == 200 and 'name="slot_0900"' not in foreign.content.decode()
