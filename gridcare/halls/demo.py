"""Demo set-up of the four demo halls: business types, what each counter serves, terminals, the
hall's devices (a kiosk, a display board, a pad per counter), demo clerk N signed in at counter N,
and a few appointments for today and the next working day.

Idempotent: types and terminals are found by their codes; counters already set up are left alone;
a hall that has devices gets no more; a day that already has appointments in a hall gets no more.
The devices are registered unpaired: the hall manager pairs a browser from /halls/<hall>/devices/.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from gridcare.core.calendar import is_working_day
from gridcare.core.timezone import business_date, now
from gridcare.halls.events import appointment_event
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    BusinessType,
    CounterSetup,
    CounterStatus,
    DeviceKind,
    HallDevice,
    Kind,
    TerminalKind,
)
from gridcare.halls.services.appointments import new_reference, slot_end
from gridcare.halls.services.devices import device_register
from gridcare.halls.services.setup import counter_configure, hall_setup_defaults
from gridcare.halls.services.terminals import terminal_register
from gridcare.org.models import Counter, Hall

# Counter 1 takes the key accounts and the long business, counter 2 the quick business, the rest
# everything but key accounts.
LONG = [Kind.KEY_ACCOUNT, Kind.NEW_CONNECTION, Kind.ACCOUNT_CHANGE, Kind.COMPLAINT, Kind.METER_TEST]
QUICK = [Kind.PAYMENT, Kind.INVOICE, Kind.CONSULTATION]
GENERAL = [k for k in Kind if k != Kind.KEY_ACCOUNT]


def counter_kinds(number: int) -> list[str]:
    if number == 1:
        return [str(k) for k in LONG]
    if number == 2:
        return [str(k) for k in QUICK]
    return [str(k) for k in GENERAL]


@transaction.atomic
def seed_halls() -> int:
    """Set up every hall that has no business types yet; returns how many were set up."""
    done = 0
    for hall in Hall.objects.order_by("code"):
        if BusinessType.objects.filter(hall=hall).exists():
            continue
        configure_hall(hall)
        done += 1
    seed_devices()
    seat_demo_clerks()
    seed_appointments()
    return done


def seed_devices() -> int:
    """Register the screens of every hall that has none: 取号机, 叫号屏, and N号窗口评价器 for each
    counter; returns how many were registered."""
    made = 0
    for hall in Hall.objects.order_by("code"):
        if HallDevice.objects.filter(hall=hall).exists():
            continue
        device_register(scope=None, actor=None, hall=hall, kind=DeviceKind.KIOSK, name="取号机")
        device_register(scope=None, actor=None, hall=hall, kind=DeviceKind.BOARD, name="叫号屏")
        made += 2
        for counter in Counter.objects.filter(hall=hall).order_by("number"):
            device_register(
                scope=None,
                actor=None,
                hall=hall,
                kind=DeviceKind.PAD,
                name=f"{counter.number}号窗口评价器",
                counter_id=counter.pk,
            )
            made += 1
    return made


def seat_demo_clerks() -> int:
    """Demo clerk hNN.cN signed in at counter N of hall HNN where nobody is (README: "clerk N
    sits at counter N"); returns how many were seated."""
    users = {u.username: u for u in get_user_model().objects.filter(username__regex=r"^h[0-9]+\.c[0-9]+$")}
    seated = 0
    setups = CounterSetup.objects.filter(clerk__isnull=True).exclude(status=CounterStatus.CLOSED)
    for setup in setups.select_related("counter__hall"):
        user = users.get(f"{setup.counter.hall.code.lower()}.c{setup.counter.number}")
        if user is not None:
            setup.clerk = user
            setup.save(update_fields=["clerk"])
            seated += 1
    return seated


def configure_hall(hall: Hall) -> None:
    hall_setup_defaults(hall=hall)
    for counter in Counter.objects.filter(hall=hall):
        if not CounterSetup.objects.filter(counter=counter).exists():
            counter_configure(counter=counter, kinds=counter_kinds(counter.number), status=CounterStatus.OPEN)
    terminal_register(hall=hall, code=f"{hall.code}-T1", kind=TerminalKind.PAYMENT, name="自助缴费机1")
    terminal_register(hall=hall, code=f"{hall.code}-T2", kind=TerminalKind.ALL_IN_ONE, name="自助服务一体机")


# (start, business type, phone) of the demo bookings of one hall and day.
DEMO_APPOINTMENTS = (
    (time(9, 0), Kind.NEW_CONNECTION, "13900001001"),
    (time(9, 30), Kind.PAYMENT, "13900001002"),
    (time(10, 30), Kind.ACCOUNT_CHANGE, "13900001003"),
    (time(14, 0), Kind.METER_TEST, "13900001004"),
    (time(15, 30), Kind.CONSULTATION, "13900001005"),
)


def demo_days(today: date) -> list[date]:
    """Today when the halls work today, and the next working day."""
    days = [today] if _working(today) else []
    day = today + timedelta(days=1)
    for _n in range(30):
        if _working(day):
            return [*days, day]
        day += timedelta(days=1)
    return days


def _working(day: date) -> bool:
    return is_working_day(day)  # Monday to Friday in a year without a holiday notice


def seed_appointments() -> int:
    """Book the demo appointments (as if booked earlier through the app) where a hall has none
    that day; returns how many were made."""
    made = 0
    at = now()
    for hall in Hall.objects.order_by("code"):
        types = {t.kind: t for t in BusinessType.objects.filter(hall=hall, active=True)}
        for day in demo_days(business_date(at)):
            if Appointment.objects.filter(hall=hall, day=day).exists():
                continue
            for start, kind, phone in DEMO_APPOINTMENTS:
                if kind not in types or not hall.opens_at <= start < slot_end(start) <= hall.closes_at:
                    continue
                appointment = Appointment.objects.create(
                    hall=hall,
                    business_type=types[kind],
                    day=day,
                    starts_at=start,
                    ends_at=slot_end(start),
                    phone=phone,
                    reference=new_reference(),
                    created_at=at,
                )
                appointment_event(
                    appointment=appointment, type=AppointmentEvent.Type.BOOKED, actor=None, at=at, demo=True
                )
                made += 1
    return made
