"""POST /api/v1/notices/inbound-sms: the gateway's inbound SMS, signed like its receipts. A reply
TD/退订 opts the phone out of reminders once (a history sentence on its account); a bad or missing
signature is a 401 and changes nothing; other texts and unknown phones change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridcare.core.testing import PHONE, City
from gridcare.customers.models import AccountEvent, Contact
from gridcare.notices.rules import is_unsubscribe
from gridcare.notices.signature import sign
from gridcare.notices.tests.conftest import SECRET, notice_settings

URL = "/api/v1/notices/inbound-sms"


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    notice_settings(settings, RECEIPT_SECRET=SECRET)


def post(payload: dict[str, Any], *, secret: str = SECRET, signature: str | None = None) -> Any:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {} if signature == "" else {"X-Signature": signature or sign(secret, body)}
    return Client().post(URL, body, content_type="application/json", headers=headers)


def _opted_out() -> bool:
    return Contact.objects.get(phone=PHONE).opted_out


def test_td_opts_the_phone_out_once(town: City) -> None:
    first = post({"phone": "+86 138 1234 5678", "text": "TD", "message_id": "m1"})
    assert (first.status_code, first.json()) == (200, {"action": "opted_out", "contacts": 1})
    assert _opted_out()
    again = post({"phone": PHONE, "text": "退订"})
    assert (again.status_code, again.json()) == (200, {"action": "unchanged", "contacts": 0})
    assert list(AccountEvent.objects.values_list("account_id", "type", "parameters")) == [
        (town.account.pk, "opted_out", {"source": "sms", "phone": "138****5678"})
    ]


def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(town: City) -> None:
    for answer in (
        post({"phone": PHONE, "text": "TD"}, secret="another-secret"),
        post({"phone": PHONE, "text": "TD"}, signature=""),
        post({"phone": PHONE, "text": "TD"}, signature="0" * 64),
    ):
        assert answer.status_code == 401
        assert set(answer.json()) == {"detail", "errors"}
    assert not _opted_out()
    assert not AccountEvent.objects.exists()


def test_other_texts_unknown_phones_and_bad_numbers_change_nothing(town: City) -> None:
    assert post({"phone": PHONE, "text": "谢谢"}).json() == {"action": "ignored", "contacts": 0}
    assert post({"phone": "13000000000", "text": "TD"}).json() == {"action": "unchanged", "contacts": 0}
    assert post({"phone": "95598", "text": "TD"}).json() == {"action": "ignored", "contacts": 0}
    assert post({"phone": PHONE}).status_code == 422
    assert not _opted_out()
    assert not AccountEvent.objects.exists()


def test_what_reads_as_unsubscribing() -> None:
    assert [is_unsubscribe(t) for t in ("TD", "td", " Td ", "ＴＤ", "退订", "退订。", "TD!")] == [True] * 7
    assert [is_unsubscribe(t) for t in ("", "T D", "TDD", "不要退订", "退订电费提醒", "好的")] == [False] * 6
