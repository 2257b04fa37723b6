"""E-mail over SMTP and app push over a webhook, against real local servers."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

import pytest

from gridcare.notices.models import Notice
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.notices.services.sender import send_pending
from gridcare.notices.testing import LocalSmsGateway, LocalSmtpServer
from gridcare.notices.tests.conftest import MORNING, notice_settings

VARIABLES = {"account_no": "0000000018", "period": "2026年10月", "amount": "88.00", "due_date": "11月30日"}

pytestmark = pytest.mark.django_db


def test_a_bill_goes_out_by_email_and_an_unknown_mailbox_fails_for_good(settings: Any) -> None:
    with LocalSmtpServer() as smtp:
        smtp.unknown_mailboxes.add("gone@example.cn")
        notice_settings(settings, EMAIL_GATEWAY="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        ok = notice_enqueue(
            template_code="bill_issued", variables=VARIABLES, recipient="zhang@example.cn", channel="email"
        )
        gone = notice_enqueue(
            template_code="bill_issued", variables=VARIABLES, recipient="gone@example.cn", channel="email"
        )
        assert ok is not None and gone is not None
        result = send_pending(channel="email", gateway=gateway_for("email"), now=MORNING)
    assert (result.sent, result.failed) == (1, 1)
    assert [to for to, _ in smtp.mails] == [["zhang@example.cn"]]
    mail = email.message_from_string(smtp.mails[0][1], policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail.get_content() == ok.body + "\n"
    assert mail["To"] == "zhang@example.cn"
    statuses = dict(Notice.objects.values_list("recipient", "status"))
    assert statuses == {"zhang@example.cn": "sent", "gone@example.cn": "failed"}
    assert Notice.objects.get(recipient="zhang@example.cn").gateway == "email-smtp"


def test_an_app_push_goes_through_the_signed_webhook(settings: Any) -> None:
    with LocalSmsGateway("push-secret") as hook:
        notice_settings(settings, PUSH_GATEWAY="webhook", PUSH_URL=hook.url, PUSH_SECRET="push-secret")
        notice = notice_enqueue(template_code="bill_issued", variables=VARIABLES, recipient="device-42", channel="push")
        assert notice is not None
        result = send_pending(channel="push", gateway=gateway_for("push"), now=MORNING)
    notice.refresh_from_db()
    assert (result.sent, notice.status, notice.gateway, notice.gateway_message_id) == (
        1,
        "sent",
        "push-webhook",
        f"push-{notice.pk}",
    )
    assert hook.state.accepted == {str(notice.pk): ("gw-00000001", "device-42")}


def test_a_push_webhook_with_the_wrong_secret_is_refused_and_the_message_fails(settings: Any) -> None:
    with LocalSmsGateway("right") as hook:
        notice_settings(settings, PUSH_GATEWAY="webhook", PUSH_URL=hook.url, PUSH_SECRET="wrong")
        notice_enqueue(template_code="bill_issued", variables=VARIABLES, recipient="device-42", channel="push")
        result = send_pending(channel="push", gateway=gateway_for("push"), now=MORNING)
    assert (result.sent, result.failed) == (0, 1)
    assert Notice.objects.get().last_error == "HTTP 401"
    assert hook.state.accepted == {}
