"""Append-only history rows of tickets, terminals, appointments and hall devices. The hall
records the time of the step (``at``), so a row and the change it records agree to the instant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridcare.core.events import Actor, record
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


def ticket_event(
    *,
    ticket: Ticket,
    type: TicketEvent.Type,
    actor: Actor,
    at: datetime,
    counter: Counter | None = None,
    **parameters: Any,
) -> TicketEvent:
    return record(TicketEvent, ticket=ticket, counter=counter, type=type, actor=actor, at=at, parameters=parameters)


def terminal_event(
    *, terminal: Terminal, type: TerminalEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> TerminalEvent:
    return record(TerminalEvent, terminal=terminal, type=type, actor=actor, at=at, parameters=parameters)


def appointment_event(
    *, appointment: Appointment, type: AppointmentEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> AppointmentEvent:
    return record(AppointmentEvent, appointment=appointment, type=type, actor=actor, at=at, parameters=parameters)


def device_event(
    *, device: HallDevice, type: HallDeviceEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> HallDeviceEvent:
    return record(HallDeviceEvent, device=device, type=type, actor=actor, at=at, parameters=parameters)
