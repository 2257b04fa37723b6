"""The account card lists the messages sent to the account and the outages that cut it off
(issue 13, convention 1): labels and masked recipients, the text only for posts that may see
bills, an outage linked to its page. The fan-out's rows are found through the outage."""

from __future__ import annotations

import re
from datetime import timedelta

from gridcare.core import timezone as tz
from gridcare.core.testing import PHONE, City, signed_in
from gridcare.notices.models import Notice
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.org.access import scope_for


def _notices(html: str) -> str:
    found = re.search(r'<div id="account-notices">(.*?)</div>', html, re.S)
    assert found is not None
    return found.group(1)


def _reminder(town: City, key: str) -> Notice:
    return notice_enqueue(
        template_code="arrears_reminder",
        variables={"account_no": town.account.account_no, "amount": "88.50", "days": "5"},
        recipient=PHONE,
        account_id=town.account.pk,
        dedupe_key=key,
    )


def test_the_card_lists_the_latest_messages_masked_newest_first(town: City) -> None:
    first, second = _reminder(town, "t:1"), _reminder(town, "t:2")
    Notice.objects.filter(pk=first.pk).update(status="delivered")
    html = _notices(signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode())
    masked = PHONE[:3] + "****" + PHONE[-4:]
    lines = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert len(lines) == 2
    assert "欠费提醒 · 短信 " + masked + " · 待发送" in lines[0]
    assert "欠费提醒 · 短信 " + masked + " · 已送达" in lines[1]
    assert PHONE not in html
    assert "88.50" in lines[0]  # the clerk may see bills: the text is shown
    assert second.pk > first.pk


def test_a_post_without_bill_view_sees_the_messages_but_not_their_text(town: City) -> None:
    _reminder(town, "t:1")
    html = _notices(signed_in(town.planner).get(f"/customers/{town.account.account_no}/").content.decode())
    assert "欠费提醒" in html and "88.50" not in html


def test_another_accounts_messages_are_not_listed(town: City) -> None:
    notice_enqueue(
        template_code="arrears_reminder",
        variables={"account_no": town.other_unit_account.account_no, "amount": "1.00", "days": "5"},
        recipient="13900001111",
        account_id=town.other_unit_account.pk,
    )
    html = _notices(signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode())
    assert "暂无消息" in html and "<li>" not in html


def test_an_outage_that_cut_the_account_off_is_linked_and_its_fan_out_row_is_not_listed(town: City) -> None:
    start = tz.now() + timedelta(days=8)  # a planned outage is announced a week ahead
    data = NewOutage(
        kind="planned", reason="线路检修", starts_at=start, ends_at=start + timedelta(hours=4), areas=["T1"]
    )
    outage = outage_register(scope=scope_for(town.planner), actor=town.planner, data=data)
    assert Notice.objects.filter(outage=outage, account=town.account).count() == 1
    html = _notices(signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode())
    assert f'<a href="/notices/outages/{outage.pk}/">' in html and "线路检修" in html
    assert "暂无消息" in html  # the fan-out's message is shown through its outage, not twice
    other = _notices(signed_in(town.clerk).get(f"/customers/{town.other_unit_account.account_no}/").content.decode())
    assert f"/notices/outages/{outage.pk}/" not in other
