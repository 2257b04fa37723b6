"""The sender against a real local HTTP gateway that misbehaves: nothing lost, nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.notices.models import Notice
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue, send

pytestmark = pytest.mark.django_db


def test_messages_reach_the_gateway_once_each_with_its_message_id(gateway: LocalSmsGateway) -> None:
    notices = [queue(phone=f"1381234567{i}") for i in range(5)]
    result = send(MORNING)
    assert (result.claimed, result.sent, result.retried, result.failed) == (5, 5, 0, 0)
    assert sorted(gateway.state.handset.values()) == [1, 1, 1, 1, 1]
    for n in notices:
        n.refresh_from_db()
        assert n.status == "sent"
        assert n.gateway == "sms-http"
        assert n.gateway_message_id == gateway.state.accepted[str(n.pk)][0]
        assert n.sent_at == MORNING


def test_a_server_error_is_retried_after_the_back_off_and_then_sent(gateway: LocalSmsGateway) -> None:
    notice = queue()
    gateway.state.faults.append("500")
    first = send(MORNING)
    notice.refresh_from_db()
    assert (first.sent, first.retried) == (0, 1)
    assert (notice.status, notice.attempts, notice.last_error) == ("queued", 1, "HTTP 500")
    assert notice.not_before == MORNING + timedelta(seconds=30)
    assert send(MORNING + timedelta(seconds=29)).claimed == 0
    second = send(MORNING + timedelta(seconds=30))
    notice.refresh_from_db()
    assert (second.sent, notice.status, notice.attempts) == (1, "sent", 2)
    assert gateway.state.handset[str(notice.pk)] == 1


def test_back_off_doubles_with_each_failed_attempt(gateway: LocalSmsGateway) -> None:
    notice = queue()
    gateway.state.faults.extend(["500", "500"])
    send(MORNING)
    send(MORNING + timedelta(seconds=30))
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("queued", 2)
    assert notice.not_before == MORNING + timedelta(seconds=30 + 60)


def test_a_timed_out_message_the_gateway_already_took_is_not_delivered_twice(gateway: LocalSmsGateway) -> None:
    notice = queue()
    gateway.state.faults.append("timeout")
    first = send(MORNING)
    assert first.retried == 1
    second = send(MORNING + timedelta(minutes=1))
    notice.refresh_from_db()
    assert (second.sent, notice.status, notice.attempts) == (1, "sent", 2)
    assert gateway.state.handset[str(notice.pk)] == 1
    assert gateway.state.duplicates == 1
    assert notice.gateway_message_id == gateway.state.accepted[str(notice.pk)][0]


def test_a_dropped_connection_is_retried_on_a_new_connection(gateway: LocalSmsGateway) -> None:
    notice = queue()
    gateway.state.faults.append("drop")
    assert send(MORNING).retried == 1
    assert send(MORNING + timedelta(minutes=1)).sent == 1
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert dict(gateway.state.handset) == {str(notice.pk): 1}


def test_a_message_that_keeps_failing_gives_up_after_the_last_attempt(
    gateway: LocalSmsGateway, settings: object
) -> None:
    from gridcare.notices.tests.conftest import notice_settings

    notice_settings(settings, MAX_ATTEMPTS=3)
    notice = queue()
    gateway.state.faults.extend(["500"] * 3)
    moment = MORNING
    for _ in range(3):
        send(moment)
        moment += timedelta(hours=1)
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == ("failed", 3, "HTTP 500")
    assert send(moment).claimed == 0
    assert gateway.state.handset[str(notice.pk)] == 0


def test_a_gateway_that_cannot_be_reached_loses_nothing(settings: object) -> None:
    from gridcare.notices.tests.conftest import notice_settings

    with LocalSmsGateway("x") as gone:
        url = gone.url
    notice_settings(settings, SMS_GATEWAY="http", SMS_URL=url, SMS_SECRET="x", SMS_TIMEOUT_SECONDS=0.3)
    notice = queue()
    assert send(MORNING).retried == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert notice.last_error.startswith("ConnectionRefusedError")
    assert Notice.objects.filter(status="sent").count() == 0
