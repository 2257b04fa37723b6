"""A customer's own message settings (customers.preferences): a channel per kind of reminder,
opting out of reminders, the e-invoice address — saved on every contact of the account's customer,
each change one sentence in the history of each of the customer's accounts; outage notices can be
neither opted out of nor routed; a TD reply opts the phone out once."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.history import history_lines
from gridcare.core.testing import PHONE, City, make_account
from gridcare.customers.models import AccountEvent, Contact
from gridcare.customers.preferences import contact_preferences_set, contacts_opt_out
from gridcare.customers.rules import Preferences
from gridcare.customers.selectors import channels_chosen, contact_preferences


def _sentences(account: object) -> list[str]:
    return [line.sentence for line in history_lines(AccountEvent.objects.filter(account=account).order_by("id"))]


def test_settings_are_saved_on_the_contacts_and_each_change_is_a_sentence(town: City) -> None:
    saved = contact_preferences_set(
        account=town.account,
        channels={"bill": "email", "arrears": "sms", "service": ""},
        opted_out=True,
        invoice_email=" zhang@example.com ",
    )
    assert saved == Preferences(
        channels={"bill": "email", "arrears": "sms"}, opted_out=True, invoice_email="zhang@example.com"
    )
    contact = Contact.objects.get(customer=town.account.customer)
    assert (contact.channels, contact.opted_out, contact.invoice_email) == (
        {"bill": "email", "arrears": "sms"},
        True,
        "zhang@example.com",
    )
    assert contact_preferences(account=town.account) == ("138****5678", saved)
    assert _sentences(town.account) == [
        "客户通过网上营业厅：号码 138****5678 的“欠费提醒”改为通过“短信”接收",
        "客户通过网上营业厅：号码 138****5678 的“电费账单”改为通过“电子邮件”接收",
        "客户通过网上营业厅：号码 138****5678 退订提醒类消息",
        "客户通过网上营业厅：电子发票邮箱改为 z***@example.com",
    ]
    # The same settings again change nothing and write nothing.
    contact_preferences_set(
        account=town.account,
        channels={"bill": "email", "arrears": "sms"},
        opted_out=True,
        invoice_email="zhang@example.com",
    )
    assert AccountEvent.objects.filter(account=town.account).count() == 4
    contact_preferences_set(account=town.account, channels={"bill": ""}, opted_out=False, invoice_email="")
    assert _sentences(town.account)[4:] == [
        "客户通过网上营业厅：号码 138****5678 的“欠费提醒”改为通过“默认方式”接收",
        "客户通过网上营业厅：号码 138****5678 的“电费账单”改为通过“默认方式”接收",
        "客户通过网上营业厅：号码 138****5678 恢复接收提醒类消息",
        "客户通过网上营业厅：取消电子发票邮箱",
    ]


def test_outage_notices_can_be_neither_routed_nor_opted_out_of(town: City) -> None:
    with pytest.raises(InvalidInput) as refused:
        contact_preferences_set(
            account=town.account, channels={"outage": "email", "bill": "fax"}, opted_out=False, invoice_email="a@b.cn"
        )
    assert refused.value.errors == {
        "channels.outage": "这类消息不能选择接收渠道（停电通知等总是发送）。",
        "channels.bill": "接收渠道只能是短信、微信或电子邮件。",
    }
    for kind in ("outage", "payment", "work_order", "queue", "verification", "peak_shift"):
        with pytest.raises(InvalidInput):
            contact_preferences_set(account=town.account, channels={kind: "sms"}, opted_out=False, invoice_email="")
    contact = Contact.objects.get(customer=town.account.customer)
    assert (contact.channels, contact.opted_out, contact.invoice_email) == ({}, False, "")
    assert not AccountEvent.objects.exists()


def test_an_email_channel_needs_an_address_and_a_bad_address_is_refused_on_its_field(town: City) -> None:
    with pytest.raises(InvalidInput) as no_address:
        contact_preferences_set(account=town.account, channels={"bill": "email"}, opted_out=False, invoice_email="")
    assert no_address.value.errors == {"invoice_email": "选择电子邮件接收，请先填写邮箱。"}
    for bad in ("not-an-address", "a@", "x" * 250 + "@ex.cn", 42):
        with pytest.raises(InvalidInput) as refused:
            contact_preferences_set(account=town.account, channels={}, opted_out=False, invoice_email=bad)
        assert refused.value.errors == {"invoice_email": "邮箱格式不正确。"}
    assert not AccountEvent.objects.exists()


def test_an_account_without_a_contact_phone_cannot_be_set(town: City) -> None:
    bare = make_account(50, town.unit, town.hall, "赵六")
    with pytest.raises(Conflict):
        contact_preferences_set(account=bare, channels={}, opted_out=True, invoice_email="")
    assert contact_preferences(account=bare) is None
    assert not AccountEvent.objects.exists()


def test_every_contact_of_the_customer_and_every_account_gets_the_change(town: City) -> None:
    customer = town.account.customer
    Contact.objects.create(customer=customer, name="张三家属", phone="13600001111", is_primary=False)
    second = make_account(51, town.unit, town.hall, "张三")
    second.customer = customer
    second.save(update_fields=["customer"])
    contact_preferences_set(account=town.account, channels={}, opted_out=True, invoice_email="")
    assert sorted(Contact.objects.filter(customer=customer).values_list("phone", "opted_out")) == [
        ("13600001111", True),
        (PHONE, True),
    ]
    assert AccountEvent.objects.filter(type="opted_out").count() == 4  # two contacts × two accounts


def test_a_td_reply_opts_the_phone_out_once(town: City) -> None:
    assert contacts_opt_out(phone=PHONE) == 1
    assert contacts_opt_out(phone=PHONE) == 0
    assert contacts_opt_out(phone="13000000000") == 0
    assert Contact.objects.get(phone=PHONE).opted_out is True
    assert _sentences(town.account) == ["客户短信回复退订：号码 138****5678 退订提醒类消息"]


def test_the_outbox_reads_the_chosen_channel_per_phone_and_kind(town: City) -> None:
    contact_preferences_set(account=town.account, channels={"bill": "email"}, opted_out=False, invoice_email="z@ex.cn")
    assert channels_chosen(phones=[PHONE, "13900001111"], category="bill") == {PHONE: ("email", "z@ex.cn")}
    assert channels_chosen(phones=[PHONE], category="arrears") == {}
