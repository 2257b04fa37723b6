"""Booking a hall appointment: whole half-hour slots within opening hours, working days only,
from tomorrow up to 7 days ahead, 2 places per slot and type; every refusal writes nothing."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.test import override_settings

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City, api_client
from gridcare.halls.models import Appointment, AppointmentEvent, AppointmentStatus, BusinessType
from gridcare.halls.services.appointments import (
    REFERENCE_ALPHABET,
    appointment_cancel,
    appointment_rules,
    check_in_window,
    slot_starts,
)
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at, book, snapshot
from gridcare.halls.tests.conftest import post
from gridcare.org.access import scope_for

URL = "/api/v1/halls/H1/appointments"
SLOTS = "/api/v1/halls/H1/appointment-slots"


def _book_by_api(town: City, *, day: str = "2026-11-24", start: str = "10:00", phone: str = "13812345678") -> Any:
    """A payment booking posted by the hall's guide, as the booking form sends it."""
    body = {"business_type": "payment", "date": day, "start": start, "phone": phone}
    return post(api_client(town.guide), URL, body)


def test_slots_are_the_whole_half_hours_between_opening_and_closing() -> None:
    starts = slot_starts(time(8, 30), time(17, 30))
    assert len(starts) == 18
    assert (starts[0], starts[1], starts[-1]) == (time(8, 30), time(9, 0), time(17, 0))
    # A closing time off the half hour leaves no partial slot at the end.
    assert slot_starts(time(9, 0), time(11, 15)) == [time(9, 0), time(9, 30), time(10, 0), time(10, 30)]
    assert slot_starts(time(9, 0), time(9, 20)) == []


def test_the_check_in_window_runs_from_30_minutes_before_to_15_minutes_after_the_slot() -> None:
    opens, closes = check_in_window(TUESDAY, time(10, 0), time(10, 30), appointment_rules())
    assert (opens, closes) == (at(TUESDAY, 9, 30), at(TUESDAY, 10, 45))


@pytest.mark.django_db
def test_a_booking_answers_with_its_reference_and_writes_the_appointment_and_its_event(
    hall_town: City, clock: Clock
) -> None:
    response = _book_by_api(hall_town, start="09:00", phone="+86 138-1234-5678")
    assert response.status_code == 201
    body = response.json()
    reference = body.pop("reference")
    assert len(reference) == 8 and set(reference) <= set(REFERENCE_ALPHABET)
    assert body == {
        "hall": "H1",
        "hall_name": "城区营业厅",
        "business_type": "payment",
        "business_type_name": "缴费",
        "date": "2026-11-24",
        "start": "09:00",
        "end": "09:30",
        "phone": "138****5678",
        "status": "booked",
        "ticket_number": None,
    }
    appointment = Appointment.objects.get(reference=reference)
    assert (appointment.phone, appointment.day, appointment.starts_at, appointment.ends_at) == (
        "13812345678",
        TUESDAY,
        time(9, 0),
        time(9, 30),
    )
    assert (appointment.status, appointment.booked_by, appointment.created_at) == (
        "booked",
        hall_town.guide,
        at(MONDAY, 10, 0),
    )
    assert list(appointment.events.values_list("type", "actor", "created_at")) == [
        ("booked", hall_town.guide.pk, at(MONDAY, 10, 0))
    ]


@pytest.mark.django_db
def test_a_booking_may_carry_the_customers_account(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town, account_no=hall_town.account.account_no)
    assert appointment.account == hall_town.account


@pytest.mark.django_db
def test_references_are_different_for_every_booking(hall_town: City, clock: Clock) -> None:
    references = {book(hall_town, start=f"{h:02d}:00", phone=f"138000000{h:02d}").reference for h in range(9, 17)}
    assert len(references) == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-11-23", "预约日期最早为明天（2026-11-24）。"),  # today
        ("2026-11-20", "预约日期最早为明天（2026-11-24）。"),
        ("2026-12-01", "只能预约7天内的日期（最晚2026-11-30）。"),
        ("2026-11-28", "2026-11-28不是工作日，营业厅不受理预约。"),  # Saturday
        ("2026-11-29", "2026-11-29不是工作日，营业厅不受理预约。"),
        ("24/11/2026", "日期格式应为YYYY-MM-DD，例如2026-11-24。"),
    ],
)
def test_a_day_outside_the_window_or_not_working_is_refused(
    hall_town: City, clock: Clock, day: str, message: str
) -> None:
    before = snapshot()
    response = _book_by_api(hall_town, day=day)
    assert response.status_code == 422
    assert response.json() == {"detail": "预约信息有误，请按提示修改。", "errors": {"date": message}}
    assert snapshot() == before


