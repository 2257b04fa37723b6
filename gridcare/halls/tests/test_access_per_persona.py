"""Who may issue, call and look at hall H1's queue. Other halls' objects are "not found"."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Ticket, TicketEvent
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue

# persona: (issue a ticket, call next, read the queue)
EXPECTED = {
    "clerk": (201, 200, 200),
    "guide": (201, 403, 200),
    "manager": (201, 200, 200),
    "admin": (201, 200, 200),
    "supervisor": (403, 403, 200),  # U1 supervisor: looks at the unit's halls, does not operate
    "kam": (403, 403, 200),
    "community": (403, 403, 200),
    "other_manager": (404, 404, 404),
    "other_supervisor": (404, 404, 404),
    "agent": (404, 404, 404),
    "planner": (403, 403, 200),  # company-wide role without a unit: sees every hall of the company
    "foreign_clerk": (404, 404, 404),
    "outsider": (404, 404, 404),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_gets_exactly_its_rights_on_hall_h1(hall_town: City, persona: str) -> None:
    issue(hall_town, "payment")
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    client = api_client(hall_town.users[persona])
    want_issue, want_call, want_read = EXPECTED[persona]
    issued = post(client, "/api/v1/halls/H1/tickets", {"business_type": "payment"})
    assert issued.status_code == want_issue
    if want_issue != 201:
        assert (Ticket.objects.count(), TicketEvent.objects.count()) == before
    called = post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    assert called.status_code == want_call
    if want_call != 200:
        assert Ticket.objects.filter(status="called").count() == 0
    assert client.get("/api/v1/halls/H1/queue").status_code == want_read


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_manager", "foreign_clerk", "agent", "outsider"])
def test_a_ticket_of_another_hall_is_not_found_for_every_action(hall_town: City, persona: str) -> None:
    ticket = issue(hall_town, "payment")
    client = api_client(hall_town.users[persona])
    for action in ("recall", "no-show", "finish", "evaluation"):
        assert post(client, f"/api/v1/tickets/{ticket.pk}/{action}", {"rating": "satisfied"}).status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert ticket.events.count() == 1


@pytest.mark.django_db
def test_without_a_token_the_api_asks_for_sign_in(hall_town: City) -> None:
    from django.test import Client

    response = post(Client(), "/api/v1/halls/H1/tickets", {"business_type": "payment"})
    assert response.status_code == 401
    assert Ticket.objects.count() == 0
