"""The 95598 desk's staffing (issue 17, Erlang A): the agents each half hour of calls needs when
callers hang up after a mean patience, next to Erlang C's; the API and the page, bad input
refused on its field in Chinese, per post PLAN_VIEW only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridcare.core.testing import STAFF_PERSONAS, City, api_client
from gridcare.planning.rules.desk import DeskTargets, desk_plan
from gridcare.planning.rules.queueing import erlang_a

URL = "/api/v1/planning/desk-staffing"
# pyworkforce's example: 200 calls an hour (100 a half hour) of 3 minutes, 5 minutes' patience
PYWORKFORCE = DeskTargets(
    aht_seconds=180, patience_seconds=300, target_seconds=20, service_level=0.8, max_abandonment=0.05
)


def test_the_half_hours_of_the_pyworkforce_example() -> None:
    plan = desk_plan([100, 0, 100], PYWORKFORCE)
    first, empty, third = plan.slots
    assert (first.agents, first.agents_erlang_c) == (13, 14)
    exact = erlang_a(arrivals_per_hour=200, aht_seconds=180, agents=13, target_seconds=20, patience_seconds=300)
    assert (first.service_level, first.abandonment, first.occupancy) == (
        exact.service_level,
        exact.abandonment,
        exact.occupancy,
    )
    assert first.service_level == pytest.approx(0.858, abs=1e-3) and first.abandonment == pytest.approx(0.025, abs=1e-3)
    assert (empty.agents, empty.agents_erlang_c, empty.abandonment) == (0, 0, 0.0)
    assert third == first
    assert (plan.agent_hours, plan.agent_hours_erlang_c, plan.calls) == (13.0, 14.0, 200)
    assert plan.abandoned == pytest.approx(2 * 100 * exact.abandonment)
    assert plan.service_level == pytest.approx(exact.service_level)


def test_a_strict_cap_on_hanging_up_adds_agents() -> None:
    strict = DeskTargets(180, 300, 20, 0.8, 0.01)
    assert desk_plan([100], strict).slots[0].agents == 15  # 14 agents leave 1.4% hanging up


def post(town: City, body: dict[str, Any], persona: str = "planner") -> Any:
    return api_client(town.users[persona]).post(URL, body, content_type="application/json")


@pytest.mark.django_db
def test_the_api_answers_each_half_hour(town: City) -> None:
    body = {
        "first_slot": "08:30",
        "calls_per_half_hour": [100, 0],
        "aht_seconds": 180,
        "patience_seconds": 300,
        "target_seconds": 20,
        "service_level_percent": 80,
        "max_abandonment_percent": 5,
    }
    answer = post(town, body)
    assert answer.status_code == 200, answer.content
    got = answer.json()
    assert [s["slot"] for s in got["slots"]] == ["08:30", "09:00"]
    first = got["slots"][0]
    assert (first["agents"], first["agents_erlang_c"], first["calls"]) == (13, 14, 100)
    assert first["service_level_percent"] == 85.82 and first["abandonment_percent"] == 2.5
    assert first["occupancy_percent"] == 75.0 and first["mean_wait_seconds"] == 7.5
    assert (got["agent_hours"], got["agent_hours_erlang_c"], got["calls"]) == (6.5, 7.0, 100)
    assert got["targets"] == {
        "aht_seconds": 180,
        "patience_seconds": 300,
        "target_seconds": 20,
        "service_level_percent": 80,
        "max_abandonment_percent": 5,
    }


@pytest.mark.django_db
def test_the_configured_targets_are_the_defaults(town: City, settings: Any) -> None:
    answer = post(town, {"first_slot": "08:00", "calls_per_half_hour": [60]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["targets"] == {
        "aht_seconds": 240,
        "patience_seconds": 120,
        "target_seconds": 20,
        "service_level_percent": 80,
        "max_abandonment_percent": 5,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_slot": "08:15"}, "first_slot"),
        ({"first_slot": "25:00"}, "first_slot"),
        ({"calls_per_half_hour": []}, "calls_per_half_hour"),
        ({"calls_per_half_hour": [-1]}, "calls_per_half_hour"),
        ({"calls_per_half_hour": [5001]}, "calls_per_half_hour"),
        ({"first_slot": "23:30", "calls_per_half_hour": [1, 2]}, "calls_per_half_hour"),
        ({"aht_seconds": 0}, "aht_seconds"),
        ({"patience_seconds": 4000}, "patience_seconds"),
        ({"service_level_percent": 100}, "service_level_percent"),
        ({"max_abandonment_percent": 0}, "max_abandonment_percent"),
        ({"target_seconds": -1}, "target_seconds"),
    ],
)
def test_bad_input_is_refused_on_its_field(town: City, change: dict[str, Any], field: str) -> None:
    answer = post(town, {"first_slot": "08:00", "calls_per_half_hour": [60], **change})
    assert answer.status_code == 422, answer.content
    got = answer.json()
    assert got["detail"] == "话务排班的参数有误，请按提示修改。"
    assert list(got["errors"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_who_may_reckon_the_desk(town: City, persona: str) -> None:
    answer = post(town, {"first_slot": "08:00", "calls_per_half_hour": [60]}, persona)
    allowed = persona in {"planner", "admin", "manager", "other_manager"}
    assert answer.status_code == (200 if allowed else 403), answer.content
    page = Client()
    page.force_login(town.users[persona])
    assert page.get("/planning/desk/").status_code == (200 if allowed else 403)


@pytest.mark.django_db
def test_the_page_says_what_the_desk_needs(town: City) -> None:
    page = Client()
    page.force_login(town.users["planner"])
    shown = page.get(
        "/planning/desk/",
        {
            "first_slot": "08:00",
            "calls": "100，0",
            "aht_seconds": "180",
            "patience_seconds": "300",
            "target_seconds": "20",
            "service_level_percent": "80",
            "max_abandonment_percent": "5",
        },
    )
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "共 100 通来话，需要 6.5 个坐席·小时（Erlang A）；预计 2 通挂机，全天 85.8% 的来话在目标时间内接通。" in text
    assert "不计挂机的 Erlang C 需要 7 个坐席·小时，多 0.5 个。" in text
    bad = page.get("/planning/desk/", {"first_slot": "08:00", "calls": "100, 很多"})
    assert bad.status_code == 200 and "请填写数字，各时段用逗号分隔。" in bad.content.decode()
    late = page.get("/planning/desk/", {"first_slot": "23:30", "calls": "1, 2"})
    assert "时段超出当天：从 23:30 起最多 1 个半小时。" in late.content.decode()
