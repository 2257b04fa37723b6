"""Append-only account history rows, and the sentence each shows on the account page
(gridcare.core.history)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, Text, label_of, one_of, present, register
from gridcare.customers.models import (
    Account,
    AccountEvent,
    AccountStatus,
    ContactStatus,
    CustomerClass,
    UnmaskReason,
)
from gridcare.org.selectors import unit_name


def account_event(*, account: Account, type: AccountEvent.Type, actor: Actor, **parameters: Any) -> AccountEvent:
    return record(AccountEvent, account=account, type=type, actor=actor, parameters=parameters)


def _unit(code: Any) -> Text:
    """A supply unit's code (as 立户 stores it) shown as its name."""
    return present(unit_name(code=str(code)))


def _tariff(code: Any) -> Text:
    """A tariff code shown as the name of the province's tariff, else as it is; none: 未指定."""
    from gridcare.billing.selectors import tariff_name  # billing reads customers: imported late

    if code == "":
        return _("未指定")
    return tariff_name(str(code)) or str(code)


# Where a customer's own change of their message settings came from.
_SOURCE = one_of({"portal": _("客户通过网上营业厅"), "sms": _("客户短信回复退订")})


def _category(code: Any) -> Text:
    """A message kind (notices' Category) shown as its label."""
    from gridcare.notices.models import Category  # notices reads customers: imported late

    return label_of(Category)(code)


def _channel(code: Any) -> Text:
    """A channel shown as its label; "default" is the house's way (WeChat if followed, else SMS)."""
    from gridcare.notices.models import Channel

    return _("默认方式") if code == "default" else label_of(Channel)(code)


_STATUS_CHANGE = Sentence(
    _("%(actor)s 将账户状态由“%(old)s”改为“%(new)s”"),
    more=(_("，原因：%(reason)s"),),
    shows={"old": label_of(AccountStatus), "new": label_of(AccountStatus)},
)

T = AccountEvent.Type
register(
    AccountEvent,
    labels=T.choices,
    shows={
        "customer_class": label_of(CustomerClass),
        "supply_unit": _unit,
        "tariff_code": _tariff,
        "reason_code": label_of(UnmaskReason),
    },
    sentences={
        T.OPENED: _("%(actor)s 办理立户：%(customer_class)s，%(supply_unit)s"),
        T.TRANSFERRED: _("%(actor)s 办理过户：由 %(old_name)s 过户给 %(new_name)s"),
        T.RENAMED: _("%(actor)s 将户名由 %(old_name)s 改为 %(new_name)s"),
        T.TARIFF_CHANGED: _(
            "%(actor)s 办理改类：用电类别由“%(old.customer_class)s”改为“%(new.customer_class)s”，"
            "电价由“%(old.tariff_code)s”改为“%(new.tariff_code)s”"
        ),
        T.SUSPENDED: _STATUS_CHANGE,
        T.RESUMED: _STATUS_CHANGE,
        T.CLOSED: _STATUS_CHANGE,
        T.SETTLING: _STATUS_CHANGE,
        # Phones are stored masked: a delivery result (the sender's report), a number changed by
        # staff, or a first number.
        T.CONTACT_CHANGED: (
            Sentence(
                _("发送结果：号码 %(phone)s 由“%(old)s”改为“%(new)s”"),
                shows={"old": label_of(ContactStatus), "new": label_of(ContactStatus)},
            ),
            Sentence(_("%(actor)s 将手机号码由 %(old)s 改为 %(new)s")),
            Sentence(_("%(actor)s 登记手机号码 %(new)s")),
        ),
        # The reason, never the data that was looked at.
        T.UNMASKED: Sentence(_("%(actor)s 查看完整个人信息，事由：%(reason_code)s"), more=(_("（%(reason)s）"),)),
        T.EXPORTED: _("%(actor)s 导出账户资料"),
        # The customer's own settings: no staff actor, the way it came (the portal, an SMS reply).
        T.MESSAGE_CHANNEL: Sentence(
            _("%(source)s：号码 %(phone)s 的“%(category)s”改为通过“%(channel)s”接收"),
            shows={"source": _SOURCE, "category": _category, "channel": _channel},
        ),
        T.OPTED_OUT: Sentence(_("%(source)s：号码 %(phone)s 退订提醒类消息"), shows={"source": _SOURCE}),
        T.OPTED_IN: Sentence(_("%(source)s：号码 %(phone)s 恢复接收提醒类消息"), shows={"source": _SOURCE}),
        T.INVOICE_EMAIL: (
            Sentence(_("%(source)s：电子发票邮箱改为 %(email)s"), shows={"source": _SOURCE}),
            Sentence(_("%(source)s：取消电子发票邮箱"), shows={"source": _SOURCE}),
        ),
        T.METER_EXCHANGED: _(
            "%(actor)s 办理换表（%(date)s）：旧表 %(old_meter)s 拆表示数 %(removal)s、倍率 %(old_multiplier)s，"
            "新表 %(new_meter)s 装表示数 %(installation)s、倍率 %(new_multiplier)s，旧表电量 %(old_kwh)s kWh"
        ),
        # The names as they were at the change (a person may later leave or be renamed).
        T.MANAGER_CHANGED: (
            Sentence(_("%(actor)s 将大客户经理由 %(old_name)s 改为 %(new_name)s"), more=(_("，原因：%(reason)s"),)),
            Sentence(_("%(actor)s 指定大客户经理 %(new_name)s"), more=(_("，原因：%(reason)s"),)),
            Sentence(_("%(actor)s 取消大客户经理 %(old_name)s"), more=(_("，原因：%(reason)s"),)),
        ),
    },
)
