"""Appointment slots: the day and start a booking may take, and the free places of a day's slots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count
from django.utils.translation import gettext as _

from gridcare.core.calendar import is_working_day
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date
from gridcare.halls.models import (
    Appointment,
    AppointmentStatus,
    BusinessType,
)
from gridcare.halls.rules import (
    AppointmentRules,
    appointment_rules,
    clock_text,
    slot_end,
    slot_starts,
)
from gridcare.halls.services.tickets import business_type_for
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall

Actor = User | AnonymousUser | None


def parse_day(raw: str | date) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        message = _("日期格式应为YYYY-MM-DD，例如2026-11-24。")
        raise InvalidInput(message, errors={"date": message}) from None


def parse_start(raw: str | time) -> time:
    if isinstance(raw, time):
        return raw
    try:
        return datetime.strptime((raw or "").strip(), "%H:%M").time()  # noqa: DTZ007 - a clock time, no date
    except ValueError:
        raise InvalidInput(_("开始时间格式应为HH:MM，例如09:00。")) from None


def check_day(day: date, rules: AppointmentRules) -> None:
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


def check_start(hall: Hall, start: time) -> time:
    starts = slot_starts(hall.opens_at, hall.closes_at)
    if start not in starts:
        raise InvalidInput(
            _("预约时段须为营业时间内的整半小时时段（%(first)s至%(last)s开始，每30分钟一段）。")
            % {"first": clock_text(starts[0]) if starts else "-", "last": clock_text(starts[-1]) if starts else "-"}
        )
    return slot_end(start)


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
            "start": clock_text(self.start),
            "end": clock_text(self.end),
            "capacity": self.capacity,
            "booked": self.booked,
            "free": self.free,
        }


def slot_taken(business_type: BusinessType, day: date) -> dict[time, int]:
    rows = (
        Appointment.objects.filter(business_type=business_type, day=day)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values("starts_at")
        .annotate(n=Count("id"))
    )
    return {row["starts_at"]: row["n"] for row in rows}


def appointment_slots(*, scope: Scope, hall: Hall, kind: str, day: str | date) -> list[Slot]:
    """The day's slots of a business type with their free places; refuses a day one may not book."""
    require(scope, Capability.TICKET_ISSUE)
    business_type = business_type_for(hall=hall, kind=kind)
    rules = appointment_rules()
    parsed = parse_day(day)
    try:
        check_day(parsed, rules)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, errors={"date": exc.message}) from None
    taken = slot_taken(business_type, parsed)
    return [
        Slot(start=start, end=slot_end(start), capacity=rules.capacity, booked=taken.get(start, 0))
        for start in slot_starts(hall.opens_at, hall.closes_at)
    ]
