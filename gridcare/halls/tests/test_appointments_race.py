"""Races on PostgreSQL with real threads: two desks checking the same appointment in at once give
one ticket; many customers booking the last places of a slot at once never overbook it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, run_together
from gridcare.halls.models import Appointment, AppointmentEvent, Ticket, TicketEvent
from gridcare.halls.services.appointments import appointment_book, appointment_check_in
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at, book
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_checking_in_the_same_appointment_at_once_give_one_ticket(hall_town: City, clock: Clock) -> None:
    assert connection.vendor == "postgresql"
    appointments = [book(hall_town, start=f"{h:02d}:00", phone=f"138000000{h:02d}") for h in (9, 10)]
    clock.set(at(TUESDAY, 9, 45))  # inside both windows (09:00 ends 09:45; 10:00 opens 09:30)
    for appointment in appointments:
        users = [hall_town.guide, hall_town.clerk, hall_town.manager, hall_town.admin]

        def press(i: int, reference: str = appointment.reference, users: list[Any] = users) -> Ticket:
            user = users[i % len(users)]
            return appointment_check_in(scope=scope_for(user), actor=user, reference=reference)

        tickets, errors = run_together(8, press)
        assert len(tickets) == 1
        assert len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
        appointment.refresh_from_db()
        assert (appointment.status, appointment.ticket_id) == ("checked_in", tickets[0].pk)
    assert Ticket.objects.count() == 2
    assert sorted(Ticket.objects.values_list("number", flat=True)) == ["A001", "A002"]
    assert TicketEvent.objects.filter(type="issued").count() == 2
    assert AppointmentEvent.objects.filter(type="checked_in").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_customers_booking_one_slot_at_once_never_overbook_it(hall_town: City, clock: Clock) -> None:
    assert connection.vendor == "postgresql"
    users = [hall_town.guide, hall_town.clerk, hall_town.manager, hall_town.admin]

    def press(i: int) -> Appointment:
        user = users[i % len(users)]
        return appointment_book(
            scope=scope_for(user),
            actor=user,
            hall=hall_town.hall,
            kind="payment",
            day=TUESDAY,
            start="10:00",
            phone=f"139000000{i:02d}",
        )

    booked, errors = run_together(10, press)
    assert len(booked) == 2
    assert len(errors) == 8 and all(isinstance(e, Conflict) and "预约已满" in str(e) for e in errors)
    assert Appointment.objects.filter(day=TUESDAY, status="booked").count() == 2
    assert AppointmentEvent.objects.count() == 2
