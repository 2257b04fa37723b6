"""A reminder goes the way its customer chose for that kind of message (the portal's 消息设置):
e-mail to the e-invoice address (the phone kept, so opting out still holds when it falls due), SMS
even to a phone that follows the official account, WeChat when followed; the other kinds, and
phones without a choice, go the house's way; outage notices are never routed by a choice."""

from __future__ import annotations

from typing import Any

from gridcare.core.testing import PHONE, City
from gridcare.customers.models import Contact
from gridcare.customers.preferences import contact_preferences_set
from gridcare.notices.models import Notice, WeChatBinding
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.outbox import NewNotice, notices_enqueue
from gridcare.notices.services.sender import send_pending
from gridcare.notices.testing import LocalSmtpServer
from gridcare.notices.tests.conftest import MORNING, notice_settings
from gridcare.notices.tests.helpers import queue

OPENID = "o-follower-0001"


def _route(notice: Notice) -> tuple[str, str, str]:
    return notice.channel, notice.recipient, notice.fallback_phone


def test_each_kind_goes_by_the_channel_chosen_for_it(town: City) -> None:
    WeChatBinding.objects.create(contact=Contact.objects.get(phone=PHONE), openid=OPENID)
    contact_preferences_set(
        account=town.account,
        channels={"bill": "email", "arrears": "sms", "balance": "wechat"},
        opted_out=False,
        invoice_email="zhang@example.cn",
    )
    assert _route(queue("bill_issued")) == ("email", "zhang@example.cn", PHONE)
    assert _route(queue("arrears_reminder")) == ("sms", PHONE, "")
    assert _route(queue("fault_outage")) == ("wechat", OPENID, PHONE)  # never by a choice: the house's way
    assert _route(queue("arrears_reminder", phone="13900001111")) == ("sms", "13900001111", "")
    written = notices_enqueue(
        template_code="low_balance",
        messages=[
            NewNotice(recipient=PHONE, variables={"account_no": "0000000018", "balance": "5.00", "threshold": "10"})
        ],
    )
    assert written == 1
    assert _route(Notice.objects.get(template_code="low_balance")) == ("wechat", OPENID, PHONE)


def test_an_email_reminder_of_an_opted_out_phone_is_not_sent(town: City, settings: Any) -> None:
    contact_preferences_set(
        account=town.account, channels={"bill": "email"}, opted_out=False, invoice_email="zhang@example.cn"
    )
    kept = queue("bill_issued")
    Contact.objects.filter(phone=PHONE).update(opted_out=True)  # a TD reply after it was queued
    with LocalSmtpServer() as smtp:
        notice_settings(settings, EMAIL_GATEWAY="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        result = send_pending(channel="email", gateway=gateway_for("email"), now=MORNING)
    assert (result.claimed, result.suppressed, result.sent) == (1, 1, 0)
    assert smtp.mails == []
    kept.refresh_from_db()
    assert kept.status == "suppressed"
