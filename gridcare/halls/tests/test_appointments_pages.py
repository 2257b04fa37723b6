"""The kiosk's 预约签到 (type the reference, get the ticket or a clear refusal) and the guide's list
of today's appointments."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.halls.models import Appointment, Ticket
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at, book, snapshot
from gridcare.halls.tests.helpers import kiosk_browser

KIOSK = "/halls/H1/kiosk/"
GUIDE = "/halls/H1/guide/"


@pytest.mark.django_db
def test_the_kiosk_offers_check_in_with_a_large_reference_field(hall_town: City, clock: Clock) -> None:
    page = kiosk_browser(hall_town).get(KIOSK).content.decode()
    assert '<section class="kiosk-check-in" id="check-in">' in page
    assert 'name="reference" id="reference" maxlength="12"' in page
    assert "预约时段开始前30分钟至结束后15分钟内可签到" in page
    assert 'value="appointment"' not in page  # no more "appointment" without a booked appointment


@pytest.mark.django_db
def test_checking_in_at_the_kiosk_prints_the_appointment_ticket(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(TUESDAY, 9, 40))
    client = kiosk_browser(hall_town)
    reference = f" {appointment.reference[:4].lower()}-{appointment.reference[4:]} "
    page = client.post(KIOSK, {"check_in": "1", "reference": reference}).content.decode()
    assert 'id="ticket-number">A001<' in page
    assert f"预约签到成功 · 预约号 {appointment.reference} · 10:00-10:30" in page
    assert "您前面还有 <b>0</b> 人" in page
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.priority, ticket.appointment_ref) == (
        "appointment",
        "appointment",
        appointment.reference,
    )
    assert Appointment.objects.get().status == "checked_in"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reference", "moment", "message"),
    [
        ("", at(TUESDAY, 10, 0), "请输入预约号。"),
        ("ZZZZ2222", at(TUESDAY, 10, 0), "未找到预约号 ZZZZ2222。"),
        (None, at(TUESDAY, 9, 29), "还未到签到时间：预约时段10:00-10:30，请在09:30至10:45之间签到。"),
        (None, at(TUESDAY, 10, 46), "已超过签到时间（10:45），预约{ref}已失效，请重新取号。"),
        (None, at(date(2026, 11, 25), 10, 0), "预约{ref}的日期2026-11-24已过，不能签到。"),
    ],
)
def test_a_refused_check_in_shows_why_on_the_kiosk_and_changes_nothing(
    hall_town: City, clock: Clock, reference: str | None, moment: datetime, message: str
) -> None:
    appointment = book(hall_town)
    clock.set(moment)
    client = kiosk_browser(hall_town)
    before = snapshot()
    response = client.post(
        KIOSK, {"check_in": "1", "reference": appointment.reference if reference is None else reference}
    )
    assert (response.status_code, response["Location"]) == (302, KIOSK)
    page = client.get(KIOSK).content.decode()
    assert f'<li class="error">{message.format(ref=appointment.reference)}</li>' in page
    assert snapshot() == before


@pytest.mark.django_db
def test_a_crafted_appointment_priority_without_a_booking_takes_no_ticket(hall_town: City, clock: Clock) -> None:
    client = kiosk_browser(hall_town)
    before = snapshot()
    client.post(KIOSK, {"kind": "payment", "priority": "appointment", "appointment_ref": "YY001"})
    assert '<li class="error">未找到预约号 YY001。</li>' in client.get(KIOSK).content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_the_guide_sees_today_s_appointments_with_masked_phones_and_checks_one_in(
    hall_town: City, clock: Clock
) -> None:
    first = book(hall_town, start="09:00", kind="new_connection", phone="13912345678")
    second = book(hall_town, start="14:00", phone="13800001111")
    book(hall_town, day=date(2026, 11, 25), phone="13700002222")  # another day: not listed
    clock.set(at(TUESDAY, 8, 45))
    client = signed_in(hall_town.guide)
    page = client.get(GUIDE).content.decode()
    assert "今日预约" in page
    assert "13912345678" not in page and "139****5678" in page and "138****1111" in page
    assert "137****2222" not in page
    assert page.index(first.reference) < page.index(second.reference)  # slot order
    assert f'<button name="check_in" value="{first.reference}">' in page  # 08:30-09:45: open
    assert f'<button name="check_in" value="{second.reference}">' not in page  # not before 13:30
    page = client.post(GUIDE, {"check_in": first.reference}).content.decode()
    assert "已取号：B001" in page
    assert f'<tr id="appointment-{first.reference}" class="appointment-checked_in">' in page
    assert "已签到 · B001" in page
    assert Ticket.objects.get().appointment_ref == first.reference


@pytest.mark.django_db
def test_a_refused_check_in_on_the_guide_s_tablet_is_explained(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town, start="14:00")
    clock.set(at(TUESDAY, 9, 0))
    before = snapshot()
    page = signed_in(hall_town.guide).post(GUIDE, {"check_in": appointment.reference}, follow=True).content.decode()
    assert "还未到签到时间：预约时段14:00-14:30，请在13:30至14:45之间签到。" in page
    assert snapshot() == before


@pytest.mark.django_db
def test_the_guide_can_no_longer_issue_an_appointment_ticket_by_hand(hall_town: City, clock: Clock) -> None:
    client = signed_in(hall_town.guide)
    assert 'value="appointment"' not in client.get(GUIDE).content.decode()
    page = client.post(GUIDE, {"kind": "payment", "priority": "appointment", "issue": "1"}).content.decode()
    assert "已取号" not in page
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_day_without_appointments_says_so(hall_town: City, clock: Clock) -> None:
    assert "今天没有预约。" in signed_in(hall_town.guide).get(GUIDE).content.decode()
