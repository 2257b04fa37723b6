"""One booked appointment on the day: checked in (which issues its ticket), cancelled, or marked
missed once its check-in window has closed. A booked appointment is the only one that moves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import record_many
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.halls.events import appointment_event
from gridcare.halls.exceptions import NotThisDevice
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    DeviceKind,
    HallDevice,
    Priority,
    Source,
    Ticket,
)
from gridcare.halls.rules import (
    appointment_rules,
    check_in_window,
    clock_text,
    normalise_reference,
)
from gridcare.halls.services.appointments.booking import reminder_key
from gridcare.halls.services.tickets import ticket_issue
from gridcare.notices.services.withdrawals import notice_withdraw
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall

Actor = User | AnonymousUser | None


def appointment_get_for_scope(*, scope: Scope, reference: str, lock: bool = False) -> Appointment:
    """The appointment of this reference in a hall the caller sees; missing and not-yours are the
    same 404. ``lock`` takes its row lock (inside a transaction)."""
    query = Appointment.objects.filter(scope.hall_filter(), reference=normalise_reference(reference))
    if lock:
        query = query.select_for_update(of=("self",))
    appointment = query.select_related("hall", "business_type", "account", "ticket").first()
    if appointment is None:
        raise NotFound(_("未找到预约号 %(ref)s。") % {"ref": reference.strip()})
    return appointment


def _refuse_unless_booked(appointment: Appointment, action: str) -> None:
    """The one transition table: only a booked appointment is checked in, cancelled or missed."""
    if appointment.status == AppointmentStatus.BOOKED:
        return
    ref = appointment.reference
    if appointment.status == AppointmentStatus.CHECKED_IN:
        number = appointment.ticket.number if appointment.ticket else ""
        at = clock_text(appointment.checked_in_at) if appointment.checked_in_at else ""
        if action == "check_in":
            raise Conflict(
                _("预约%(ref)s已于%(at)s签到（%(number)s号），不能重复签到。")
                % {"ref": ref, "at": at, "number": number}
            )
        raise Conflict(_("预约%(ref)s已签到（%(number)s号），不能取消。") % {"ref": ref, "number": number})
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Conflict(_("预约%(ref)s已取消。") % {"ref": ref})
    raise Conflict(_("预约%(ref)s已过签到时间未到（爽约），请重新取号或预约。") % {"ref": ref})


def _claim(appointment: Appointment, to: str, **changes: Any) -> None:
    """Move a booked appointment on with a conditional UPDATE; 0 rows means someone was first."""
    updated = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
        status=to, **changes
    )
    if not updated:
        raise Conflict(_("该预约的状态刚被他人改变，请刷新后重试。"))
    appointment.status = AppointmentStatus(to)
    for name, value in changes.items():
        setattr(appointment, name, value)


def _refuse_outside_window(appointment: Appointment, at: datetime) -> None:
    ref, day = appointment.reference, appointment.day
    today = business_date(at)
    if today < day:
        raise Conflict(_("预约%(ref)s的日期是%(day)s，请在当天签到。") % {"ref": ref, "day": day.isoformat()})
    if today > day:
        raise Conflict(_("预约%(ref)s的日期%(day)s已过，不能签到。") % {"ref": ref, "day": day.isoformat()})
    opens, closes = check_in_window(day, appointment.starts_at, appointment.ends_at, appointment_rules())
    if at < opens:
        raise Conflict(
            _("还未到签到时间：预约时段%(start)s-%(end)s，请在%(opens)s至%(closes)s之间签到。")
            % {
                "start": clock_text(appointment.starts_at),
                "end": clock_text(appointment.ends_at),
                "opens": clock_text(opens),
                "closes": clock_text(closes),
            }
        )
    if at > closes:
        raise Conflict(
            _("已超过签到时间（%(closes)s），预约%(ref)s已失效，请重新取号。")
            % {"closes": clock_text(closes), "ref": ref}
        )


def _appointment_for_device(device: HallDevice, reference: str) -> Appointment:
    """The kiosk finds the appointments of its own hall only (any other is "not found")."""
    if device.kind != DeviceKind.KIOSK:
        raise NotThisDevice(_("该设备不能办理预约签到。"))
    appointment = (
        Appointment.objects.filter(hall_id=device.hall_id, reference=normalise_reference(reference))
        .select_for_update(of=("self",))
        .select_related("hall", "business_type", "account", "ticket")
        .first()
    )
    if appointment is None:
        raise NotFound(_("未找到预约号 %(ref)s。") % {"ref": reference.strip()})
    return appointment


def appointment_check_in(
    *,
    scope: Scope,
    actor: Actor,
    reference: str,
    hall: Hall | None = None,
    kind: str | None = None,
    device: HallDevice | None = None,
) -> Ticket:
    """Check a booked appointment in within its window: issues the appointment ticket (priority
    ``appointment``) and marks the appointment checked in, in one transaction. ``hall`` and
    ``kind``, when given, must be the appointment's (the ticket endpoint passes them). ``device``:
    the hall's kiosk checks in (no staff), for appointments of its own hall only."""
    with transaction.atomic():
        if device is not None:
            appointment = _appointment_for_device(device, reference)
        else:
            appointment = appointment_get_for_scope(scope=scope, reference=reference, lock=True)
            require(scope, Capability.TICKET_ISSUE)
        if hall is not None and appointment.hall_id != hall.pk:
            raise Conflict(
                _("预约号%(ref)s是%(hall)s的预约，请到该营业厅签到。")
                % {"ref": appointment.reference, "hall": appointment.hall.name}
            )
        if kind is not None and appointment.business_type.kind != kind:
            message = _("该预约办理的是“%(type)s”，与所选业务不一致。") % {"type": appointment.business_type.name}
            raise InvalidInput(message, errors={"business_type": message})
        _refuse_unless_booked(appointment, "check_in")
        _refuse_outside_window(appointment, now())
        ticket = ticket_issue(
            scope=scope,
            actor=actor,
            hall=appointment.hall,
            kind=appointment.business_type.kind,
            source=Source.APPOINTMENT,
            priority=Priority.APPOINTMENT,
            phone=appointment.phone,
            account=appointment.account,
            appointment_ref=appointment.reference,
            device=device,
        )
        _claim(appointment, AppointmentStatus.CHECKED_IN, ticket=ticket, checked_in_at=ticket.issued_at)
        appointment_event(
            appointment=appointment,
            type=AppointmentEvent.Type.CHECKED_IN,
            actor=actor,
            at=ticket.issued_at,
            ticket=ticket.number,
            **({"device": device.pk} if device is not None else {}),
        )
    return ticket


