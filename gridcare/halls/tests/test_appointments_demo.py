"""The demo halls get a few appointments for today and the next working day, once."""

from __future__ import annotations

from datetime import date, time

import pytest

from gridcare.core.testing import City
from gridcare.halls.demo import demo_days, seed_appointments
from gridcare.halls.models import Appointment, AppointmentEvent
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at


@pytest.mark.django_db
def test_the_demo_days_are_today_when_working_and_the_next_working_day() -> None:
    assert demo_days(MONDAY) == [MONDAY, TUESDAY]
    assert demo_days(date(2026, 11, 27)) == [date(2026, 11, 27), date(2026, 11, 30)]  # Friday → Monday
    assert demo_days(date(2026, 11, 28)) == [date(2026, 11, 30)]  # Saturday: the halls are closed today
    assert demo_days(date(2026, 9, 30)) == [date(2026, 9, 30), date(2026, 10, 8)]  # over the National Day holiday


@pytest.mark.django_db
def test_seeding_twice_books_the_demo_appointments_once(hall_town: City, clock: Clock) -> None:
    assert seed_appointments() == 20  # 2 halls × 2 days × 5
    assert seed_appointments() == 0
    today = Appointment.objects.filter(hall=hall_town.hall, day=MONDAY).order_by("starts_at")
    assert [(a.starts_at, a.business_type.kind, a.status) for a in today] == [
        (time(9, 0), "new_connection", "booked"),
        (time(9, 30), "payment", "booked"),
        (time(10, 30), "account_change", "booked"),
        (time(14, 0), "meter_test", "booked"),
        (time(15, 30), "consultation", "booked"),
    ]
    assert Appointment.objects.filter(day=TUESDAY).count() == 10
    assert AppointmentEvent.objects.filter(type="booked").count() == 20
    clock.set(at(TUESDAY, 7, 0))  # the next day: Tuesday has its bookings, Wednesday gets new ones
    assert seed_appointments() == 10
    assert Appointment.objects.filter(day=date(2026, 11, 25)).count() == 10
