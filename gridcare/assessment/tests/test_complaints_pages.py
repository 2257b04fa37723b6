"""投诉分析 pages and API (ASSESS-6): the page, its drill-down to the orders behind a number, the
Excel export with the page's numbers, GET /api/v1/assessment/complaints with the same numbers,
and who may see them (COMPLAINT_ANALYSIS: supervisors their unit, planners and administrators
the company; every other post 403, a person with no post 404)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from gridcare.assessment.tests.complaints_helpers import at, complaint, more_accounts
from gridcare.core.testing import PERSONAS, City, api_client, signed_in
from gridcare.org.access import Capability, can, scope_for
from gridcare.workorders.models import WorkOrder

MONTH = "?month=2026-11"


@pytest.fixture
def november(town: City) -> dict[str, WorkOrder]:
    more_accounts(town)
    return {
        "first": complaint(town, at(date(2026, 10, 20)), account=town.account),
        "again": complaint(town, at(date(2026, 11, 2)), account=town.account, cause="service_attitude"),
        "tariff": complaint(town, at(date(2026, 11, 9)), complaint_class="business", cause="business_tariff"),
        "u2": complaint(town, at(date(2026, 11, 12)), unit=town.other_unit, complaint_class="outage"),
    }


def test_the_page_shows_the_tables_the_chart_data_and_the_rule(town: City, november: dict[str, WorkOrder]) -> None:
    response = signed_in(town.planner).get(f"/assessment/complaints/{MONTH}")
    assert response.status_code == 200
    a = response.context["a"]
    assert (a.total.complaints, a.total.customers, a.total.repeats) == (3, 6, 1)
    page = response.content.decode()
    assert 'id="complaints-data"' in page and "assessment/complaints.js" in page
    assert "5000.00" in page  # 3 / 6 × 10,000
    assert "含第 30 天" in page
    chart = response.context["chart"]
    assert chart["months"][-1] == "2026-11" and chart["complaints"][-2:] == [1, 3]
    assert chart["per_10k"][-1] == 5000.0 and chart["repeats"][-1] == 1


def test_a_wrong_period_says_so_and_shows_this_month(town: City) -> None:
    response = signed_in(town.planner).get("/assessment/complaints/?month=2026-13")
    assert response.status_code == 200
    assert "月份格式应为 2026-11。" in response.content.decode()


def test_each_number_opens_the_orders_behind_it(town: City, november: dict[str, WorkOrder]) -> None:
    client = signed_in(town.planner)
    page = client.get(f"/assessment/complaints/{MONTH}").context
    by_class = {row["line"].query["class"]: row for row in page["by_class"]}
    listed = client.get("/assessment/complaints/orders/" + by_class["business"]["link"])
    assert listed.status_code == 200
    assert [o.number for o in listed.context["orders"]] == [november["tariff"].number]
    assert f'href="/workorders/{november["tariff"].number}/"' in listed.content.decode()
    repeats = client.get("/assessment/complaints/orders/" + page["total_rows"][0]["repeat_link"])
    assert [o.number for o in repeats.context["orders"]] == [november["again"].number]
    u2 = next(row for row in page["by_unit"] if row["line"].query["unit"] == "U2")
    assert [o.number for o in client.get("/assessment/complaints/orders/" + u2["link"]).context["orders"]] == [
        november["u2"].number
    ]
    no_cause = next(row for row in page["by_cause"] if row["line"].query.get("cause") == "none")
    found = client.get("/assessment/complaints/orders/" + no_cause["link"]).context["orders"]
    assert [o.number for o in found] == [november["u2"].number]
    month = client.get("/assessment/complaints/orders/" + page["months"][-2]["link"]).context["orders"]
    assert [o.number for o in month] == [november["first"].number]


def test_a_supervisor_cannot_open_another_units_orders(town: City, november: dict[str, WorkOrder]) -> None:
    response = signed_in(town.supervisor).get("/assessment/complaints/orders/?month=2026-11&unit=U2")
    assert response.status_code == 200
    assert "请选择您管辖范围内的供电单位。" in response.content.decode()
    assert response.context["page"] is None
    mine = signed_in(town.supervisor).get("/assessment/complaints/orders/?month=2026-11").context["orders"]
    assert {o.number for o in mine} == {november["again"].number, november["tariff"].number}


def _sheet(book: Any, title: str) -> list[list[Any]]:
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def test_the_export_has_the_pages_numbers(town: City, november: dict[str, WorkOrder]) -> None:
    client = signed_in(town.planner)
    a = client.get(f"/assessment/complaints/{MONTH}").context["a"]
    response = client.get(f"/assessment/complaints/export/{MONTH}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "按投诉分类", "按供电单位", "按投诉原因", "月度趋势"]

    def cells(x: Any) -> list[Any]:
        return [x.complaints, x.customers, round(x.per_10k, 2) if x.per_10k is not None else None, x.repeats]

    assert _sheet(book, "汇总")[-1] == [a.total.label, *cells(a.total)]
    assert _sheet(book, "按投诉分类")[1:] == [[x.label, *cells(x)] for x in a.by_class]
    assert _sheet(book, "按供电单位")[1:] == [[x.label, *cells(x)] for x in a.by_unit]
    assert _sheet(book, "按投诉原因")[1:] == [[x.group, x.label, *cells(x)] for x in a.by_cause]
    trend = _sheet(book, "月度趋势")[1:]
    assert [row[0] for row in trend] == [f"{m.month:%Y-%m}" for m in a.trend]
    assert [row[2:] for row in trend] == [cells(m) for m in a.trend]


def test_the_api_gives_the_same_numbers(town: City, november: dict[str, WorkOrder]) -> None:
    a = signed_in(town.planner).get(f"/assessment/complaints/{MONTH}").context["a"]
    response = api_client(town.planner).get("/api/v1/assessment/complaints?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["repeat_days"]) == ("2026-11-01", "2026-11-30", 30)
    assert (body["total"]["complaints"], body["total"]["customers"], body["total"]["per_10k"]) == (3, 6, 5000.0)
    assert [(x["label"], x["complaints"], x["repeats"]) for x in body["by_unit"]] == [
        (x.label, x.complaints, x.repeats) for x in a.by_unit
    ]
    assert [x["filters"] for x in body["by_cause"]] == [x.query for x in a.by_cause]
    assert [(m["month"], m["complaints"]) for m in body["trend"]][-2:] == [("2026-10", 1), ("2026-11", 3)]


def test_the_api_refuses_a_wrong_period_on_its_field(town: City) -> None:
    response = api_client(town.planner).get("/api/v1/assessment/complaints?start=2026-11-30&end=2026-11-01")
    assert response.status_code == 422
    assert response.json()["errors"] == {"end": "结束日期不能早于开始日期。"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_the_complaint_analysis(town: City, november: dict[str, WorkOrder], persona: str) -> None:
    user = town.users[persona]
    scope = scope_for(user)
    allowed = can(scope, Capability.COMPLAINT_ANALYSIS)
    expected = 200 if allowed else (403 if scope.is_staff else 404)
    client = signed_in(user)
    for url in ("/assessment/complaints/", "/assessment/complaints/export/", "/assessment/complaints/orders/"):
        assert client.get(url + MONTH).status_code == expected, url
    if persona != "outsider":
        answer = api_client(user).get("/api/v1/assessment/complaints?month=2026-11")
        assert answer.status_code == (200 if allowed else 403)
        if allowed:
            own = {"supervisor": 2, "other_supervisor": 1}.get(persona, 3)
            assert answer.json()["total"]["complaints"] == own
    assert allowed == (persona in {"supervisor", "other_supervisor", "planner", "admin"})
