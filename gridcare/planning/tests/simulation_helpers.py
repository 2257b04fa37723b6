"""A hall history for the simulation's tests: finished tickets with known handling times, some
no-shows, some priority tickets (written directly: the history is the test's given)."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.timezone import business_date, now
from gridcare.halls.models import BusinessType, Kind, Priority, Source, Ticket, TicketStatus
from gridcare.org.models import Hall


def hall_history(hall: Hall, *, finished: int = 30, no_shows: int = 5, minutes: float = 4.0) -> BusinessType:
    """``finished`` payment tickets handled in exactly ``minutes`` after waiting 6 minutes, every
    fifth a green-channel one, and ``no_shows`` that were called after 10 minutes and gone."""
    payment = BusinessType.objects.create(hall=hall, kind=Kind.PAYMENT, name="缴费", prefix="A", expected_minutes=5)
    BusinessType.objects.create(hall=hall, kind=Kind.CONSULTATION, name="咨询", prefix="B", expected_minutes=8)
    start = now() - timedelta(days=1)
    for n in range(finished + no_shows):
        issued = start + timedelta(minutes=10 * n)
        shown = n < finished
        called = issued + timedelta(minutes=6 if shown else 10)
        Ticket.objects.create(
            hall=hall,
            business_type=payment,
            day=business_date(issued),
            number=f"A{n + 1:03d}",
            priority=Priority.ELDERLY if n % 5 == 0 else Priority.NORMAL,
            source=Source.KIOSK,
            status=TicketStatus.FINISHED if shown else TicketStatus.NO_SHOW,
            issued_at=issued,
            first_called_at=called,
            called_at=called,
            finished_at=called + timedelta(minutes=minutes) if shown else None,
        )
    return payment
