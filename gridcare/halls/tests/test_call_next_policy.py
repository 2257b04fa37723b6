from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import CounterSetup, Ticket, TicketEvent
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue


def call(town: City, counter_index: int, user_name: str = "clerk") -> tuple[int, str | None]:
    counter = town.counters[counter_index]
    response = post(api_client(town.users[user_name]), f"/api/v1/counters/{counter.pk}/call-next")
    number = response.json()["ticket"]["number"] if response.status_code == 200 else None
    if number:
        ticket = Ticket.objects.get(hall=town.hall, number=number)
        post(api_client(town.users[user_name]), f"/api/v1/tickets/{ticket.pk}/finish")
    return response.status_code, number


@pytest.mark.django_db
def test_a_counter_calls_only_the_types_it_serves(hall_town: City) -> None:
    issue(hall_town, "payment", minutes_ago=10)
    issue(hall_town, "new_connection", minutes_ago=5)
    # Counter 1 serves long business, not payment: it takes the newer new-connection ticket.
    assert call(hall_town, 0) == (200, "B001")
    assert call(hall_town, 0) == (204, None)
    # The clerk is signed in at counter 1 now; the hall manager may work any counter.
    assert call(hall_town, 1, "manager") == (200, "A001")


@pytest.mark.django_db
def test_priority_classes_go_first_in_order_key_account_green_channel_appointment_normal(hall_town: City) -> None:
    issue(hall_town, "consultation", priority="normal", minutes_ago=9)
    issue(hall_town, "consultation", priority="appointment", minutes_ago=8)
    issue(hall_town, "consultation", priority="elderly", minutes_ago=7)
    issue(hall_town, "consultation", priority="vip", minutes_ago=6)
    issue(hall_town, "consultation", priority="elderly", minutes_ago=5)
    called = [call(hall_town, 2)[1] for _ in range(5)]
    assert called == ["D004", "D003", "D005", "D002", "D001"]


@pytest.mark.django_db
def test_a_ticket_waiting_longer_than_the_ageing_time_goes_ahead_of_newer_priority_tickets(hall_town: City) -> None:
    issue(hall_town, "payment", priority="normal", minutes_ago=21)  # A001, aged (default 20 minutes)
    issue(hall_town, "payment", priority="vip", minutes_ago=3)  # A002
    issue(hall_town, "payment", priority="normal", minutes_ago=19)  # A003, not yet aged
    assert [call(hall_town, 1)[1] for _ in range(3)] == ["A001", "A002", "A003"]


@pytest.mark.django_db
def test_among_aged_tickets_the_oldest_goes_first_whatever_its_class(hall_town: City) -> None:
    issue(hall_town, "payment", priority="vip", minutes_ago=25)  # A001
    issue(hall_town, "payment", priority="normal", minutes_ago=40)  # A002
    issue(hall_town, "payment", priority="elderly", minutes_ago=30)  # A003
    assert [call(hall_town, 1)[1] for _ in range(3)] == ["A002", "A003", "A001"]


@pytest.mark.django_db
def test_the_ageing_time_is_the_halls_setting(hall_town: City) -> None:
    hall_town.hall.queue_policy.ageing_minutes = 5
    hall_town.hall.queue_policy.save()
    issue(hall_town, "payment", priority="normal", minutes_ago=6)
    issue(hall_town, "payment", priority="vip", minutes_ago=1)
    assert call(hall_town, 1)[1] == "A001"


@pytest.mark.django_db
def test_call_next_answers_204_when_nobody_waits_for_the_counter(hall_town: City) -> None:
    issue(hall_town, "key_account")
    response = post(api_client(hall_town.clerk), f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    assert response.status_code == 204
    assert Ticket.objects.get().status == "waiting"


@pytest.mark.django_db
def test_a_call_records_counter_clerk_time_and_an_event(hall_town: City) -> None:
    ticket = issue(hall_town, "invoice")
    counter = hall_town.counters[1]
    response = post(api_client(hall_town.clerk), f"/api/v1/counters/{counter.pk}/call-next")
    assert response.status_code == 200
    assert response.json()["counter_number"] == 2
    assert response.json()["ticket"]["status"] == "called"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.counter, ticket.clerk) == ("called", counter, hall_town.clerk)
    assert ticket.called_at == ticket.first_called_at
    event = ticket.events.get(type=TicketEvent.Type.CALLED)
    assert (event.counter, event.actor, event.parameters) == (counter, hall_town.clerk, {"counter_number": 2})
    assert CounterSetup.objects.get(counter=counter).clerk == hall_town.clerk


@pytest.mark.django_db
def test_yesterdays_leftover_tickets_are_not_called(hall_town: City) -> None:
    from datetime import timedelta

    ticket = issue(hall_town, "payment")
    Ticket.objects.filter(pk=ticket.pk).update(day=ticket.day - timedelta(days=1))
    assert call(hall_town, 1) == (204, None)
