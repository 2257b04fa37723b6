"""Work-order lists (open, all, overdue, escalated, new connections) and their API lists are paged
with their total, never cut off at a fixed number."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


@pytest.fixture
def three(town: City, clock: Clock, settings: Any) -> list[WorkOrder]:
    settings.GRIDCARE_PAGE_SIZE = 2
    orders = []
    for i in range(3):
        orders.append(take(town.agent, type="inquiry", text=f"请问电价第{i}问"))
        clock.advance(minutes=1)
    return orders


def _numbers(client: Client, url: str) -> list[str]:
    """The order numbers a list page links to, in the order shown."""
    return re.findall(r">(\d{16})</a>", client.get(url).content.decode())


def test_the_order_list_pages_with_its_total_and_keeps_the_view(town: City, three: list[WorkOrder]) -> None:
    client = signed_in(town.agent)
    first = client.get("/workorders/?view=all").content.decode()
    assert "共 3 条 · 第 1/2 页" in first
    assert 'href="?view=all&amp;page=2" rel="next"' in first
    assert _numbers(client, "/workorders/?view=all") == [three[2].number, three[1].number]
    assert _numbers(client, "/workorders/?view=all&page=2") == [three[0].number]
    assert _numbers(client, "/workorders/?view=all&page=x") == [three[2].number, three[1].number]


def test_the_overdue_list_pages_too(town: City, three: list[WorkOrder], clock: Clock) -> None:
    clock.advance(days=30)  # every inquiry's reply deadline has passed
    client = signed_in(town.agent)
    assert "共 3 条 · 第 1/2 页" in client.get("/workorders/?view=overdue").content.decode()
    assert _numbers(client, "/workorders/?view=overdue&page=2") == [three[2].number]


def test_the_api_lists_page_with_totals_in_headers(town: City, three: list[WorkOrder], clock: Clock) -> None:
    client = api_client(town.agent)
    response = client.get("/api/v1/workorders?page=2&page_size=2")
    assert response.status_code == 200
    assert [o["number"] for o in response.json()] == [three[0].number]
    assert (response["X-Total-Count"], response["X-Page-Count"]) == ("3", "2")
    clock.advance(days=30)
    client = api_client(town.agent)  # a fresh token: the first one has expired by now
    overdue = client.get("/api/v1/workorders/overdue?page_size=1")
    assert ([o["number"] for o in overdue.json()], overdue["X-Total-Count"]) == ([three[0].number], "3")
    refused = client.get("/api/v1/workorders?page=0")
    assert (refused.status_code, refused.json()["errors"]) == (422, {"page": "页码应为大于等于 1 的整数。"})


def test_new_connections_are_paged(town: City, clock: Clock, settings: Any) -> None:
    settings.GRIDCARE_PAGE_SIZE = 2
    for i in range(3):
        services.new_connection_apply(
            scope=scope_for(town.kam),
            actor=town.kam,
            data=services.NewApplication(
                applicant=f"申请人{i}",
                address="上城区解放路2号",
                category="residential",
                supply_unit="U1",
                capacity_kva=Decimal("8"),
            ),
        )
        clock.advance(minutes=1)
    page = signed_in(town.kam).get("/workorders/connections/?mine=").content.decode()
    assert "共 3 条 · 第 1/2 页" in page
    api = api_client(town.kam).get("/api/v1/new-connections?page_size=2&page=2")
    assert (len(api.json()), api["X-Total-Count"]) == (1, "3")


def test_the_connection_list_names_the_category(town: City, clock: Clock) -> None:
    services.new_connection_apply(
        scope=scope_for(town.kam),
        actor=town.kam,
        data=services.NewApplication(
            applicant="申请人", address="上城区解放路2号", category="low_voltage", supply_unit="U1"
        ),
    )
    page = signed_in(town.kam).get("/workorders/connections/?mine=").content.decode()
    assert "<td>低压非居民</td>" in page and "<td>low_voltage</td>" not in page
