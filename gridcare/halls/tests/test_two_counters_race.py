"""Two counters pressing "call next" at once never get the same ticket.

On PostgreSQL real threads press at once. On SQLite (and PostgreSQL) the losing side of the race is
replayed deterministically: a counter that read the queue before another counter claimed the
ticket finds its conditional update refused and takes the next ticket instead.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from typing import Any

import pytest
from django.db import connection

from gridcare.core.testing import City, run_together
from gridcare.core.timezone import now
from gridcare.halls.exceptions import InvalidTransition
from gridcare.halls.models import CounterSetup, Ticket, TicketStatus
from gridcare.halls.services import tickets
from gridcare.halls.tests.helpers import issue
from gridcare.org.access import scope_for


@pytest.mark.django_db
def test_a_claim_made_on_a_stale_read_is_refused_and_changes_nothing(hall_town: City) -> None:
    issue(hall_town, "payment")
    stale = Ticket.objects.get()  # counter 3 read the queue …
    scope = scope_for(hall_town.clerk)
    won = tickets.counter_call_next(
        scope=scope, actor=hall_town.clerk, counter=hall_town.counters[1]
    )  # … counter 2 won
    assert won is not None
    with pytest.raises(InvalidTransition):
        tickets.ticket_transition(
            ticket=stale,
            action=tickets.Action.CALL,
            actor=hall_town.clerk,
            at=now(),
            changes={"counter": hall_town.counters[2]},
        )
    won.refresh_from_db()
    assert (won.status, won.counter) == (TicketStatus.CALLED, hall_town.counters[1])
    assert won.events.filter(type="called").count() == 1


@pytest.mark.django_db
def test_call_next_skips_a_ticket_claimed_between_reading_and_claiming(
    hall_town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue(hall_town, "payment")
    issue(hall_town, "payment")
    original = tickets.waiting_for_counter

    def read_then_lose_the_first(**kwargs: Any) -> list[Ticket]:
        rows = original(**kwargs)
        # Another counter claims A001 right after this counter read the queue.
        Ticket.objects.filter(number="A001").update(status=TicketStatus.CALLED, counter=hall_town.counters[2])
        return rows

    monkeypatch.setattr(tickets, "waiting_for_counter", read_then_lose_the_first)
    won = tickets.counter_call_next(
        scope=scope_for(hall_town.clerk), actor=hall_town.clerk, counter=hall_town.counters[1]
    )
    assert won is not None and won.number == "A002"
    assert Ticket.objects.get(number="A001").counter == hall_town.counters[2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_threads_on_several_counters_call_every_ticket_exactly_once(hall_town: City) -> None:
    assert connection.vendor == "postgresql"
    for counter in hall_town.counters:
        CounterSetup.objects.get(counter=counter).business_types.set(
            hall_town.hall.business_types.filter(kind="payment")
        )
    total = 60
    for _ in range(total):
        issue(hall_town, "payment")
    called: list[str] = []
    lock = threading.Lock()

    def press(counter_index: int) -> None:
        # The hall manager works every counter (a clerk is signed in at one counter only).
        scope = scope_for(hall_town.manager)
        counter = hall_town.counters[counter_index % 3]
        while True:
            try:
                ticket = tickets.counter_call_next(scope=scope, actor=hall_town.manager, counter=counter)
            except tickets.CounterBusy:
                continue  # the other thread at this counter has a ticket in hand
            if ticket is None:
                return
            with lock:
                called.append(ticket.number)
            tickets.ticket_finish(scope=scope, actor=hall_town.manager, ticket=ticket)

    _, errors = run_together(6, press)
    assert errors == []
    assert len(called) == total
    assert Tally(called).most_common(1)[0][1] == 1
    assert Ticket.objects.filter(status=TicketStatus.FINISHED).count() == total
    assert Ticket.objects.filter(events__type="called").count() == total
