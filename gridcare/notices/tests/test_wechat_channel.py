"""WeChat template messages against a real local HTTP server: token fetched once and cached,
refreshed when WeChat says it expired, SMS fallback when WeChat refuses for good, nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from gridcare.core.testing import City, make_account
from gridcare.notices.models import Notice, WeChatBinding
from gridcare.notices.services.gateways import WECHAT_TOKENS, gateway_for
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.services.sender import RoundResult, send_pending
from gridcare.notices.testing import LocalSmsGateway, LocalWeChatServer
from gridcare.notices.tests.conftest import MORNING, notice_settings
from gridcare.notices.tests.helpers import queue, send
from gridcare.org.access import scope_for

OPENID = "oWX-zhangsan-0001"
BODY = "【国网示范市供电公司】您在城区营业厅取的A012号，前面还有3位，请留意叫号，勿走远。"


@pytest.fixture
def wechat(settings: Any, gateway: LocalSmsGateway) -> Iterator[LocalWeChatServer]:
    WECHAT_TOKENS.clear()
    with LocalWeChatServer("wx-app", "wx-secret") as wx:
        notice_settings(
            settings,
            WECHAT_GATEWAY="wechat",
            WECHAT_BASE_URL=wx.base_url,
            WECHAT_APP_ID="wx-app",
            WECHAT_APP_SECRET="wx-secret",
            WECHAT_TEMPLATE_ID="tpl-notice",
            WECHAT_RATE=1000,
            WECHAT_TIMEOUT_SECONDS=2,
        )
        yield wx
    WECHAT_TOKENS.clear()


def follow(town: City, openid: str = OPENID) -> WeChatBinding:
    return WeChatBinding.objects.create(contact=town.account.customer.contacts.get(), openid=openid)


def send_wechat(now: Any = MORNING) -> RoundResult:
    return send_pending(channel="wechat", gateway=gateway_for("wechat"), now=now)


def test_a_follower_gets_wechat_and_the_token_is_fetched_once(
    town: City, wechat: LocalWeChatServer, gateway: LocalSmsGateway
) -> None:
    follow(town)
    first = queue("queue_near", phone="13812345678")
    second = queue("queue_near", phone="13812345678", number="A013")
    other = queue("queue_near", phone="13900000000")
    assert [(n.channel, n.recipient, n.fallback_phone) for n in (first, second, other)] == [
        ("wechat", OPENID, "13812345678"),
        ("wechat", OPENID, "13812345678"),
        ("sms", "13900000000", ""),
    ]
    result = send_wechat()
    assert (result.sent, result.failed) == (2, 0)
    assert sorted(wechat.state.messages) == [(OPENID, BODY), (OPENID, BODY.replace("A012", "A013"))]
    assert wechat.state.tokens_issued == 1
    assert sorted(Notice.objects.filter(channel="wechat").values_list("status", "gateway", "gateway_message_id")) == [
        ("sent", "wechat", "wx-1001"),
        ("sent", "wechat", "wx-1002"),
    ]
    # The SMS sender carries only the phone without WeChat.
    assert send(MORNING).sent == 1
    assert [phone for _mid, phone in gateway.state.accepted.values()] == ["13900000000"]
    # Nothing is left to send on either channel.
    assert (send_wechat().claimed, send(MORNING).claimed) == (0, 0)
    assert len(wechat.state.messages) == 2


def test_an_expired_token_is_refreshed_and_the_message_goes_once(town: City, wechat: LocalWeChatServer) -> None:
    follow(town)
    queue("queue_near", phone="13812345678")
    assert send_wechat().sent == 1
    wechat.expire_token()
    queue("queue_near", phone="13812345678", number="A013")
    result = send_wechat()
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    assert (wechat.state.tokens_issued, wechat.state.expired_answers) == (2, 1)
    assert wechat.state.messages == [(OPENID, BODY), (OPENID, BODY.replace("A012", "A013"))]


def test_a_permanent_refusal_falls_back_to_sms_once_and_later_messages_go_by_sms(
    town: City, wechat: LocalWeChatServer, gateway: LocalSmsGateway
) -> None:
    follow(town)
    wechat.state.unfollowed.add(OPENID)
    notice = queue("queue_near", phone="13812345678")
    result = send_wechat()
    assert (result.sent, result.failed) == (0, 1)
    notice.refresh_from_db()
    assert (notice.status, notice.last_error) == ("failed", "HTTP 200 errcode 43004 require subscribe")
    assert WeChatBinding.objects.get().active is False
    fallback = Notice.objects.get(channel="sms")
    assert (fallback.recipient, fallback.content, fallback.dedupe_key, fallback.status) == (
        "13812345678",
        BODY,
        f"wechat-fallback:{notice.pk}",
        "queued",
    )
    assert send(MORNING).sent == 1
    assert [phone for _mid, phone in gateway.state.accepted.values()] == ["13812345678"]
    # Run both again: nothing is sent twice.
    assert (send_wechat().claimed, send(MORNING).claimed) == (0, 0)
    assert (len(wechat.state.messages), len(gateway.state.accepted), Notice.objects.count()) == (0, 1, 2)
    # The follower is no longer reachable by WeChat: the next message goes straight by SMS.
    assert queue("queue_near", phone="13812345678", number="A013").channel == "sms"


def test_a_temporary_wechat_failure_is_retried_not_sent_by_sms(town: City, wechat: LocalWeChatServer) -> None:
    follow(town)
    wechat.state.faults.extend(["busy"])
    notice = queue("queue_near", phone="13812345678")
    result = send_wechat()
    assert (result.sent, result.retried, result.failed) == (0, 1, 0)
    notice.refresh_from_db()
    assert (notice.status, notice.not_before) == ("queued", MORNING + timedelta(seconds=30))
    assert not Notice.objects.filter(channel="sms").exists()
    assert send_wechat(MORNING + timedelta(seconds=31)).sent == 1
    assert wechat.state.messages == [(OPENID, BODY)]


def test_an_outage_reaches_followers_by_wechat_and_everyone_else_by_sms(town: City, wechat: LocalWeChatServer) -> None:
    follow(town)
    make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    data = NewOutage(
        kind="planned",
        reason="线路检修",
        starts_at=MORNING + timedelta(days=8),
        ends_at=MORNING + timedelta(days=8, hours=6),
        areas=["T1"],
    )
    outage = outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)
    assert outage.notices_queued == 2
    assert list(Notice.objects.order_by("channel").values_list("channel", "recipient", "fallback_phone")) == [
        ("sms", "13911112222", ""),
        ("wechat", OPENID, "13812345678"),
    ]
    assert send_wechat().sent == 1
    assert [openid for openid, _body in wechat.state.messages] == [OPENID]


def test_an_opted_out_follower_gets_no_reminder_by_wechat(town: City, wechat: LocalWeChatServer) -> None:
    follow(town)
    town.account.customer.contacts.update(opted_out=True)
    notice = queue("arrears_reminder", phone="13812345678")
    assert notice.channel == "wechat"
    result = send_wechat()
    assert (result.claimed, result.suppressed, result.sent) == (1, 1, 0)
    assert wechat.state.messages == []
