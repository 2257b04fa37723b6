"""An id no database column can hold (above 2**63 - 1) is "not found", never a server error (SEC-4).

The ORM answers such a lookup with an empty result; the hand-written hot-path reads of
``core.sql`` answer the same, on SQLite (whose driver raises OverflowError) and PostgreSQL.
"""

from __future__ import annotations

import pytest

from gridcare.core.sql import fetch
from gridcare.core.testing import City, api_client, signed_in
from gridcare.halls.models import CounterSetup, Ticket, TicketEvent
from gridcare.halls.tests.conftest import hall_town, post  # noqa: F401 - fixture

HUGE = 2**63  # one past the largest BIGINT
HUGER = 10**30
# A body every action accepts, so the answer is about the id alone.
BODY = {"rating": "satisfied", "status": "fault", "description": "屏幕不亮", "count": 1}

API_POSTS = [
    "/api/v1/counters/{id}/call-next",
    "/api/v1/counters/{id}/pause",
    "/api/v1/counters/{id}/resume",
    "/api/v1/counters/{id}/close",
    "/api/v1/tickets/{id}/recall",
    "/api/v1/tickets/{id}/no-show",
    "/api/v1/tickets/{id}/finish",
    "/api/v1/tickets/{id}/transfer",
    "/api/v1/tickets/{id}/evaluation",
    "/api/v1/terminals/{id}/status",
    "/api/v1/terminals/{id}/usage",
    "/api/v1/terminals/{id}/fault",
]
PAGES = ["/halls/counter/{id}/", "/halls/pad/{id}/"]


def test_fetch_answers_no_rows_for_an_integer_no_column_can_hold(db: None) -> None:
    assert fetch("SELECT id FROM halls_ticket WHERE id = %s", [HUGE]) == []
    assert fetch("SELECT id FROM halls_ticket WHERE id = %s", [-(2**63) - 1]) == []
    assert fetch("SELECT %s", [2**63 - 1]) == [(2**63 - 1,)]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, HUGER])
@pytest.mark.parametrize("url", API_POSTS)
def test_api_actions_on_a_huge_id_are_not_found(hall_town: City, url: str, number: int) -> None:  # noqa: F811
    before = (Ticket.objects.count(), TicketEvent.objects.count(), list(CounterSetup.objects.values_list("status")))
    answer = post(api_client(hall_town.users["clerk"]), url.format(id=number), BODY)
    assert answer.status_code == 404, answer.content
    assert set(answer.json()) == {"detail", "errors"}
    after = (Ticket.objects.count(), TicketEvent.objects.count(), list(CounterSetup.objects.values_list("status")))
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, HUGER])
def test_api_reads_and_pages_on_a_huge_id_are_not_found(hall_town: City, number: int) -> None:  # noqa: F811
    assert api_client(hall_town.users["clerk"]).get(f"/api/v1/tickets/{number}").status_code == 404
    page = signed_in(hall_town.users["clerk"])
    for url in PAGES:
        assert page.get(url.format(id=number)).status_code == 404
    assert page.post(f"/halls/counter/{number}/call-next/").status_code == 404
