"""A sender killed mid-batch: its claimed rows come back after the lease, and resending them
with the same out_id never puts a second message on anyone's phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.notices.models import Notice
from gridcare.notices.services.gateways import Outgoing, gateway_for
from gridcare.notices.services.sender import Lane, Pacer, Policy, notice_claim
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue, send

pytestmark = pytest.mark.django_db


def _die_mid_batch(count_sent: int) -> list[int]:
    """What a killed sender leaves behind: it claimed a batch, the gateway took the first
    ``count_sent`` messages, and nothing was written back."""
    rows = notice_claim(channel="sms", limit=100, token="dead-sender", now=MORNING, policy=Policy.from_settings())
    gateway = gateway_for("sms")
    lane = Lane(gateway.connect(), Pacer(gateway.rate))
    try:
        lane.run([Outgoing(n.pk, n.channel, n.recipient, n.body) for n in rows[:count_sent]])
    finally:
        lane.connection.close()
    return [n.pk for n in rows]


def test_rows_of_a_dead_sender_wait_for_its_lease_then_go_out_once(gateway: LocalSmsGateway) -> None:
    notices = [queue(phone=f"1381234567{i}") for i in range(6)]
    claimed = _die_mid_batch(count_sent=3)
    assert claimed == [n.pk for n in notices]
    assert Notice.objects.filter(status="sending", claim_token="dead-sender").count() == 6

    assert send(MORNING + timedelta(seconds=14)).claimed == 0  # the lease (15 s) still holds

    result = send(MORNING + timedelta(seconds=16))
    assert (result.claimed, result.sent) == (6, 6)
    assert Notice.objects.filter(status="sent").count() == 6
    assert sorted(gateway.state.handset.values()) == [1] * 6
    assert gateway.state.duplicates == 3
    assert list(Notice.objects.order_by("pk").values_list("attempts", flat=True)) == [2] * 6


def test_a_late_answer_from_the_dead_sender_cannot_overwrite_the_new_claim(gateway: LocalSmsGateway) -> None:
    from gridcare.notices.services.gateways import Outcome, SendResult
    from gridcare.notices.services.sender import notice_record_outcomes

    notice = queue()
    _die_mid_batch(count_sent=0)
    send(MORNING + timedelta(seconds=16))
    written = notice_record_outcomes(
        token="dead-sender",
        gateway="sms-http",
        outcomes=[(Outgoing(notice.pk, "sms", notice.recipient, notice.body), SendResult(Outcome.RETRY, error="late"))],
        attempts={notice.pk: 1},
        now=MORNING + timedelta(seconds=17),
        policy=Policy.from_settings(),
    )
    notice.refresh_from_db()
    assert written == (0, 1, 0)
    assert (notice.status, notice.last_error) == ("sent", "")
