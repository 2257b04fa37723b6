"""The planning pages in Chromium (issue 17): a planner makes a staffing plan, reads its charts
and the leaving figures, runs it through the simulated hall day and adopts it, each asked first;
the simulation page and the 95598 desk calculator answer their forms; a network scenario is
solved and drawn. At the desk's size and a phone's, nothing internal on screen, no script
refused by the Content-Security-Policy (the charts are the vendored ECharts)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from gridcare.core.browser_testing import BROWSER, DESK, look, sign_in
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.demo import configure_hall, seed_history
from gridcare.planning.models import NetworkScenario, PlanStatus, ScenarioStatus, StaffingPlan
from gridcare.planning.tests.test_network_pages import placed

pytestmark = BROWSER
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)  # a Wednesday; the plan is for the next Monday


def _errors(page: Any) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_plan_is_made_simulated_and_adopted(
    town: City, live_server: Any, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    configure_hall(town.hall)
    seed_history(weeks=4, seed=3)
    page = sign_in(browser, live_server, town.users["planner"])
    refused = _errors(page)
    page.goto(f"{live_server.url}/planning/staffing/")
    page.select_option("#id_hall", town.hall.code)
    page.fill("#id_first_day", "2026-12-07")
    page.fill("#id_last_day", "2026-12-07")
    page.get_by_role("button", name="制定计划").click()
    page.wait_for_selector("text=预测检验")
    plan = StaffingPlan.objects.get()
    assert page.url == f"{live_server.url}/planning/staffing/{plan.pk}/"
    page.wait_for_selector("#plan-day-20261207 canvas")
    body = page.inner_text("body")
    assert plan.patience_minutes is not None
    patience = f"{plan.patience_minutes:.1f}".removesuffix(".0")  # floatformat:"-1"
    assert f"按客户平均耐心 {patience} 分钟（Erlang A）估算：按需要的窗口约" in body
    assert "滚动回测" in body
    look(page, "planning-plan", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("button", name="仿真检验").click()
    page.wait_for_selector("text=开始仿真")
    page.get_by_role("button", name="开始仿真").click()
    page.wait_for_selector("text=已完成仿真检验，结果已保存到计划。")
    plan.refresh_from_db()
    assert plan.simulation["replications"] == 10 and plan.status == PlanStatus.DRAFT
    page.get_by_role("button", name="采用计划").click()
    page.wait_for_selector("text=此前已采用的重叠计划将被替代")
    look(page, "planning-plan-adopt", "desk")
    page.get_by_role("button", name="确认采用").click()
    page.wait_for_selector("text=已采用该排班计划。")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED
    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_the_simulation_and_the_desk_calculator_answer(town: City, live_server: Any, browser: Any) -> None:
    page = sign_in(browser, live_server, town.users["planner"])
    refused = _errors(page)
    page.goto(f"{live_server.url}/planning/simulate/")
    page.fill("#id_mean_minutes", "6")
    page.fill("#id_counters", "3")
    page.fill("#id_arrivals_per_hour", "20, 30, 25")
    page.fill("#id_hours", "3")
    page.get_by_role("button", name="开始仿真").click()
    page.wait_for_selector("text=仿真结果")
    assert "共仿真 20 个营业日（随机种子 1）" in page.inner_text("body")
    look(page, "planning-simulate", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/planning/desk/")
    page.fill("#id_calls", "100, 0")
    page.fill("#id_aht_seconds", "180")
    page.fill("#id_patience_seconds", "300")
    page.get_by_role("button", name="计算坐席").click()
    page.wait_for_selector("text=计算结果")
    body = page.inner_text("body")
    assert "共 100 通来话，需要 6.5 个坐席·小时（Erlang A）" in body
    assert "不计挂机的 Erlang C 需要 7 个坐席·小时，多 0.5 个。" in body
    look(page, "planning-desk", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.fill("#id_calls", "100, 很多")
    page.get_by_role("button", name="计算坐席").click()
    page.wait_for_selector("text=请填写数字，各时段用逗号分隔。")
    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_a_network_scenario_is_solved_and_drawn(town: City, live_server: Any, browser: Any) -> None:
    placed(town)
    page = sign_in(browser, live_server, town.users["planner"])
    refused = _errors(page)
    page.goto(f"{live_server.url}/planning/network/scenarios/new/")
    page.fill("#id_name", "两厅方案")
    page.fill("#id_max_km", "10")
    page.get_by_role("button", name="保存", exact=True).click()
    scenario = NetworkScenario.objects.get()
    page.wait_for_url(f"**/planning/network/scenarios/{scenario.pk}/")
    page.get_by_role("button", name="求解").click()
    page.wait_for_selector("text=将用当前的网点")
    look(page, "planning-network-solve", "desk")
    page.locator("button:not([disabled])", has_text="求解").click()  # the confirmation's; the form's is off
    page.wait_for_selector("text=保留，窗口由")
    page.wait_for_selector("#network-map canvas")
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED and Decimal(scenario.result["cost"]) > 0
    look(page, "planning-network", *DESK)
    assert refused == []
