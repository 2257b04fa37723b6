"""Hall appointments (预约办电, HALL-2): book a half-hour slot, cancel it, check it in on the day
(which issues an appointment ticket), and mark the ones nobody came for as missed.

Every change is one transaction with an ``AppointmentEvent``; a refusal raises before anything is
written. The numbers (places per slot, days ahead, check-in window) are in
``settings.GRIDCARE_RULES`` (``HALL_APPOINTMENT_*``).
"""

from __future__ import annotations

import secrets
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from gridcare.core.calendar import is_working_day
from gridcare.core.exceptions import Conflict, DomainError, InvalidInput, NotFound
from gridcare.core.timezone import SHANGHAI, business_date, local_datetime, now
from gridcare.customers import rules as customer_rules
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.halls.access import ISSUE_ROLES, require_role
from gridcare.halls.events import appointment_event
from gridcare.halls.exceptions import NotThisDevice
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    BusinessType,
    DeviceKind,
    HallDevice,
    Priority,
    Source,
    Ticket,
)
from gridcare.halls.services.tickets import business_type_for, ticket_issue
from gridcare.org.access import Scope
from gridcare.org.models import Hall

Actor = User | AnonymousUser | None

SLOT_MINUTES = 30
# Eight characters without the look-alikes 0/O, 1/I/L: read out over the phone and typed on a
# kiosk without mistakes. 31**8 ≈ 8.5e11 codes, never reused.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


@dataclass(frozen=True)
class AppointmentRules:
    capacity: int  # places per slot and business type
    days_ahead: int  # bookable from tomorrow up to today + days_ahead
    early_minutes: int  # check-in opens this long before the slot starts …
    late_minutes: int  # … and closes this long after it ends


def appointment_rules() -> AppointmentRules:
    conf: dict[str, Any] = settings.GRIDCARE_RULES
    return AppointmentRules(
        capacity=int(conf.get("HALL_APPOINTMENT_SLOT_CAPACITY", 2)),
        days_ahead=int(conf.get("HALL_APPOINTMENT_DAYS_AHEAD", 7)),
        early_minutes=int(conf.get("HALL_APPOINTMENT_EARLY_MINUTES", 30)),
        late_minutes=int(conf.get("HALL_APPOINTMENT_LATE_MINUTES", 15)),
    )


# --- pure rules ----------------------------------------------------------------------------------


def slot_starts(opens_at: time, closes_at: time, minutes: int = SLOT_MINUTES) -> list[time]:
    """The starts of the whole slots between opening and closing: 08:30, 09:00 … 17:00 for a
    hall open 08:30-17:30."""
    day = date(2000, 1, 3)  # any date: only the clock matters
    start, end, step = datetime.combine(day, opens_at), datetime.combine(day, closes_at), timedelta(minutes=minutes)
    starts = []
    while start + step <= end:
        starts.append(start.time())
        start += step
    return starts


def slot_end(start: time, minutes: int = SLOT_MINUTES) -> time:
    return (datetime.combine(date(2000, 1, 3), start) + timedelta(minutes=minutes)).time()


def check_in_window(day: date, starts_at: time, ends_at: time, rules: AppointmentRules) -> tuple[datetime, datetime]:
    """From ``early_minutes`` before the slot to ``late_minutes`` after its end, both included."""
    return (
        local_datetime(day, starts_at) - timedelta(minutes=rules.early_minutes),
        local_datetime(day, ends_at) + timedelta(minutes=rules.late_minutes),
    )


def normalise_reference(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _n in range(REFERENCE_LENGTH))


def _hm(moment: time | datetime) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(SHANGHAI).time()
    return f"{moment:%H:%M}"


# --- validation ------------------------------------------------------------------------------------


def parse_day(raw: str | date) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        message = _("日期格式应为YYYY-MM-DD，例如2026-11-24。")
        raise InvalidInput(message, errors={"date": message}) from None


def _parse_start(raw: str | time) -> time:
    if isinstance(raw, time):
        return raw
    try:
        return datetime.strptime((raw or "").strip(), "%H:%M").time()  # noqa: DTZ007 - a clock time, no date
    except ValueError:
        raise InvalidInput(_("开始时间格式应为HH:MM，例如09:00。")) from None


def _check_day(day: date, rules: AppointmentRules) -> None:
    today = business_date()
    first, last = today + timedelta(days=1), today + timedelta(days=rules.days_ahead)
    if day < first:
        raise InvalidInput(_("预约日期最早为明天（%(first)s）。") % {"first": first.isoformat()})
    if day > last:
        raise InvalidInput(
            _("只能预约%(n)d天内的日期（最晚%(last)s）。") % {"n": rules.days_ahead, "last": last.isoformat()}
        )
    if not is_working_day(day):
        raise InvalidInput(_("%(day)s不是工作日，营业厅不受理预约。") % {"day": day.isoformat()})


def _check_start(hall: Hall, start: time) -> time:
    starts = slot_starts(hall.opens_at, hall.closes_at)
    if start not in starts:
        raise InvalidInput(
            _("预约时段须为营业时间内的整半小时时段（%(first)s至%(last)s开始，每30分钟一段）。")
            % {"first": _hm(starts[0]) if starts else "-", "last": _hm(starts[-1]) if starts else "-"}
        )
    return slot_end(start)


