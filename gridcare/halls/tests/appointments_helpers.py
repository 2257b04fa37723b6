"""Builders for the appointment tests: a faked clock (the ``clock`` fixture in conftest.py sets it
to Monday 10:00) and booking as the hall's guide."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.models import Appointment, AppointmentEvent, Ticket, TicketEvent, TicketSequence
from gridcare.halls.services.appointments import appointment_book
from gridcare.org.access import scope_for

# Monday 23 November 2026, a working day; Tuesday the 24th is the first bookable day and
# Monday the 30th the last (the 28th and 29th are a weekend).
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def at(day: date, hh: int, mm: int, ss: int = 0, us: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, us, tzinfo=SHANGHAI)


class Clock:
    """The faked clock: every service reads it through django.utils.timezone.now."""

    def __init__(self, moment: datetime) -> None:
        self.at = moment

    def set(self, moment: datetime) -> datetime:
        self.at = moment
        return moment

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


def book(
    town: City,
    *,
    day: date = TUESDAY,
    start: str = "10:00",
    kind: str = "payment",
    phone: str = "13812345678",
    account_no: str = "",
    hall: str = "H1",
) -> Appointment:
    """Book as the hall's guide (H1) or manager (H2)."""
    user = town.guide if hall == "H1" else town.other_manager
    target = town.hall if hall == "H1" else town.other_hall
    return appointment_book(
        scope=scope_for(user),
        actor=user,
        hall=target,
        kind=kind,
        day=day,
        start=start,
        phone=phone,
        account_no=account_no,
    )


def snapshot() -> tuple[Any, ...]:
    """Everything an appointment action may write, to show a refusal wrote nothing."""
    return (
        list(Appointment.objects.order_by("pk").values_list("pk", "status", "ticket_id", "checked_in_at")),
        AppointmentEvent.objects.count(),
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        list(TicketSequence.objects.values_list("business_type_id", "day", "last")),
    )
