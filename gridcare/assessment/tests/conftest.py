"""Builders for the assessment tests: a few days of random hall tickets and work-order events."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import BusinessType, Evaluation, Rating, Ticket
from gridcare.org.models import Counter
from gridcare.workorders.tests.conftest import clock  # noqa: F401 (the work-order tests' clock, a fixture here too)

FIRST_DAY = date(2026, 11, 2)
DAYS = 5


@dataclass
class Made:
    tickets: list[Ticket]
    first: date
    last: date


def random_tickets(town: City, *, seed: int = 7, per_day: int = 40) -> Made:
    """Tickets of DAYS days in H1 and H2, called by the clerk, the manager (H1) and the other
    manager (H2) at random counters: served, no-shows, left unserved, some evaluated."""
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    rng = random.Random(seed)
    made: list[Ticket] = []
    places = [
        (town.hall, [town.clerk, town.manager]),
        (town.other_hall, [town.other_manager]),
    ]
    for d in range(DAYS):
        day = FIRST_DAY + timedelta(days=d)
        for hall, clerks in places:
            counters = list(Counter.objects.filter(hall=hall).order_by("number"))
            kind = BusinessType.objects.filter(hall=hall).order_by("pk").first()
            assert kind is not None
            for n in range(per_day):
                issued = datetime.combine(day, time(9), tzinfo=SHANGHAI) + timedelta(
                    seconds=rng.randint(0, 7 * 3600), microseconds=rng.randint(0, 999_999)
                )
                fate = rng.choices(["finished", "no_show", "waiting", "called"], weights=[80, 8, 8, 4])[0]
                ticket = Ticket(
                    hall=hall, business_type=kind, day=day, number=f"A{n:03d}", source="kiosk", issued_at=issued
                )
                ticket.status = fate
                if fate != "waiting":
                    ticket.counter = rng.choice(counters)
                    ticket.clerk = rng.choice(clerks)
                    ticket.first_called_at = issued + timedelta(
                        seconds=rng.randint(10, 2400), microseconds=rng.randint(0, 999_999)
                    )
                    ticket.called_at = ticket.first_called_at + timedelta(seconds=rng.choice([0, 0, 30]))
                if fate == "finished":
                    assert ticket.called_at is not None
                    ticket.finished_at = ticket.called_at + timedelta(
                        seconds=rng.randint(60, 1500), microseconds=rng.randint(0, 999_999)
                    )
                ticket.save()
                if fate == "finished" and rng.random() < 0.6:
                    Evaluation.objects.create(
                        ticket=ticket,
                        rating=rng.choice(Rating.values),
                        hall=hall,
                        counter=ticket.counter,
                        business_type=kind,
                        clerk=ticket.clerk,
                        created_at=ticket.finished_at,
                    )
                made.append(ticket)
    return Made(tickets=made, first=FIRST_DAY, last=FIRST_DAY + timedelta(days=DAYS - 1))


@pytest.fixture
def tickets(town: City) -> Made:
    return random_tickets(town)
