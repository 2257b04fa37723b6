"""Builders for the portal's hall-visit and request tests: the halls set up as the demo sets them
up, a faked clock on a working Monday morning, a browser with a customer's portal session, a
finished ticket, a closed order, and a snapshot of everything those flows may write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City, api_client
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Appointment, AppointmentEvent, Evaluation, Ticket, TicketEvent
from gridcare.halls.tests.appointments_helpers import MONDAY, Clock, at
from gridcare.notices.models import Notice
from gridcare.portal.access import COOKIE, USER_KEY
from gridcare.portal.models import PortalUser
from gridcare.workorders.models import CallBack, OrderEvent, OrderRating, WorkOrder


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Monday 23 November 2026, 10:00 in Shanghai: the halls are open."""
    c = Clock(at(MONDAY, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


@pytest.fixture
def halls(town: City, clock: Clock) -> City:
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    return town


def page_client(user: PortalUser, *, english: bool = False) -> Client:
    """A browser with the customer's portal session."""
    session = SessionStore()
    session[USER_KEY] = user.pk
    session.create()
    client = Client()
    client.cookies[COOKIE] = session.session_key or ""
    if english:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def serve(town: City, ticket: Ticket) -> Ticket:
    """The clerk calls the ticket to counter 2 and finishes it."""
    clerk = api_client(town.clerk)
    called = post_json(clerk, f"/api/v1/counters/{town.counters[1].pk}/call-next").json()
    assert called["ticket"]["id"] == ticket.pk, called
    post_json(clerk, f"/api/v1/tickets/{ticket.pk}/finish")
    ticket.refresh_from_db()
    return ticket


def close(town: City, number: str) -> None:
    """The 95598 agent takes the customer's request, answers it and closes it."""
    agent = api_client(town.agent)
    for action in ("accept", "reply", "close"):
        answer = post_json(agent, f"/api/v1/workorders/{number}/{action}")
        assert answer.status_code == 200, answer.content


def written() -> tuple[Any, ...]:
    """Every row the hall-visit and request flows may write, to show a refusal wrote nothing."""
    return (
        list(Ticket.objects.order_by("pk").values_list("pk", "status")),
        TicketEvent.objects.count(),
        list(Evaluation.objects.values_list("ticket_id", "rating")),
        list(Appointment.objects.order_by("pk").values_list("pk", "status")),
        AppointmentEvent.objects.count(),
        list(Notice.objects.order_by("pk").values_list("pk", "status")),
        list(WorkOrder.objects.order_by("pk").values_list("pk", "status")),
        OrderEvent.objects.count(),
        CallBack.objects.count(),
        list(OrderRating.objects.values_list("order_id", "score")),
    )