@pytest.mark.django_db
def test_the_first_and_the_last_bookable_days_are_tomorrow_and_seven_days_ahead(hall_town: City, clock: Clock) -> None:
    assert book(hall_town, day=TUESDAY).day == TUESDAY
    assert book(hall_town, day=date(2026, 11, 30)).day == date(2026, 11, 30)


@pytest.mark.django_db
def test_public_holidays_are_refused_and_make_up_working_weekends_are_bookable(hall_town: City, clock: Clock) -> None:
    clock.set(at(date(2026, 9, 29), 10, 0))  # Tuesday before the National Day holiday
    with pytest.raises(InvalidInput, match="预约信息有误") as refused:
        book(hall_town, day=date(2026, 10, 1))
    assert refused.value.errors == {"date": "2026-10-01不是工作日，营业厅不受理预约。"}
    clock.set(at(date(2026, 9, 18), 10, 0))  # the Friday before the make-up working Sunday
    assert book(hall_town, day=date(2026, 9, 20)).day == date(2026, 9, 20)
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start",
    ["08:00", "08:15", "09:10", "17:30", "18:00", "9 点", ""],
)
def test_a_start_not_on_a_half_hour_slot_within_opening_hours_is_refused(
    hall_town: City, clock: Clock, start: str
) -> None:
    before = snapshot()
    response = _book_by_api(hall_town, start=start)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["start"]
    if start in ("9 点", ""):
        assert errors["start"] == "开始时间格式应为HH:MM，例如09:00。"
    else:
        assert errors["start"] == "预约时段须为营业时间内的整半小时时段（08:30至17:00开始，每30分钟一段）。"
    assert snapshot() == before


@pytest.mark.django_db
def test_the_hall_s_own_hours_set_the_slots(hall_town: City, clock: Clock) -> None:
    hall_town.hall.opens_at, hall_town.hall.closes_at = time(9, 0), time(12, 0)
    hall_town.hall.save(update_fields=["opens_at", "closes_at"])
    body = api_client(hall_town.guide).get(SLOTS, {"date": "2026-11-24", "business_type": "payment"}).json()
    assert [s["start"] for s in body["slots"]] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    response = _book_by_api(hall_town, start="08:30")
    assert response.status_code == 422


