"""Small builders for the hall tests (not fixtures: plain functions)."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City
from gridcare.core.timezone import now
from gridcare.halls.models import Ticket
from gridcare.halls.services.tickets import ticket_issue
from gridcare.org.access import scope_for


def issue(
    town: City, kind: str, *, priority: str = "normal", minutes_ago: int = 0, phone: str = "", hall: str = "H1"
) -> Ticket:
    """Issue a ticket as the guide; ``minutes_ago`` backdates its issue time."""
    user = town.guide if hall == "H1" else town.other_manager
    target = town.hall if hall == "H1" else town.other_hall
    ticket = ticket_issue(
        scope=scope_for(user), actor=user, hall=target, kind=kind, source="guide", priority=priority, phone=phone
    )
    if minutes_ago:
        Ticket.objects.filter(pk=ticket.pk).update(issued_at=now() - timedelta(minutes=minutes_ago))
        ticket.refresh_from_db()
    return ticket
