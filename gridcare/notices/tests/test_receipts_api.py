"""POST /api/v1/notices/receipts: signed by the gateway; duplicates, late and unknown receipts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City
from gridcare.customers.models import Contact
from gridcare.notices.models import Notice
from gridcare.notices.signature import sign
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING, SECRET
from gridcare.notices.tests.helpers import queue, send

URL = "/api/v1/notices/receipts"


@pytest.fixture(autouse=True)
def _that_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Receipts arrive the morning the messages went out (a handset time weeks before the
    receipt arrives is taken for a wrong clock)."""
    monkeypatch.setattr(timezone, "now", lambda: MORNING + timedelta(minutes=5))


def post(receipts: list[dict[str, Any]], secret: str = SECRET) -> Any:
    body = json.dumps({"receipts": receipts}).encode()
    return Client().post(URL, body, content_type="application/json", headers={"X-Signature": sign(secret, body)})


@pytest.mark.django_db
def test_a_receipt_with_a_wrong_or_missing_signature_is_refused_and_changes_nothing(gateway: LocalSmsGateway) -> None:
    notice = queue()
    send(MORNING)
    receipts = gateway.receipts()
    assert post(receipts, secret="wrong").status_code == 401
    body = json.dumps({"receipts": receipts})
    assert Client().post(URL, body, content_type="application/json").status_code == 401
    notice.refresh_from_db()
    assert (notice.status, notice.delivered_at) == ("sent", None)


@pytest.mark.django_db
def test_delivered_receipts_mark_messages_delivered_with_the_handset_time(gateway: LocalSmsGateway) -> None:
    notices = [queue(phone=f"1381234567{i}") for i in range(3)]
    send(MORNING)
    at = MORNING + timedelta(seconds=4)
    receipts = [{**r, "at": at.isoformat()} for r in gateway.receipts()]
    response = post(receipts)
    assert response.status_code == 200
    assert response.json() == {"applied": 3, "ignored": 0, "unknown": 0}
    for n in notices:
        n.refresh_from_db()
        assert (n.status, n.delivered_at) == ("delivered", at)


@pytest.mark.django_db
def test_receipts_sent_twice_or_out_of_order_change_nothing_the_second_time(gateway: LocalSmsGateway) -> None:
    notice = queue()
    send(MORNING)
    delivered = gateway.receipts()
    failed = gateway.receipts(delivered=False)
    assert post(delivered).json() == {"applied": 1, "ignored": 0, "unknown": 0}
    first = Notice.objects.get(pk=notice.pk).delivered_at
    assert post(delivered).json() == {"applied": 0, "ignored": 1, "unknown": 0}
    assert post(failed).json() == {"applied": 0, "ignored": 1, "unknown": 0}
    notice.refresh_from_db()
    assert (notice.status, notice.delivered_at, notice.last_error) == ("delivered", first, "")


@pytest.mark.django_db
def test_receipts_for_unknown_messages_are_ignored_and_logged(
    gateway: LocalSmsGateway, caplog: pytest.LogCaptureFixture
) -> None:
    notice = queue()
    send(MORNING)
    response = post([{"message_id": "gw-99999999", "status": "delivered"}, *gateway.receipts()])
    assert response.json() == {"applied": 1, "ignored": 0, "unknown": 1}
    assert "gw-99999999" in caplog.text
    assert Notice.objects.get(pk=notice.pk).status == "delivered"


@pytest.mark.django_db
def test_a_receipt_that_beats_the_senders_own_write_is_kept(gateway: LocalSmsGateway) -> None:
    from gridcare.notices.services.gateways import Outcome, Outgoing, SendResult
    from gridcare.notices.services.sender import Policy, notice_claim, notice_record_outcomes

    notice = queue()
    notice_claim(channel="sms", limit=10, token="t", now=MORNING, policy=Policy.from_settings())
    assert post([{"message_id": "gw-00000001", "out_id": str(notice.pk), "status": "delivered"}]).json()["applied"] == 1
    notice_record_outcomes(
        token="t",
        gateway="sms-http",
        outcomes=[
            (Outgoing(notice.pk, "sms", notice.recipient, notice.body), SendResult(Outcome.ACCEPTED, "gw-00000001"))
        ],
        attempts={notice.pk: 1},
        now=MORNING,
        policy=Policy.from_settings(),
    )
    notice.refresh_from_db()
    assert (notice.status, notice.gateway_message_id) == ("delivered", "gw-00000001")


def test_repeated_failed_deliveries_mark_the_phone_failed_and_a_delivery_clears_it(
    town: City, gateway: LocalSmsGateway
) -> None:
    for _ in range(2):
        queue(phone="13812345678")
    send(MORNING)
    assert post(gateway.receipts(delivered=False)).json()["applied"] == 2
    contact = Contact.objects.get(phone="13812345678")
    assert (contact.status, contact.delivery_failures) == ("valid", 1)  # one batch counts once
    queue(phone="13812345678")
    send(MORNING)
    post(gateway.receipts(delivered=False)[2:])
    queue(phone="13812345678")
    send(MORNING)
    post(gateway.receipts(delivered=False)[3:])
    contact.refresh_from_db()
    assert (contact.status, contact.delivery_failures) == ("failed", 3)
    queue(phone="13812345678")
    send(MORNING)
    post(gateway.receipts()[4:])
    contact.refresh_from_db()
    assert (contact.status, contact.delivery_failures) == ("valid", 0)
