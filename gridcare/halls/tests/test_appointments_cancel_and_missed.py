"""Cancelling (by the customer with reference and phone, or by hall staff; never after check-in)
and marking the appointments nobody came for as missed (safe to run twice)."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Appointment, AppointmentEvent
from gridcare.halls.services.appointments import appointment_counts, appointments_mark_missed
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at, book, snapshot
from gridcare.halls.tests.conftest import post


def cancel(
    town: City, reference: str, body: dict[str, str] | None = None, user: str = "guide"
) -> tuple[int, dict[str, Any]]:
    response = post(api_client(town.users[user]), f"/api/v1/appointments/{reference}/cancel", body or {})
    return response.status_code, response.json()


@pytest.mark.django_db
def test_the_customer_cancels_with_reference_and_phone(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(MONDAY, 18, 0))
    status, body = cancel(hall_town, appointment.reference, {"phone": "138 1234 5678", "reason": "临时有事"})
    assert status == 200
    assert (body["reference"], body["status"], body["phone"]) == (appointment.reference, "cancelled", "138****5678")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert list(appointment.events.values_list("type", "parameters", "created_at")) == [
        ("cancelled", {"by": "customer", "reason": "临时有事"}, at(MONDAY, 18, 0)),
        ("booked", {}, at(MONDAY, 10, 0)),
    ]


@pytest.mark.django_db
def test_hall_staff_cancel_without_the_phone(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    status, body = cancel(hall_town, appointment.reference, user="manager")
    assert (status, body["status"]) == (200, "cancelled")
    event = appointment.events.get(type="cancelled")
    assert (event.parameters, event.actor) == ({"by": "staff", "reason": ""}, hall_town.manager)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("phone", "message"),
    [("13900000000", "手机号与预约登记的手机号不一致。"), ("1381234", "手机号码应为11位，当前为7位。")],
)
def test_a_wrong_phone_cancels_nothing(hall_town: City, clock: Clock, phone: str, message: str) -> None:
    appointment = book(hall_town)
    before = snapshot()
    status, body = cancel(hall_town, appointment.reference, {"phone": phone})
    assert (status, body) == (422, {"detail": message, "errors": {"phone": message}})
    assert snapshot() == before


@pytest.mark.django_db
def test_a_checked_in_or_cancelled_appointment_cannot_be_cancelled(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(TUESDAY, 10, 0))
    assert (
        post(api_client(hall_town.guide), f"/api/v1/appointments/{appointment.reference}/check-in").status_code == 201
    )
    before = snapshot()
    status, body = cancel(hall_town, appointment.reference, {"phone": "13812345678"})
    assert (status, body["detail"]) == (409, f"预约{appointment.reference}已签到（A001号），不能取消。")
    assert snapshot() == before
    other = book(hall_town, day=date(2026, 11, 25))
    assert cancel(hall_town, other.reference)[0] == 200
    before = snapshot()
    assert cancel(hall_town, other.reference) == (409, {"detail": f"预约{other.reference}已取消。", "errors": {}})
    assert snapshot() == before


@pytest.mark.django_db
def test_an_appointment_whose_window_has_passed_cannot_be_cancelled(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(TUESDAY, 10, 45))
    before = snapshot()
    clock.set(at(TUESDAY, 10, 45, 1))
    assert cancel(hall_town, appointment.reference) == (
        409,
        {"detail": f"预约{appointment.reference}的时段已过，不能取消。", "errors": {}},
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_an_over_long_reason_is_refused(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    status, body = cancel(hall_town, appointment.reference, {"reason": "太" * 101})
    assert (status, body["errors"]) == (422, {"reason": "取消原因最多100字。"})
    assert Appointment.objects.get().status == "booked"


@pytest.mark.django_db
def test_missed_appointments_are_those_whose_window_has_closed_and_a_second_run_marks_none(
    hall_town: City, clock: Clock
) -> None:
    early = book(hall_town, start="09:00", phone="13800000001")  # window closes 09:45
    late = book(hall_town, start="16:00", phone="13800000002")  # window closes 16:45
    checked_in = book(hall_town, start="09:00", phone="13800000003")
    cancelled = book(hall_town, start="09:00", kind="invoice", phone="13800000004")
    wednesday = book(hall_town, day=date(2026, 11, 25), phone="13800000005")
    clock.set(at(TUESDAY, 9, 0))
    post(api_client(hall_town.guide), f"/api/v1/appointments/{checked_in.reference}/check-in")
    cancel(hall_town, cancelled.reference)

    clock.set(at(TUESDAY, 9, 45))
    assert appointments_mark_missed(day=TUESDAY) == 0  # the window closes at 09:45 inclusive
    clock.set(at(TUESDAY, 12, 0))
    assert appointments_mark_missed(day=TUESDAY) == 1
    assert appointments_mark_missed(day=TUESDAY) == 0
    clock.set(at(TUESDAY, 20, 0))
    assert appointments_mark_missed(day=TUESDAY) == 1
    assert appointments_mark_missed(day=TUESDAY) == 0
    statuses = dict(Appointment.objects.values_list("reference", "status"))
    assert statuses == {
        early.reference: "missed",
        late.reference: "missed",
        checked_in.reference: "checked_in",
        cancelled.reference: "cancelled",
        wednesday.reference: "booked",
    }
    assert list(AppointmentEvent.objects.filter(type="missed").values_list("appointment__reference", "created_at")) == [
        (late.reference, at(TUESDAY, 20, 0)),
        (early.reference, at(TUESDAY, 12, 0)),
    ]
    assert appointment_counts(hall_town.hall, TUESDAY, date(2026, 11, 25)) == {
        "booked": 1,
        "checked_in": 1,
        "cancelled": 1,
        "missed": 2,
    }


@pytest.mark.django_db
def test_a_missed_appointment_can_no_longer_be_checked_in_or_cancelled(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(TUESDAY, 10, 45))  # still inside the window: nothing to mark yet
    assert appointments_mark_missed(day=TUESDAY) == 0
    clock.set(at(date(2026, 11, 25), 1, 0))
    assert appointments_mark_missed(day=TUESDAY) == 1
    clock.set(at(TUESDAY, 10, 40))  # even with the clock turned back: the status decides
    before = snapshot()
    response = post(api_client(hall_town.guide), f"/api/v1/appointments/{appointment.reference}/check-in")
    assert (response.status_code, response.json()["detail"]) == (
        409,
        f"预约{appointment.reference}已过签到时间未到（爽约），请重新取号或预约。",
    )
    assert cancel(hall_town, appointment.reference)[0] == 409
    assert snapshot() == before


@pytest.mark.django_db
def test_the_command_marks_a_day_and_is_safe_to_run_twice(hall_town: City, clock: Clock) -> None:
    book(hall_town, phone="13800000001")
    book(hall_town, start="11:00", phone="13800000002")
    clock.set(at(date(2026, 11, 25), 8, 0))
    out = StringIO()
    call_command("mark_missed_appointments", "--date", "2026-11-24", stdout=out)
    call_command("mark_missed_appointments", "--date", "2026-11-24", stdout=out)
    assert out.getvalue().splitlines() == ["2026-11-24：2 个预约标记为爽约。", "2026-11-24：0 个预约标记为爽约。"]
    assert AppointmentEvent.objects.filter(type="missed").count() == 2
    clock.set(at(TUESDAY, 23, 0))
    out = StringIO()
    call_command("mark_missed_appointments", stdout=out)  # default: today
    assert out.getvalue() == "2026-11-24：0 个预约标记为爽约。\n"
