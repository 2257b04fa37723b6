from __future__ import annotations

import pytest

from gridcare.notices.services.sender import Policy, notice_claim
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue


@pytest.mark.django_db
def test_a_queue_call_goes_before_a_backlog_of_outage_notices_and_reminders_go_last() -> None:
    reminders = [queue("arrears_reminder", phone=f"1391234567{i}") for i in range(3)]
    outages = [queue("fault_outage", phone=f"1381234567{i}") for i in range(3)]
    call = queue("queue_near", phone="13600003333")
    claimed = notice_claim(channel="sms", limit=5, token="t", now=MORNING, policy=Policy.from_settings())
    assert [n.pk for n in claimed] == [call.pk] + [n.pk for n in outages] + [reminders[0].pk]
