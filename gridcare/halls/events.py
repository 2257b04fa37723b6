"""Append-only history rows of tickets, terminals, appointments and hall devices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    HallDevice,
    HallDeviceEvent,
    Terminal,
    TerminalEvent,
    Ticket,
    TicketEvent,
)
from gridcare.org.models import Counter


def _user(actor: User | AnonymousUser | None) -> User | None:
    return actor if isinstance(actor, User) else None


def ticket_event(
    *,
    ticket: Ticket,
    type: TicketEvent.Type,
    actor: User | AnonymousUser | None,
    at: datetime,
    counter: Counter | None = None,
    **parameters: Any,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, type=type, actor=_user(actor), counter=counter, created_at=at, parameters=parameters
    )


def terminal_event(
    *,
    terminal: Terminal,
    type: TerminalEvent.Type,
    actor: User | AnonymousUser | None,
    at: datetime,
    **parameters: Any,
) -> TerminalEvent:
    return TerminalEvent.objects.create(
        terminal=terminal, type=type, actor=_user(actor), created_at=at, parameters=parameters
    )


def appointment_event(
    *,
    appointment: Appointment,
    type: AppointmentEvent.Type,
    actor: User | AnonymousUser | None,
    at: datetime,
    **parameters: Any,
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment, type=type, actor=_user(actor), created_at=at, parameters=parameters
    )


def device_event(
    *,
    device: HallDevice,
    type: HallDeviceEvent.Type,
    actor: User | AnonymousUser | None,
    at: datetime,
    **parameters: Any,
) -> HallDeviceEvent:
    return HallDeviceEvent.objects.create(
        device=device, type=type, actor=_user(actor), created_at=at, parameters=parameters
    )
