"""The account page's history (户务记录) in sentences (issue 13, convention 4): each change
written through its service reads as one Chinese sentence, and the table shows no dict, field
name or English code; phones stay masked, an unmasking shows its reason and not the data."""

from __future__ import annotations

import re
from html import unescape

from django.conf import settings
from django.utils import translation

from gridcare.billing.tests.helpers import tariffs
from gridcare.core.history import history_lines
from gridcare.core.testing import ID_NUMBER, PHONE, City, signed_in
from gridcare.customers import services
from gridcare.customers.models import Account, AccountStatus
from gridcare.customers.tests.helpers import NEW_CUSTOMER_FORM
from gridcare.org.access import scope_for

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _sentences(account: Account) -> list[tuple[str, str, str]]:
    return [(line.what, line.who, line.sentence) for line in history_lines(account.events.order_by("id"))]


def _changes(town: City) -> Account:
    """A transfer, a rename, a tariff change, a new phone, a suspension and an unmasking."""
    tariffs()
    scope, clerk = scope_for(town.clerk), town.clerk
    account = services.account_transfer(
        scope=scope,
        actor=clerk,
        account=town.account,
        new_name="钱七",
        new_id_number="330102196010186358",
        new_phone="15900002222",
    )
    services.account_rename(scope=scope, actor=clerk, account=account, new_name="钱七七")
    services.account_change_tariff(
        scope=scope, actor=clerk, account=account, customer_class="commercial", tariff_code="COM-TOU"
    )
    services.contact_set_phone(scope=scope, actor=clerk, account=account, phone="13700001234")
    services.account_transition(
        scope=scope, actor=clerk, account=account, to=AccountStatus.SUSPENDED, reason="客户申请<b>暂停</b>"
    )
    services.account_unmask(
        scope=scope, actor=clerk, account=account, reason_code="caller_check", reason="客户来电核实身份"
    )
    return account


def test_each_change_reads_as_one_sentence(town: City) -> None:
    assert _sentences(_changes(town)) == [
        ("过户", "clerk", "clerk 办理过户：由 张三 过户给 钱七"),
        ("更名", "clerk", "clerk 将户名由 钱七 改为 钱七七"),
        ("改类", "clerk", "clerk 办理改类：用电类别由“居民”改为“一般工商业”，电价由“未指定”改为“浙江一般工商业(分时)”"),
        ("联系方式变更", "clerk", "clerk 将手机号码由 159****2222 改为 137****1234"),
        ("暂停", "clerk", "clerk 将账户状态由“正常”改为“暂停”，原因：客户申请<b>暂停</b>"),
        ("查看完整个人信息", "clerk", "clerk 查看完整个人信息，事由：客户来电核实（客户来电核实身份）"),
    ]


def test_opening_and_a_delivery_result_read_as_sentences(town: City) -> None:
    response = signed_in(town.clerk).post("/customers/new/", NEW_CUSTOMER_FORM)
    assert response.status_code == 302
    opened = Account.objects.get(customer__name="孙八")
    assert _sentences(opened) == [("立户", "clerk", "clerk 办理立户：居民，城区供电所")]
    services.contacts_delivery_failed(phones={PHONE}, permanent=True, failures_to_flag=3)
    assert _sentences(town.account) == [
        ("联系方式变更", "系统", "发送结果：号码 138****5678 由“有效”改为“发送失败”"),
    ]


def _history_text(html: str) -> str:
    table = re.search(r'<table class="grid history">(.*?)</table>', html, re.S)
    assert table is not None
    return unescape(re.sub(r"<[^>]+>", " ", table.group(1)))


def test_the_account_page_shows_no_dict_field_name_or_code(town: City) -> None:
    account = _changes(town)
    html = signed_in(town.clerk).get(f"/customers/{account.account_no}/").content.decode()
    text = _history_text(html)
    assert "clerk 将手机号码由 159****2222 改为 137****1234" in text
    assert "{'" not in text and "': '" not in text
    assert SNAKE.findall(text) == []
    assert "&lt;b&gt;暂停&lt;/b&gt;" in html  # the person's text is escaped, never markup
    assert ID_NUMBER not in html and "13700001234" not in html


def test_the_account_page_in_english(town: City) -> None:
    account = _changes(town)
    client = signed_in(town.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):  # the language the page activates ends with the block
        html = client.get(f"/customers/{account.account_no}/").content.decode()
    text = _history_text(html)
    assert "clerk transferred the account from 张三 to 钱七" in text
    assert "clerk changed the mobile number from 159****2222 to 137****1234" in text
    assert SNAKE.findall(text) == []
    with translation.override("en"):
        assert history_lines(account.events.filter(type="unmasked"))[0].sentence == (
            "clerk viewed the full personal data, reason: Verifying a caller (客户来电核实身份)"
        )


def test_who_is_the_staff_name(town: City) -> None:
    staff = town.clerk.staff
    staff.name = "王小明"
    staff.save(update_fields=["name"])
    services.account_rename(scope=scope_for(town.clerk), actor=town.clerk, account=town.account, new_name="张三丰")
    assert _sentences(town.account) == [("更名", "王小明", "王小明 将户名由 张三 改为 张三丰")]
