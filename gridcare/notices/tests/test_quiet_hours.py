from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from gridcare.core.timezone import SHANGHAI
from gridcare.notices import rules
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import notice_settings
from gridcare.notices.tests.helpers import queue, send

NIGHT = datetime(2026, 11, 24, 23, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(21, 59, False), (22, 0, True), (3, 0, True), (7, 59, True), (8, 0, False), (12, 0, False)],
)
def test_quiet_hours_run_from_ten_at_night_to_eight_in_the_morning_shanghai_time(
    hour: int, minute: int, quiet: bool
) -> None:
    moment = datetime(2026, 11, 24, hour, minute, tzinfo=SHANGHAI)
    assert rules.in_quiet_hours(moment, (time(22), time(8))) is quiet
    assert rules.in_quiet_hours(moment.astimezone(SHANGHAI).replace(tzinfo=SHANGHAI), None) is False


@pytest.mark.django_db
def test_at_night_reminders_wait_while_outage_and_queue_messages_go_out(gateway: LocalSmsGateway) -> None:
    reminder = queue("arrears_reminder")
    bill = queue("bill_issued", phone="13900001111")
    outage = queue("fault_outage", phone="13700002222")
    call = queue("queue_near", phone="13600003333")
    result = send(NIGHT)
    assert (result.claimed, result.sent) == (2, 2)
    for n in (reminder, bill, outage, call):
        n.refresh_from_db()
    assert (reminder.status, bill.status, outage.status, call.status) == ("queued", "queued", "sent", "sent")
    assert (reminder.attempts, bill.attempts) == (0, 0)
    assert send(NIGHT + timedelta(hours=8, minutes=29)).claimed == 0  # 07:59
    assert send(NIGHT + timedelta(hours=8, minutes=30)).sent == 2  # 08:00
    assert sorted(gateway.state.handset.values()) == [1, 1, 1, 1]


@pytest.mark.django_db
def test_quiet_hours_are_configurable_and_can_be_switched_off(gateway: LocalSmsGateway, settings: object) -> None:
    notice_settings(settings, QUIET_HOURS="")
    queue("arrears_reminder")
    assert send(NIGHT).sent == 1
