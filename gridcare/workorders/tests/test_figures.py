"""Figures: by type/class/unit, complaints per 10,000 customers, compliance, repeats, satisfaction."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders.selectors import figures
from gridcare.workorders.tests.conftest import Clock, take


def _month(town: City, clock: Clock) -> None:
    """Two complaints from one account 10 days apart (a repeat), a fault kept in time, a late inquiry."""
    start = clock.at
    first = take(town.agent, account_no=town.account.account_no, complaint_cause="service_attitude")
    client = api_client(town.agent)
    for action in ("reply", "close"):
        client.post(f"/api/v1/workorders/{first.number}/{action}", {}, content_type="application/json")
    client.post(
        f"/api/v1/workorders/{first.number}/call-back",
        {"reached": True, "satisfied": True},
        content_type="application/json",
    )
    fault = take(town.agent, type="fault", text="停电了", account_no=town.other_unit_account.account_no)
    for action in ("dispatch", "arrive", "restore"):
        clock.advance(minutes=20)
        client.post(f"/api/v1/workorders/{fault.number}/{action}", {"unit": "U2"}, content_type="application/json")
    take(town.agent, type="inquiry", text="请问电价", account_no=town.account.account_no)
    clock.set(start + timedelta(days=10))
    take(town.agent, text="还是态度差", type="complaint", complaint_class="service", account_no=town.account.account_no)
    clock.advance(days=30)


def test_the_figures_of_a_month(town: City, clock: Clock) -> None:
    start = clock.at - timedelta(days=1)
    _month(town, clock)
    f = figures(scope=scope_for(town.agent), start=start, end=clock.at)
    assert f.total == 4
    assert f.by_type == [("complaint", 2), ("fault", 1), ("inquiry", 1)]
    assert f.by_class == [("service", 2)]
    assert f.by_unit == [("城区供电所", 3), ("乡镇供电所", 1)]
    assert (f.complaints, f.customers) == (2, 2)
    assert f.complaints_per_10k == 10_000.0
    # Kept: complaint contact + reply, fault arrival + restoration. Broken: inquiry reply,
    # second complaint contact + reply.
    assert (f.deadlines_kept, f.deadlines_due) == (4, 7)
    assert f.repeat_complaints == 1
    assert (f.callbacks_reached, f.callbacks_satisfied, f.satisfaction) == (1, 1, 1.0)


def test_a_unit_supervisor_counts_only_the_units_orders(town: City, clock: Clock) -> None:
    start = clock.at - timedelta(days=1)
    _month(town, clock)
    assert figures(scope=scope_for(town.other_supervisor), start=start, end=clock.at).by_type == [("fault", 1)]


def test_the_figures_page_and_excel_export(town: City, clock: Clock) -> None:
    _month(town, clock)
    client = signed_in(town.supervisor)
    assert client.get("/workorders/figures/?days=90").status_code == 200
    response = client.get("/workorders/figures.xlsx?days=90")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "按类型", "投诉分类", "按单位"]
    assert [c.value for c in book["按类型"]["A"]] == ["工单类型", "投诉", "咨询"]  # the fault is in U2
    assert signed_in(town.clerk).get("/workorders/figures/").status_code == 403
