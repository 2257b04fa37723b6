"""Append-only history rows of tickets, terminals, appointments and hall devices. The hall
records the time of the step (``at``), so a row and the change it records agree to the instant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, one_of, register
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    HallDevice,
    HallDeviceEvent,
    HomeVisit,
    HomeVisitChannel,
    HomeVisitEvent,
    HomeVisitReason,
    Kind,
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


def home_visit_event(
    *, home_visit: HomeVisit, type: HomeVisitEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> HomeVisitEvent:
    return record(HomeVisitEvent, home_visit=home_visit, type=type, actor=actor, at=at, parameters=parameters)


# The sentences of a home visit's history (gridcare.core.history): the visit page shows them. A
# customer's own step (in the portal) has no staff actor: ``by`` says so; ``why`` is a typed reason.
_H = HomeVisitEvent.Type
_NOTE = _("，说明：%(note)s")
register(
    HomeVisitEvent,
    labels=_H.choices,
    shows={
        "channel": label_of(HomeVisitChannel),
        "purpose": label_of(Kind),
        "reason": label_of(HomeVisitReason),
        "by": one_of({"customer": _("客户")}),
    },
    sentences={
        _H.REQUESTED: [
            Sentence(_("%(by)s 经%(channel)s申请上门办理“%(purpose)s”，原因：%(reason)s"), more=(_NOTE,)),
            Sentence(_("%(actor)s 经%(channel)s申请上门办理“%(purpose)s”，原因：%(reason)s"), more=(_NOTE,)),
        ],
        _H.SCHEDULED: _("%(actor)s 安排 %(clerk)s 于 %(day)s %(start)s-%(end)s 上门"),
        _H.REASSIGNED: _("%(actor)s 改派 %(clerk)s 于 %(day)s %(start)s-%(end)s 上门"),
        _H.DONE: Sentence(_("%(actor)s 登记上门办结"), more=(_("：%(note)s"),)),
        _H.FAILED: Sentence(_("%(actor)s 登记上门未办成"), more=(_("：%(note)s"),)),
        _H.CANCELLED: [
            Sentence(_("%(by)s 取消上门服务"), more=(_("，原因：%(why)s"),)),
            Sentence(_("%(actor)s 取消上门服务"), more=(_("，原因：%(why)s"),)),
        ],
    },
)
