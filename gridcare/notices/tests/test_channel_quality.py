"""NOTE-4: sent, delivered, failed, pending and latency per gateway and campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.core import timezone as tz
from gridcare.notices.models import Notice
from gridcare.notices.selectors import channel_quality
from gridcare.notices.tests.helpers import queue


def settle(notice: Notice, status: str, gateway: str = "sms-http", seconds: int | None = None) -> None:
    delivered_at = notice.created_at + timedelta(seconds=seconds) if seconds is not None else None
    Notice.objects.filter(pk=notice.pk).update(status=status, gateway=gateway, delivered_at=delivered_at)


@pytest.mark.django_db
def test_figures_are_counted_per_gateway_and_campaign_with_latency_percentiles() -> None:
    for seconds in (2, 4, 6, 8, 10, 12, 14, 16, 18, 60):
        settle(queue("arrears_reminder"), "delivered", seconds=seconds)
    settle(queue("arrears_reminder"), "failed")
    settle(queue("arrears_reminder"), "sent")
    queue("arrears_reminder")  # still queued, no gateway yet
    settle(queue("fault_outage"), "delivered", gateway="sms-console", seconds=1)
    settle(queue("bill_issued"), "suppressed", gateway="")
    rows = {(r.gateway, r.campaign): r for r in channel_quality()}
    reminders = rows[("sms-http", "arrears_reminder")]
    assert (reminders.total, reminders.sent, reminders.delivered, reminders.failed, reminders.pending) == (
        12,
        1,
        10,
        1,
        1,
    )
    assert (reminders.p50, reminders.p90) == (10.0, 18.0)
    assert reminders.delivery_rate == 10 / 11
    assert (rows[("", "arrears_reminder")].queued, rows[("", "arrears_reminder")].pending) == (1, 1)
    assert (rows[("sms-console", "fault_outage")].delivered, rows[("sms-console", "fault_outage")].p50) == (1, 1.0)
    assert rows[("", "bill_issued")].suppressed == 1


@pytest.mark.django_db
def test_messages_older_than_the_period_are_left_out() -> None:
    old = queue()
    Notice.objects.filter(pk=old.pk).update(created_at=tz.now() - timedelta(days=8))
    queue()
    assert [(r.campaign, r.total) for r in channel_quality()] == [("arrears_reminder", 1)]
