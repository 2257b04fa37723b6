"""The staffing plan's API (PLAN-1): the Erlang C figures, a hall's forecast, plans made and
adopted, a roster; bad input 422 on its field, nothing written."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.utils import timezone

from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.demo import configure_hall, seed_history
from gridcare.planning.models import PlanningEvent, PlanStatus, StaffingPlan

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)


def test_erlang_c_figures(town: City) -> None:
    api = api_client(town.users["manager"])
    got = api.get(
        "/api/v1/planning/queueing/erlang-c?arrivals_per_hour=200&aht_seconds=180&agents=14&target_seconds=20"
    )
    assert got.status_code == 200
    assert got.json() == {
        "p_wait": pytest.approx(0.1741319335950498),
        "service_level": pytest.approx(0.8883500191794669),
        "asa_seconds": pytest.approx(7.835937011777246),
        "occupancy": pytest.approx(0.7142857142857143),
    }
    overloaded = api.get(
        "/api/v1/planning/queueing/erlang-c?arrivals_per_hour=200&aht_seconds=180&agents=5&target_seconds=20"
    )
    assert overloaded.json() == {"p_wait": 1.0, "service_level": 0.0, "asa_seconds": None, "occupancy": 1.0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("arrivals_per_hour=-1&aht_seconds=180&agents=14&target_seconds=20", "arrivals_per_hour"),
        ("arrivals_per_hour=1e9&aht_seconds=180&agents=14&target_seconds=20", "arrivals_per_hour"),
        ("arrivals_per_hour=10&aht_seconds=0&agents=14&target_seconds=20", "aht_seconds"),
        ("arrivals_per_hour=10&aht_seconds=60&agents=99999999&target_seconds=20", "agents"),
        ("arrivals_per_hour=10&aht_seconds=60&agents=1&target_seconds=nan", "target_seconds"),
    ],
)
def test_erlang_c_refuses_bad_numbers(town: City, query: str, field: str) -> None:
    got = api_client(town.users["planner"]).get(f"/api/v1/planning/queueing/erlang-c?{query}")
    assert got.status_code == 422
    assert field in got.json()["errors"]


def test_a_plan_made_read_and_refused_adoption(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    configure_hall(town.hall)
    seed_history(weeks=3, seed=2)
    api = api_client(town.users["planner"])
    body = {"hall": "H1", "first_day": "2026-12-07", "last_day": "2026-12-07", "share_target_percent": 85}
    made = api.post("/api/v1/planning/staffing-plans", data=json.dumps(body), content_type="application/json")
    assert made.status_code == 201
    plan = made.json()
    assert (plan["hall"], plan["status"], plan["wait_target_minutes"], plan["share_target_percent"]) == (
        "H1",
        "draft",
        15,
        "85.00",
    )
    assert len(plan["slots"]) == 18 and all(s["needed"] >= 1 for s in plan["slots"])
    again = api.post("/api/v1/planning/staffing-plans", data=json.dumps(body), content_type="application/json")
    assert again.json()["id"] == plan["id"] and StaffingPlan.objects.count() == 1
    forecast = api.get("/api/v1/planning/forecasts?hall=H1&first_day=2026-12-07&last_day=2026-12-07")
    assert forecast.status_code == 200
    totals = [s["arrivals"] for s in forecast.json()["days"][0]["slots"]]
    assert len(totals) == 18 and sum(totals) > 0
    events = PlanningEvent.objects.count()
    refused = api.post(f"/api/v1/planning/staffing-plans/{plan['id']}/adopt")
    assert refused.status_code == 422
    assert refused.json()["detail"] == "请先对该计划做仿真检验，再采用。"
    assert StaffingPlan.objects.get().status == PlanStatus.DRAFT and PlanningEvent.objects.count() == events
    bad = api.post(
        "/api/v1/planning/staffing-plans",
        data=json.dumps({**body, "first_day": "2026-12-01\x00"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"first_day"}
    foreign = api.post(
        "/api/v1/planning/staffing-plans", data=json.dumps({**body, "hall": "X1H"}), content_type="application/json"
    )
    assert foreign.status_code == 404 and StaffingPlan.objects.count() == 1
