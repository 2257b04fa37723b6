"""Several senders at once never send the same message twice."""

from __future__ import annotations

import pytest

from gridcare.core.testing import run_together
from gridcare.notices.models import Notice
from gridcare.notices.services.sender import Policy, notice_claim
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING, notice_settings
from gridcare.notices.tests.helpers import queue, send


@pytest.mark.django_db
def test_two_claims_never_share_a_row() -> None:
    for i in range(10):
        queue(phone=f"138123456{i:02d}")
    policy = Policy.from_settings()
    first = notice_claim(channel="sms", limit=6, token="a", now=MORNING, policy=policy)
    second = notice_claim(channel="sms", limit=6, token="b", now=MORNING, policy=policy)
    third = notice_claim(channel="sms", limit=6, token="c", now=MORNING, policy=policy)
    assert (len(first), len(second), len(third)) == (6, 4, 0)
    assert not {n.pk for n in first} & {n.pk for n in second}
    assert Notice.objects.filter(claim_token="a").count() == 6
    assert Notice.objects.filter(claim_token="b").count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_senders_running_together_send_each_message_exactly_once(
    gateway: LocalSmsGateway, settings: object
) -> None:
    notice_settings(settings, SMS_RATE=100, SMS_CONNECTIONS=1)  # batches of 100: the senders must share
    for i in range(400):
        queue(phone=f"138{i:08d}")
    _, errors = run_together(4, lambda _: send(MORNING), timeout=60)
    assert errors == []
    assert Notice.objects.filter(status="sent").count() == 400
    assert gateway.state.requests == 400
    assert gateway.state.duplicates == 0
    assert len(gateway.state.handset) == 400
    assert len(set(Notice.objects.values_list("claim_token", flat=True))) > 1
