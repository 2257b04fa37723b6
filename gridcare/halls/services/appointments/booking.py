"""Booking an appointment: every field checked at once, one place of the slot taken under the
business type's row lock, a reference drawn that was never used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, DomainError, InvalidInput
from gridcare.core.timezone import now
from gridcare.customers import rules as customer_rules
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.halls.events import appointment_event
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    BusinessType,
)
from gridcare.halls.rules import (
    appointment_rules,
    clock_text,
    new_reference,
    reminder_moment,
)
from gridcare.halls.services.appointments.slots import check_day, check_start, parse_day, parse_start, slot_taken
from gridcare.halls.services.tickets import business_type_for
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall

Actor = User | AnonymousUser | None


@dataclass(frozen=True)
class _Booking:
    business_type: BusinessType
    day: date
    start: time
    end: time
    phone: str
    account: Account | None


def _validate_booking(
    scope: Scope, hall: Hall, kind: str, day: str | date, start: str | time, phone: str, account_no: str
) -> _Booking:
    """Every field checked; one Chinese message per bad field, all at once."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}
    checks: dict[str, Callable[[], Any]] = {
        "business_type": lambda: business_type_for(hall=hall, kind=kind),
        "date": lambda: _checked_day(day),
        "start": lambda: _checked_slot(hall, start),
        "phone": lambda: customer_rules.normalise_phone(phone),
        "account_no": lambda: (
            account_get_for_scope(scope=scope, account_no=account_no.strip()) if account_no.strip() else None
        ),
    }
    for field, check in checks.items():
        try:
            found[field] = check()
        except DomainError as exc:
            errors[field] = str(exc.errors.get(field, exc.message))
    if errors:
        raise InvalidInput(_("预约信息有误，请按提示修改。"), errors=errors)
    return _Booking(
        business_type=found["business_type"],
        day=found["date"],
        start=found["start"][0],
        end=found["start"][1],
        phone=found["phone"],
        account=found["account_no"],
    )


def _checked_day(day: str | date) -> date:
    parsed = parse_day(day)
    check_day(parsed, appointment_rules())
    return parsed


def _checked_slot(hall: Hall, start: str | time) -> tuple[time, time]:
    parsed = parse_start(start)
    return parsed, check_start(hall, parsed)


def appointment_book(
    *,
    scope: Scope,
    actor: Actor,
    hall: Hall,
    kind: str,
    day: str | date,
    start: str | time,
    phone: str,
    account_no: str = "",
) -> Appointment:
    """Book a slot: a working day from tomorrow up to ``days_ahead`` ahead, a whole half hour within
    the hall's hours, a place left in the slot, and one live booking per phone, day and type."""
    require(scope, Capability.TICKET_ISSUE)
    booking = _validate_booking(scope, hall, kind, day, start, phone, account_no)
    with transaction.atomic():
        # Bookings of one type queue on its row, so two customers never take the last place both.
        BusinessType.objects.select_for_update().filter(pk=booking.business_type.pk).first()
        _refuse_duplicate(hall, booking)
        rules = appointment_rules()
        if slot_taken(booking.business_type, booking.day).get(booking.start, 0) >= rules.capacity:
            raise Conflict(
                _("%(day)s %(start)s-%(end)s的“%(type)s”预约已满，请选择其他时段。")
                % {
                    "day": booking.day.isoformat(),
                    "start": clock_text(booking.start),
                    "end": clock_text(booking.end),
                    "type": booking.business_type.name,
                }
            )
        appointment = _create(hall, booking, actor)
        appointment_event(
            appointment=appointment, type=AppointmentEvent.Type.BOOKED, actor=actor, at=appointment.created_at
        )
        _queue_reminder(appointment)
    return appointment


def reminder_key(appointment: Appointment) -> str:
    return f"appointment_reminder:{appointment.pk}"


def _queue_reminder(appointment: Appointment) -> None:
    """The booking reminder, held in the outbox until the day before the slot (withdrawn when the
    booking is cancelled first). A booking made after that moment gets none: it is fresh."""
    leaves = reminder_moment(appointment.day, appointment_rules())
    if leaves <= appointment.created_at:
        return
    notice_enqueue(
        template_code="appointment_reminder",
        variables={
            "day": f"{appointment.day.month}月{appointment.day.day}日",
            "start": clock_text(appointment.starts_at),
            "end": clock_text(appointment.ends_at),
            "hall": appointment.hall.name,
            "business": appointment.business_type.name,
            "reference": appointment.reference,
        },
        recipient=appointment.phone,
        account_id=appointment.account_id,
        dedupe_key=reminder_key(appointment),
        not_before=leaves,
    )


def _refuse_duplicate(hall: Hall, booking: _Booking) -> None:
    existing = (
        Appointment.objects.filter(
            hall=hall,
            business_type=booking.business_type,
            day=booking.day,
            phone=booking.phone,
            status=AppointmentStatus.BOOKED,
        )
        .values_list("reference", flat=True)
        .first()
    )
    if existing:
        raise Conflict(
            _("该手机号已预约%(day)s的“%(type)s”（预约号%(ref)s），如需改期请先取消原预约。")
            % {"day": booking.day.isoformat(), "type": booking.business_type.name, "ref": existing}
        )


def _create(hall: Hall, booking: _Booking, actor: Actor) -> Appointment:
    for _attempt in range(5):
        reference = new_reference()
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    hall=hall,
                    business_type=booking.business_type,
                    day=booking.day,
                    starts_at=booking.start,
                    ends_at=booking.end,
                    phone=booking.phone,
                    account=booking.account,
                    reference=reference,
                    booked_by=actor_user(actor),
                    created_at=now(),
                )
        except IntegrityError:
            if not Appointment.objects.filter(reference=reference).exists():
                raise
    raise RuntimeError("no free appointment reference after 5 draws")  # pragma: no cover
