"""Work-order figures: complaints per 10,000 customers divide by the customers of the hall or unit
being viewed, and types and classes read as words (Chinese, or English), on the page and in Excel."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from gridcare.core.testing import City, make_account, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders.selectors import figures, figures_viewed
from gridcare.workorders.tests.conftest import Clock, take


@pytest.fixture
def spread(town: City, clock: Clock) -> City:
    """U1 has 4 active customers, 2 of them at hall H1; U2 has 2; the company 6 (a closed one and
    another company's are never counted). H1's clerk takes two complaints, the 95598 agent one of U2."""
    make_account(41, town.unit, town.hall, "厅内客户")
    make_account(42, town.unit, None, "城区客户甲")
    make_account(43, town.unit, None, "城区客户乙")
    closed = make_account(44, town.unit, town.hall, "已销户")
    closed.status = "closed"
    closed.save(update_fields=["status"])
    u2 = make_account(45, town.other_unit, None, "乡镇客户")
    take(town.clerk, type="complaint", complaint_class="service", text="营业厅工作人员态度很差")
    take(town.clerk, type="complaint", complaint_class="supply_quality", text="电压太低，空调开不起来")
    take(town.agent, type="complaint", complaint_class="service", text="抄表员态度差", account_no=u2.account_no)
    clock.advance(days=1)
    return town


def _per_10k(town: City, clock: Clock, who: str, place: str = "") -> tuple[int, int, float | None]:
    scope = scope_for(town.users[who])
    kind, _sep, code = place.partition(":")
    viewed = figures_viewed(scope=scope, unit=code if kind == "unit" else "", hall=code if kind == "hall" else "")
    f = figures(scope=scope, start=clock.at - timedelta(days=2), end=clock.at, viewed=viewed)
    return f.complaints, f.customers, f.complaints_per_10k


def test_a_hall_manager_divides_the_halls_complaints_by_the_halls_customers(spread: City, clock: Clock) -> None:
    assert _per_10k(spread, clock, "manager") == (2, 2, 10_000.0)


def test_a_unit_supervisor_divides_by_the_units_customers(spread: City, clock: Clock) -> None:
    assert _per_10k(spread, clock, "supervisor") == (2, 4, 5_000.0)
    assert _per_10k(spread, clock, "other_supervisor") == (1, 2, 5_000.0)


def test_the_95598_centre_sees_the_company_or_the_unit_or_hall_it_picks(spread: City, clock: Clock) -> None:
    assert _per_10k(spread, clock, "agent") == (3, 6, 5_000.0)
    assert _per_10k(spread, clock, "agent", "unit:U2") == (1, 2, 5_000.0)
    assert _per_10k(spread, clock, "agent", "hall:H1") == (2, 2, 10_000.0)


def test_the_page_and_the_workbook_use_the_viewed_scope(spread: City) -> None:
    client = signed_in(spread.agent)
    html = client.get("/workorders/figures/?days=30&place=hall:H1").content.decode()
    assert "10000.00" in html
    book = load_workbook(BytesIO(client.get("/workorders/figures.xlsx?days=30&place=hall:H1").content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["统计范围"], summary["投诉数"], summary["在册客户数"], summary["每万户投诉数"]) == (
        spread.hall.name,
        2,
        2,
        10000.0,
    )


def test_a_place_outside_the_viewers_reach_is_not_found(spread: City) -> None:
    assert signed_in(spread.manager).get("/workorders/figures/?place=unit:U1").status_code == 404
    assert signed_in(spread.other_supervisor).get("/workorders/figures/?place=hall:H1").status_code == 404


def _bars(html: str) -> str:
    return html[html.index('<table class="bars">') :]


def test_the_page_names_types_and_classes_in_chinese(spread: City) -> None:
    html = _bars(signed_in(spread.agent).get("/workorders/figures/?days=30").content.decode())
    assert "<th>投诉</th>" in html
    assert "<th>服务投诉</th>" in html and "<th>供电质量投诉</th>" in html
    assert "<th>complaint</th>" not in html and "supply_quality" not in html


def _english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/workorders/figures/"})
    return client


def test_in_english_the_page_and_the_workbook_name_them_in_english(spread: City) -> None:
    client = _english(signed_in(spread.agent))
    html = _bars(client.get("/workorders/figures/?days=30").content.decode())
    assert "<th>Complaint</th>" in html
    assert "<th>Service complaint</th>" in html and "<th>Supply quality complaint</th>" in html
    book = load_workbook(BytesIO(client.get("/workorders/figures.xlsx?days=30").content))
    assert [c.value for c in book.worksheets[1]["A"]] == ["Work order type", "Complaint"]
    assert sorted(c.value for c in book.worksheets[2]["A"][1:]) == ["Service complaint", "Supply quality complaint"]


def test_the_workbook_names_them_in_chinese(spread: City) -> None:
    book = load_workbook(BytesIO(signed_in(spread.agent).get("/workorders/figures.xlsx?days=30").content))
    assert [c.value for c in book["投诉分类"]["A"]] == ["投诉分类", "服务投诉", "供电质量投诉"]
