"""The outages list pages instead of stopping at 200: the page shows its total, the API takes
?page= and ?page_size= and says the total in headers while the body stays a list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_django import Settings

from gridcare.core.testing import City, api_client, signed_in
from gridcare.notices.models import Outage
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


@pytest.fixture
def three(town: City) -> list[int]:
    ids = []
    for day in (8, 10, 12):
        data = NewOutage(
            kind="planned",
            reason=f"线路检修{day}",
            starts_at=MORNING + timedelta(days=day),
            ends_at=MORNING + timedelta(days=day, hours=6),
            areas=["T1"],
        )
        ids.append(outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING).pk)
    return ids[::-1]  # newest start first


def test_the_api_pages_the_outages_with_the_total_in_headers(town: City, three: list[int]) -> None:
    client = api_client(town.agent)
    first = client.get("/api/v1/outages?page_size=2")
    second = client.get("/api/v1/outages?page=2&page_size=2")
    assert [o["id"] for o in first.json()] == three[:2]
    assert [o["id"] for o in second.json()] == three[2:]
    assert (second["X-Total-Count"], second["X-Page"], second["X-Page-Size"], second["X-Page-Count"]) == (
        "3",
        "2",
        "2",
        "2",
    )
    assert [o["id"] for o in client.get("/api/v1/outages").json()] == three


def test_the_api_refuses_a_page_size_out_of_range_in_chinese(town: City, three: list[int]) -> None:
    answer = api_client(town.agent).get("/api/v1/outages?page_size=0")
    assert answer.status_code == 422
    assert answer.json() == {"detail": "分页参数有误。", "errors": {"page_size": "每页条数应在 1 到 500 之间。"}}
    assert Outage.objects.count() == 3


def test_the_outages_page_shows_its_total_and_pages(town: City, three: list[int], settings: Settings) -> None:
    settings.GRIDCARE_PAGE_SIZE = 2
    client = signed_in(town.agent)
    first = client.get("/notices/outages/")
    assert "共 3 条 · 第 1/2 页" in first.content.decode()
    assert [o["id"] for o in client.get("/notices/outages/?page=2").context["rows"]] == three[2:]