@pytest.mark.django_db
def test_every_bad_field_is_explained_at_once_and_nothing_is_written(hall_town: City, clock: Clock) -> None:
    BusinessType.objects.filter(hall=hall_town.hall, kind="meter_test").update(active=False)
    before = snapshot()
    response = post(
        api_client(hall_town.guide),
        URL,
        {
            "business_type": "meter_test",
            "date": "2026-11-28",
            "start": "10:10",
            "phone": "12345",
            "account_no": "0000000000",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "business_type": "本厅未开办该业务。",
        "date": "2026-11-28不是工作日，营业厅不受理预约。",
        "start": "预约时段须为营业时间内的整半小时时段（08:30至17:00开始，每30分钟一段）。",
        "phone": "手机号码应为11位，当前为5位。",
        "account_no": "未找到户号 0000000000。",
    }
    assert snapshot() == before


@pytest.mark.django_db
def test_a_full_slot_is_refused_with_a_clear_message_and_nothing_changes(hall_town: City, clock: Clock) -> None:
    book(hall_town, phone="13800000001")
    book(hall_town, phone="13800000002")
    before = snapshot()
    response = _book_by_api(hall_town, phone="13800000003")
    assert response.status_code == 409
    assert response.json() == {"detail": "2026-11-24 10:00-10:30的“缴费”预约已满，请选择其他时段。", "errors": {}}
    assert snapshot() == before
    # The capacity is per business type and per slot: other types and slots still have places.
    assert book(hall_town, kind="new_connection", phone="13800000003").status == "booked"
    assert book(hall_town, start="10:30", phone="13800000003").status == "booked"


@pytest.mark.django_db
@override_settings(GRIDCARE_RULES={"HALL_APPOINTMENT_SLOT_CAPACITY": 1, "HALL_APPOINTMENT_DAYS_AHEAD": 2})
def test_capacity_and_days_ahead_come_from_the_settings(hall_town: City, clock: Clock) -> None:
    book(hall_town, phone="13800000001")
    with pytest.raises(Conflict, match="预约已满"):
        book(hall_town, phone="13800000002")
    with pytest.raises(InvalidInput, match="预约信息有误") as refused:
        book(hall_town, day=date(2026, 11, 26), phone="13800000002")
    assert refused.value.errors == {"date": "只能预约2天内的日期（最晚2026-11-25）。"}
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_a_cancelled_booking_frees_its_place(hall_town: City, clock: Clock) -> None:
    first = book(hall_town, phone="13800000001")
    book(hall_town, phone="13800000002")
    appointment_cancel(scope=scope_for(hall_town.guide), actor=hall_town.guide, reference=first.reference)
    assert book(hall_town, phone="13800000003").status == AppointmentStatus.BOOKED
    assert Appointment.objects.filter(day=TUESDAY, starts_at=time(10, 0)).exclude(status="cancelled").count() == 2


@pytest.mark.django_db
def test_one_phone_holds_one_live_booking_per_day_and_type(hall_town: City, clock: Clock) -> None:
    first = book(hall_town)
    before = snapshot()
    response = _book_by_api(hall_town, start="14:00", phone="138 1234 5678")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"该手机号已预约2026-11-24的“缴费”（预约号{first.reference}），如需改期请先取消原预约。"
    )
    assert snapshot() == before
    assert book(hall_town, kind="invoice", start="14:00").status == "booked"  # another business: fine


@pytest.mark.django_db
def test_the_slots_show_the_free_places_of_each_half_hour(hall_town: City, clock: Clock) -> None:
    book(hall_town, start="09:00", phone="13800000001")
    book(hall_town, start="10:00", phone="13800000002")
    book(hall_town, start="10:00", phone="13800000003")
    cancelled = book(hall_town, start="11:00", phone="13800000004")
    appointment_cancel(scope=scope_for(hall_town.guide), actor=hall_town.guide, reference=cancelled.reference)
    book(hall_town, kind="invoice", start="09:00", phone="13800000005")  # another type: not counted
    response = api_client(hall_town.guide).get(SLOTS, {"date": "2026-11-24", "business_type": "payment"})
    assert response.status_code == 200
    body = response.json()
    assert (body["hall"], body["date"], body["business_type"], len(body["slots"])) == (
        "H1",
        "2026-11-24",
        "payment",
        18,
    )
    by_start = {s["start"]: s for s in body["slots"]}
    assert by_start["08:30"] == {"start": "08:30", "end": "09:00", "capacity": 2, "booked": 0, "free": 2}
    assert by_start["09:00"] == {"start": "09:00", "end": "09:30", "capacity": 2, "booked": 1, "free": 1}
    assert by_start["10:00"] == {"start": "10:00", "end": "10:30", "capacity": 2, "booked": 2, "free": 0}
    assert by_start["11:00"]["free"] == 2


@pytest.mark.django_db
def test_slots_of_a_day_one_may_not_book_are_refused(hall_town: City, clock: Clock) -> None:
    client = api_client(hall_town.guide)
    response = client.get(SLOTS, {"date": "2026-11-28", "business_type": "payment"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "2026-11-28不是工作日，营业厅不受理预约。",
        "errors": {"date": "2026-11-28不是工作日，营业厅不受理预约。"},
    }
    response = client.get(SLOTS, {"date": "2026-11-24", "business_type": "haircut"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"business_type": "本厅未开办该业务。"}


@pytest.mark.django_db
def test_booking_writes_one_event_per_appointment(hall_town: City, clock: Clock) -> None:
    book(hall_town, phone="13800000001")
    book(hall_town, phone="13800000002")
    assert AppointmentEvent.objects.filter(type="booked").count() == 2
