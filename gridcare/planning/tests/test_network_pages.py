"""The outlet network's pages, API and services (PLAN-3): planners and administrators reach them
(their company's), every other post is refused and changes nothing; places of halls and 台区 set
through their owners' services; a scenario created, solved (one 台区, two halls: the nearer hall
kept with one counter, the other closed), shown, exported and compared; refusals name the field."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gridcare.core.testing import STAFF_PERSONAS, City, api_client, signed_in
from gridcare.customers.models import TransformerArea
from gridcare.org.access import scope_for
from gridcare.org.models import Hall
from gridcare.planning.models import CandidateSite, NetworkScenario, PlanningEvent, ScenarioStatus
from gridcare.planning.rules.network import haversine_km
from gridcare.planning.services import network as service

pytestmark = pytest.mark.django_db

EDITORS = {"planner", "admin"}
PAGES = [
    "/planning/network/",
    "/planning/network/places/",
    "/planning/network/sites/new/",
    "/planning/network/sites/hall/",
    "/planning/network/scenarios/new/",
    "/planning/network/compare/",
]


def placed(town: City) -> None:
    Hall.objects.filter(code="H1").update(latitude=Decimal("30.250000"), longitude=Decimal("120.170000"))
    Hall.objects.filter(code="H2").update(latitude=Decimal("30.300000"), longitude=Decimal("120.200000"))
    TransformerArea.objects.filter(pk=town.area.pk).update(
        latitude=Decimal("30.260000"), longitude=Decimal("120.180000")
    )


def counts() -> tuple[int, int, int]:
    return NetworkScenario.objects.count(), CandidateSite.objects.count(), PlanningEvent.objects.count()


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_only_planners_and_administrators_open_the_network_pages(town: City, persona: str) -> None:
    client = signed_in(town.users[persona])
    for page in PAGES:
        assert client.get(page).status_code == (200 if persona in EDITORS else 403), page
    answer = api_client(town.users[persona]).get("/api/v1/planning/network/halls")
    assert answer.status_code == (200 if persona in EDITORS else 403)


@pytest.mark.parametrize("persona", sorted(set(STAFF_PERSONAS) - EDITORS))
def test_other_posts_cannot_create_a_scenario_or_a_site_and_nothing_is_written(town: City, persona: str) -> None:
    before = counts()
    client = api_client(town.users[persona])
    scenario = client.post("/api/v1/planning/network/scenarios", {"name": "甲"}, content_type="application/json")
    site = client.post(
        "/api/v1/planning/network/sites",
        {
            "name": "新址",
            "latitude": "30.1",
            "longitude": "120.1",
            "max_counters": 3,
            "fixed_cost": "1",
            "counter_cost": "1",
        },
        content_type="application/json",
    )
    page = signed_in(town.users[persona]).post("/planning/network/scenarios/new/", {"name": "甲"})
    assert (scenario.status_code, site.status_code, page.status_code) == (403, 403, 403)
    assert counts() == before


def test_a_hall_manager_cannot_place_a_hall(town: City) -> None:
    response = signed_in(town.manager).post(
        "/planning/network/places/",
        {"which": "hall", "hall-hall": "H1", "hall-latitude": "30.1", "hall-longitude": "120.1"},
    )
    assert response.status_code == 403
    assert Hall.objects.get(code="H1").latitude is None


def test_a_planner_places_a_hall_and_a_taiqu_and_a_bad_degree_is_refused_on_its_field(town: City) -> None:
    client = signed_in(town.users["planner"])
    bad = client.post(
        "/planning/network/places/",
        {"which": "hall", "hall-hall": "H1", "hall-latitude": "300", "hall-longitude": "120.1"},
    )
    assert bad.status_code == 200
    assert "纬度应为 3 到 54 之间的数字" in bad.content.decode()
    assert Hall.objects.get(code="H1").latitude is None
    good = client.post(
        "/planning/network/places/",
        {"which": "hall", "hall-hall": "H1", "hall-latitude": "30.2512345", "hall-longitude": "120.17"},
    )
    assert good.status_code == 302
    hall = Hall.objects.get(code="H1")
    assert (hall.latitude, hall.longitude) == (Decimal("30.251235"), Decimal("120.170000"))
    area = client.post(
        "/planning/network/places/",
        {"which": "area", "area-area": "T1", "area-latitude": "30.26", "area-longitude": "120.18"},
    )
    assert area.status_code == 302
    assert TransformerArea.objects.get(code="T1").latitude == Decimal("30.260000")
    # Another company's hall is not offered: refused on the picker, nothing written.
    foreign = client.post(
        "/planning/network/places/",
        {"which": "hall", "hall-hall": "X1H", "hall-latitude": "30", "hall-longitude": "120"},
    )
    assert foreign.status_code == 200 and Hall.objects.get(code="X1H").latitude is None


def test_a_scenario_is_solved_shown_exported_and_compared(town: City) -> None:
    placed(town)
    planner = town.users["planner"]
    client = signed_in(planner)
    created = client.post(
        "/planning/network/scenarios/new/",
        {"name": "两厅方案", "max_km": "10", "distance_cost": "2", "tickets_per_counter": "12000", "months": "12"},
    )
    scenario = NetworkScenario.objects.get()
    assert created.status_code == 302 and created.headers["Location"] == f"/planning/network/scenarios/{scenario.pk}/"
    assert scenario.status == ScenarioStatus.DRAFT
    assert scenario.parameters == {
        "max_km": "10.0",
        "distance_cost": "2.00",
        "tickets_per_counter": 12000,
        "months": 12,
        "keep": [],
        "bar": [],
    }
    asked = client.post(f"/planning/network/scenarios/{scenario.pk}/solve/")
    assert asked.status_code == 200 and "将用当前的网点" in asked.content.decode()
    assert NetworkScenario.objects.get().status == ScenarioStatus.DRAFT  # asked first, nothing solved
    solved = client.post(f"/planning/network/scenarios/{scenario.pk}/solve/", {"confirmed": "1"})
    assert solved.status_code == 302
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED
    r = scenario.result
    # One 台区 of one account, no ticket yet: one visit a year. H1 (nearer) with one counter.
    km = float(haversine_km(30.26, 120.18, 30.25, 120.17))
    assert (r["sites_open"], r["counters"], r["customers"], r["visits"]) == (1, 1, 1, 1)
    assert Decimal(r["cost"]) == Decimal(f"{400000 + 150000 + 2 * km:.2f}")
    advice = {s["key"]: (s["action"], s["counters"]) for s in r["sites"]}
    assert advice == {"hall-H1": ("keep", 1), "hall-H2": ("close", 0)}
    page = client.get(f"/planning/network/scenarios/{scenario.pk}/").content.decode()
    assert "保留，窗口由" in page and "network-data" in page and "<script>" not in page
    chart = json.loads(page.split('id="network-data" type="application/json">')[1].split("</script>")[0])
    assert chart["sites"][0][:3] == [120.17, 30.25, "城区营业厅"]
    export = client.get(f"/planning/network/scenarios/{scenario.pk}/export.xlsx")
    book = load_workbook(BytesIO(b"".join(export.streaming_content)))
    assert book.sheetnames == ["概要", "网点", "台区"]
    assert [c.value for c in book["台区"][2]][:5] == ["T1", town.area.name, 1, 1, "城区营业厅"]
    compare = client.get(f"/planning/network/compare/?ids={scenario.pk}&km=5").content.decode()
    assert "100.0%" in compare and "两厅方案" in compare
    assert PlanningEvent.objects.filter(scenario=scenario).count() == 1


def test_a_taiqu_out_of_reach_is_stored_as_infeasible_with_its_name(town: City) -> None:
    placed(town)
    scope = scope_for(town.users["planner"])
    scenario = service.scenario_create(
        scope=scope, actor=town.users["planner"], name="近距", parameters={"max_km": "0.5"}
    )
    solved = service.scenario_solve(scope=scope, actor=town.users["planner"], scenario_id=scenario.pk)
    assert solved.status == ScenarioStatus.INFEASIBLE
    assert solved.result["sentence"] == f"{town.area.name} 在 0.5 公里内没有可用网点，请放宽最远距离或增加候选网点。"


def test_bad_parameters_are_refused_by_field_and_nothing_is_written(town: City) -> None:
    before = counts()
    client = api_client(town.users["planner"])
    answer = client.post(
        "/api/v1/planning/network/scenarios",
        {"name": "坏方案", "max_km": "abc", "months": "99", "keep": ["hall-X1H"]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    body = answer.json()
    assert set(body["errors"]) == {"max_km", "months", "keep"}
    site = client.post(
        "/api/v1/planning/network/sites",
        {
            "name": "x" * 5000,
            "latitude": "91",
            "longitude": "",
            "max_counters": 0,
            "fixed_cost": "-1",
            "counter_cost": "1e99",
        },
        content_type="application/json",
    )
    assert site.status_code == 422
    assert set(site.json()["errors"]) == {"name", "latitude", "longitude", "max_counters", "fixed_cost", "counter_cost"}
    assert counts() == before


def test_another_companys_scenario_is_not_found(town: City) -> None:
    placed(town)
    planner = town.users["planner"]
    scenario = service.scenario_create(scope=scope_for(planner), actor=planner, name="甲", parameters={})
    NetworkScenario.objects.filter(pk=scenario.pk).update(company_id=Hall.objects.get(code="X1H").unit.company_id)
    assert signed_in(planner).get(f"/planning/network/scenarios/{scenario.pk}/").status_code == 404
    assert api_client(planner).post(f"/api/v1/planning/network/scenarios/{scenario.pk}/solve").status_code == 404
    assert NetworkScenario.objects.get().status == ScenarioStatus.DRAFT


def test_a_candidate_site_is_added_and_changed_through_the_api(town: City) -> None:
    client = api_client(town.users["planner"])
    made = client.post(
        "/api/v1/planning/network/sites",
        {
            "name": "城东候选",
            "latitude": "30.27",
            "longitude": "120.19",
            "max_counters": 4,
            "fixed_cost": "500000",
            "counter_cost": "150000",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    site = CandidateSite.objects.get()
    assert made.json()["key"] == f"site-{site.pk}"
    changed = client.put(
        f"/api/v1/planning/network/sites/{site.pk}",
        {
            "name": "城东新址",
            "latitude": "30.27",
            "longitude": "120.19",
            "max_counters": 6,
            "fixed_cost": "450000",
            "counter_cost": "150000",
        },
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["max_counters"], changed.json()["fixed_cost"]) == (
        "城东新址",
        6,
        "450000.00",
    )
    keys = [s["key"] for s in client.get("/api/v1/planning/network/sites").json()]
    assert keys == ["hall-H1", "hall-H2", f"site-{site.pk}"]
    assert PlanningEvent.objects.filter(site=site).count() == 2
