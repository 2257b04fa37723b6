"""The booking reminder (预约提醒, HALL-2): booking a slot puts one reminder in the outbox, held
until 18:00 the day before; cancelling the booking first withdraws it (never sent); a booking made
after that moment gets none."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City
from gridcare.halls.models import Appointment
from gridcare.halls.services.appointments import appointment_cancel
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at, book
from gridcare.notices.models import Notice, NoticeStatus
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.sender import send_pending
from gridcare.org.access import scope_for


def test_a_booking_holds_its_reminder_until_the_evening_before(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town, day=TUESDAY + timedelta(days=1), start="14:30", kind="meter_test", account_no="")
    notice = Notice.objects.get()
    assert (notice.template_code, notice.recipient, notice.status, notice.category) == (
        "appointment_reminder",
        "13812345678",
        NoticeStatus.QUEUED,
        "service",
    )
    assert notice.not_before == at(TUESDAY, 18, 0)
    assert notice.dedupe_key == f"appointment_reminder:{appointment.pk}"
    assert notice.body == (
        f"【国网示范市供电公司】您预约了11月25日14:30-15:00在城区营业厅办理校表申请，预约号{appointment.reference}，"
        "请按时到厅签到。如需取消请登录网上营业厅。"
    )


def test_the_reminder_is_not_sent_before_its_time(hall_town: City, clock: Clock) -> None:
    book(hall_town)
    send_pending(channel="sms", gateway=gateway_for("sms"), now=at(MONDAY, 17, 59))
    assert Notice.objects.get().status == NoticeStatus.QUEUED
    send_pending(channel="sms", gateway=gateway_for("sms"), now=at(MONDAY, 18, 0))
    assert Notice.objects.get().status in (NoticeStatus.SENT, NoticeStatus.DELIVERED)


def test_cancelling_the_booking_withdraws_its_reminder(hall_town: City, clock: Clock) -> None:
    kept = book(hall_town, start="09:00")
    gone = book(hall_town, start="10:00", kind="invoice")
    appointment_cancel(scope=scope_for(hall_town.guide), actor=hall_town.guide, reference=gone.reference)
    statuses = dict(Notice.objects.values_list("dedupe_key", "status"))
    assert statuses == {
        f"appointment_reminder:{kept.pk}": NoticeStatus.QUEUED,
        f"appointment_reminder:{gone.pk}": NoticeStatus.WITHDRAWN,
    }


def test_a_booking_made_after_the_reminders_time_gets_none(hall_town: City, clock: Clock) -> None:
    clock.set(at(MONDAY, 18, 30))
    book(hall_town)
    assert Appointment.objects.count() == 1
    assert Notice.objects.count() == 0


def test_a_booking_an_hour_before_the_reminders_time_still_gets_it(hall_town: City, clock: Clock) -> None:
    clock.set(at(MONDAY, 17, 0))
    book(hall_town)
    assert Notice.objects.get().not_before == at(MONDAY, 18, 0)