# --- slots -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": _hm(self.start),
            "end": _hm(self.end),
            "capacity": self.capacity,
            "booked": self.booked,
            "free": self.free,
        }


def _taken(business_type: BusinessType, day: date) -> dict[time, int]:
    rows = (
        Appointment.objects.filter(business_type=business_type, day=day)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values("starts_at")
        .annotate(n=Count("id"))
    )
    return {row["starts_at"]: row["n"] for row in rows}


def appointment_slots(*, scope: Scope, hall: Hall, kind: str, day: str | date) -> list[Slot]:
    """The day's slots of a business type with their free places; refuses a day one may not book."""
    require_role(scope, ISSUE_ROLES)
    business_type = business_type_for(hall=hall, kind=kind)
    rules = appointment_rules()
    parsed = parse_day(day)
    try:
        _check_day(parsed, rules)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, errors={"date": exc.message}) from None
    taken = _taken(business_type, parsed)
    return [
        Slot(start=start, end=slot_end(start), capacity=rules.capacity, booked=taken.get(start, 0))
        for start in slot_starts(hall.opens_at, hall.closes_at)
    ]


# --- booking ---------------------------------------------------------------------------------------


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
    _check_day(parsed, appointment_rules())
    return parsed


def _checked_slot(hall: Hall, start: str | time) -> tuple[time, time]:
    parsed = _parse_start(start)
    return parsed, _check_start(hall, parsed)


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
    require_role(scope, ISSUE_ROLES)
    booking = _validate_booking(scope, hall, kind, day, start, phone, account_no)
    with transaction.atomic():
        # Bookings of one type queue on its row, so two customers never take the last place both.
        BusinessType.objects.select_for_update().filter(pk=booking.business_type.pk).first()
        _refuse_duplicate(hall, booking)
        rules = appointment_rules()
        if _taken(booking.business_type, booking.day).get(booking.start, 0) >= rules.capacity:
            raise Conflict(
                _("%(day)s %(start)s-%(end)s的“%(type)s”预约已满，请选择其他时段。")
                % {
                    "day": booking.day.isoformat(),
                    "start": _hm(booking.start),
                    "end": _hm(booking.end),
                    "type": booking.business_type.name,
                }
            )
        appointment = _create(hall, booking, actor)
        appointment_event(
            appointment=appointment, type=AppointmentEvent.Type.BOOKED, actor=actor, at=appointment.created_at
        )
    return appointment


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
                    booked_by=actor if isinstance(actor, User) else None,
                    created_at=now(),
                )
        except IntegrityError:
            if not Appointment.objects.filter(reference=reference).exists():
                raise
    raise RuntimeError("no free appointment reference after 5 draws")  # pragma: no cover


# --- one appointment -------------------------------------------------------------------------------


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
        at = _hm(appointment.checked_in_at) if appointment.checked_in_at else ""
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
                "start": _hm(appointment.starts_at),
                "end": _hm(appointment.ends_at),
                "opens": _hm(opens),
                "closes": _hm(closes),
            }
        )
    if at > closes:
        raise Conflict(
            _("已超过签到时间（%(closes)s），预约%(ref)s已失效，请重新取号。") % {"closes": _hm(closes), "ref": ref}
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
            require_role(scope, ISSUE_ROLES)
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
        require_role(scope, ISSUE_ROLES)
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
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(appointment=a, type=AppointmentEvent.Type.MISSED, created_at=at, parameters={}) for a in due
    )
    return marked


# --- reads for the pages and the figures -----------------------------------------------------------


@dataclass(frozen=True)
class AppointmentLine:
    reference: str
    start: str
    end: str
    business_type_name: str
    phone: str  # masked
    status: str
    status_display: str
    ticket_number: str
    can_check_in: bool


def appointments_of_day(hall: Hall, day: date, *, at: datetime | None = None) -> list[AppointmentLine]:
    """The hall's appointments of a day in slot order, phones masked (the guide's tablet)."""
    at = at or now()
    rules = appointment_rules()
    rows = Appointment.objects.filter(hall=hall, day=day).select_related("business_type", "ticket")
    lines = []
    for a in rows.order_by("starts_at", "business_type__prefix", "id"):
        opens, closes = check_in_window(a.day, a.starts_at, a.ends_at, rules)
        lines.append(
            AppointmentLine(
                reference=a.reference,
                start=_hm(a.starts_at),
                end=_hm(a.ends_at),
                business_type_name=a.business_type.name,
                phone=customer_rules.mask_phone(a.phone),
                status=a.status,
                status_display=a.get_status_display(),
                ticket_number=a.ticket.number if a.ticket else "",
                can_check_in=a.status == AppointmentStatus.BOOKED and opens <= at <= closes,
            )
        )
    return lines


def appointment_counts(hall: Hall, start: date, end: date) -> dict[str, int]:
    """Appointments of the days ``start``…``end`` by status (the hall figures count the missed)."""
    tally = Tally(Appointment.objects.filter(hall=hall, day__gte=start, day__lte=end).values_list("status", flat=True))
    return {status: tally.get(status, 0) for status in AppointmentStatus.values}