def appointment_cancel(*, scope: Scope, actor: Actor, reference: str, phone: str = "", reason: str = "") -> Appointment:
    """Cancel a booked appointment: by the customer (the phone given must be the booking's) or
    by hall staff (no phone). Not once checked in, and not after its check-in window."""
    with transaction.atomic():
        appointment = appointment_get_for_scope(scope=scope, reference=reference, lock=True)
        require(scope, Capability.TICKET_ISSUE)
        clean_phone, reason = _cancel_input(appointment, phone, reason)
        _refuse_unless_booked(appointment, "cancel")
        at = now()
        closes = check_in_window(appointment.day, appointment.starts_at, appointment.ends_at, appointment_rules())[1]
        if at > closes:
            raise Conflict(_("预约%(ref)s的时段已过，不能取消。") % {"ref": appointment.reference})
        _claim(appointment, AppointmentStatus.CANCELLED)
        by = "customer" if clean_phone else "staff"
        appointment_event(
            appointment=appointment, type=AppointmentEvent.Type.CANCELLED, actor=actor, at=at, by=by, reason=reason
        )
        notice_withdraw(dedupe_key=reminder_key(appointment), reason="appointment cancelled")
    return appointment


def _cancel_input(appointment: Appointment, phone: str, reason: str) -> tuple[str, str]:
    reason = reason.strip()
    if len(reason) > 100:
        raise InvalidInput(_("取消原因最多100字。"), errors={"reason": _("取消原因最多100字。")})
    if not phone.strip():
        return "", reason
    try:
        clean_phone = customer_rules.normalise_phone(phone)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, errors={"phone": str(exc.message)}) from None
    if clean_phone != appointment.phone:
        message = _("手机号与预约登记的手机号不一致。")
        raise InvalidInput(message, errors={"phone": message})
    return clean_phone, reason


@transaction.atomic
def appointments_mark_missed(*, day: date, at: datetime | None = None) -> int:
    """Mark the day's booked appointments whose check-in window has closed as missed; returns how
    many. Running it again finds none left (safe to repeat; a nightly job)."""
    at = at or now()
    rules = appointment_rules()
    booked = Appointment.objects.select_for_update().filter(day=day, status=AppointmentStatus.BOOKED)
    due = [a for a in booked if check_in_window(a.day, a.starts_at, a.ends_at, rules)[1] < at]
    if not due:
        return 0
    marked = Appointment.objects.filter(pk__in=[a.pk for a in due], status=AppointmentStatus.BOOKED).update(
        status=AppointmentStatus.MISSED
    )
    record_many(
        AppointmentEvent, ({"appointment": a} for a in due), type=AppointmentEvent.Type.MISSED, actor=None, at=at
    )
    return marked
