"""The customer's outages, message settings and public notices (SELF-2, SELF-3, NOTE-3; issue 15),
through the app's API and the pages: only the outages of my own accounts; settings saved on the
account's contacts and recorded in its history, outage notices never opted out of; a notice seen
only in its area, once published, and gone once withdrawn; the home page shows the coming outages
and the latest notices; another customer's account is a 404 and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridcare.core.history import history_lines
from gridcare.core.testing import City
from gridcare.customers.models import AccountEvent, Contact
from gridcare.notices.models import Outage, Publication, PublicationStatus
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.services.publications import PublicationData, publication_create, publication_transition
from gridcare.org.access import scope_for
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.test_pay_pages import page_client

PREFS = "/api/v1/portal/preferences"


def _outage(town: City, *, days: int, area: str = "T1", reason: str = "线路检修") -> Outage:
    start = timezone.now() + timedelta(days=days)
    data = NewOutage(kind="planned", reason=reason, starts_at=start, ends_at=start + timedelta(hours=6), areas=[area])
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data)


def _published(town: City, title: str, *, area: str = "unit", unit: str = "U1", publish: bool = True) -> int:
    scope = scope_for(town.admin)
    made = publication_create(
        scope=scope,
        actor=town.admin,
        data=PublicationData(title=title, body="第一段。\n第二段。", kind="tariff", area=area, unit=unit),
    )
    if publish:
        publication_transition(scope=scope, actor=town.admin, publication=made, to=PublicationStatus.PUBLISHED)
    return made.pk


def test_outages_only_of_my_accounts_coming_and_past(town: City, zhang: Customer, li: Customer) -> None:
    coming = _outage(town, days=8, reason="更换变压器")
    past = _outage(town, days=9, reason="线路改造")
    Outage.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=20), ends_at=timezone.now() - timedelta(days=20) + timedelta(hours=4)
    )
    mine = zhang.api().get("/api/v1/portal/outages").json()
    assert [(o["id"], o["coming"], o["reason"], o["account_nos"]) for o in mine] == [
        (coming.pk, True, "更换变压器", [town.account.account_no]),
        (past.pk, False, "线路改造", [town.account.account_no]),
    ]
    assert li.api().get("/api/v1/portal/outages").json() == []  # 李四's account is not behind T1
    page = page_client(zhang.user).get("/portal/outages/").content.decode()
    assert "更换变压器" in page and "线路改造" in page and page.index("更换变压器") < page.index("线路改造")
    assert "近期没有停电安排。" in page_client(li.user).get("/portal/outages/").content.decode()
    home = page_client(zhang.user).get("/portal/").content.decode()
    assert "停电提醒" in home and "更换变压器" in home and "线路改造" not in home


def test_settings_are_saved_recorded_and_outages_cannot_be_opted_out_of(town: City, zhang: Customer) -> None:
    no = town.account.account_no
    assert zhang.api().get(PREFS).json() == [
        {"account_no": no, "phone": "138****5678", "channels": {}, "opted_out": False, "invoice_email": ""}
    ]
    saved = zhang.api().put(
        PREFS,
        {"account_no": no, "channels": {"bill": "email"}, "opted_out": True, "invoice_email": "zhang@example.cn"},
        content_type="application/json",
    )
    assert (saved.status_code, saved.json()) == (
        200,
        {
            "account_no": no,
            "phone": "138****5678",
            "channels": {"bill": "email"},
            "opted_out": True,
            "invoice_email": "zhang@example.cn",
        },
    )
    sentences = [
        line.sentence for line in history_lines(AccountEvent.objects.filter(account=town.account).order_by("id"))
    ]
    assert sentences == [
        "客户通过网上营业厅：号码 138****5678 的“电费账单”改为通过“电子邮件”接收",
        "客户通过网上营业厅：号码 138****5678 退订提醒类消息",
        "客户通过网上营业厅：电子发票邮箱改为 z***@example.cn",
    ]
    refused = zhang.api().put(
        PREFS, {"account_no": no, "channels": {"outage": "email"}, "opted_out": False}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"channels.outage": "这类消息不能选择接收渠道（停电通知等总是发送）。"}
    contact = Contact.objects.get(customer=town.account.customer)
    assert (contact.channels, contact.opted_out) == ({"bill": "email"}, True)
    assert AccountEvent.objects.count() == 3


def test_another_customers_account_is_not_found_and_nothing_changes(town: City, zhang: Customer, li: Customer) -> None:
    theirs = town.other_unit_account.account_no
    answer = zhang.api().put(PREFS, {"account_no": theirs, "opted_out": True}, content_type="application/json")
    assert (answer.status_code, answer.json()["detail"]) == (404, "没有找到这个户号，或尚未绑定。")
    page = page_client(zhang.user).post("/portal/preferences/", {"account_no": theirs, f"{theirs}-opted_out": "on"})
    assert page.status_code == 404
    assert not Contact.objects.filter(opted_out=True).exists()
    assert not AccountEvent.objects.exists()


def test_the_settings_page_saves_and_says_so_and_puts_a_refusal_on_its_field(town: City, zhang: Customer) -> None:
    no = town.account.account_no
    client = page_client(zhang.user)
    page = client.get("/portal/preferences/").content.decode()
    assert "消息发送到 138****5678" in page and "停电通知" in page and "总是发送" in page
    assert f'name="{no}-channel_outage"' not in page and f'name="{no}-channel_bill"' in page
    bad = client.post(
        "/portal/preferences/", {"account_no": no, f"{no}-channel_bill": "email", f"{no}-invoice_email": ""}
    )
    assert "选择电子邮件接收，请先填写邮箱。" in bad.content.decode()
    assert not AccountEvent.objects.exists()
    done = client.post(
        "/portal/preferences/",
        {"account_no": no, f"{no}-channel_arrears": "sms", f"{no}-opted_out": "on", f"{no}-invoice_email": "z@ex.cn"},
        follow=True,
    )
    assert f"户号 {no} 的消息设置已保存。" in done.content.decode()
    contact = Contact.objects.get(customer=town.account.customer)
    assert (contact.channels, contact.opted_out, contact.invoice_email) == ({"arrears": "sms"}, True, "z@ex.cn")
    again = client.get("/portal/preferences/").content.decode()
    assert 'value="z@ex.cn"' in again and f'id="id_{no}-opted_out" checked' in again


def test_a_notice_is_seen_in_its_area_once_published_and_not_once_withdrawn(
    town: City, zhang: Customer, li: Customer
) -> None:
    mine = _published(town, "城区电价调整")
    _published(town, "乡镇营业时间", unit="U2")
    _published(town, "草稿未发布", publish=False)
    everyone = _published(town, "全市服务活动", area="all", unit="")
    assert [n["title"] for n in zhang.api().get("/api/v1/portal/notices").json()] == ["全市服务活动", "城区电价调整"]
    assert [n["title"] for n in li.api().get("/api/v1/portal/notices").json()] == ["全市服务活动", "乡镇营业时间"]
    detail = zhang.api().get(f"/api/v1/portal/notices/{mine}").json()
    assert (detail["title"], detail["area"], detail["kind_label"], detail["body"]) == (
        "城区电价调整",
        "城区供电所",
        "电价调整",
        "第一段。\n第二段。",
    )
    assert li.api().get(f"/api/v1/portal/notices/{mine}").status_code == 404
    page = page_client(zhang.user).get(f"/portal/notices/{mine}/").content.decode()
    assert "<p>第一段。<br>第二段。</p>" in page
    assert page_client(li.user).get(f"/portal/notices/{mine}/").status_code == 404
    home = page_client(zhang.user).get("/portal/").content.decode()
    assert f'href="/portal/notices/{everyone}/">全市服务活动</a>' in home
    publication_transition(
        scope=scope_for(town.admin),
        actor=town.admin,
        publication=Publication.objects.get(pk=mine),
        to=PublicationStatus.WITHDRAWN,
    )
    assert [n["title"] for n in zhang.api().get("/api/v1/portal/notices").json()] == ["全市服务活动"]
    assert zhang.api().get(f"/api/v1/portal/notices/{mine}").status_code == 404
    assert "城区电价调整" not in page_client(zhang.user).get("/portal/notices/").content.decode()
    for bad in ("abc", "0", "99999999999999999999"):
        assert zhang.api().get(f"/api/v1/portal/notices/{bad}").status_code == 404
