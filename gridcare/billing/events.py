"""Append-only history rows of bills and bill runs, and the sentence each run row shows on the
run's progress (gridcare.core.history)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models import Bill, BillEvent, BillRun, BillRunEvent, PaymentOrder, PaymentOrderEvent, RunStatus
from gridcare.core.events import Actor, record
from gridcare.core.history import Missing, Text, register


def bill_event(*, bill: Bill, type: str, actor: Actor, **parameters: Any) -> BillEvent:
    return record(BillEvent, bill=bill, type=type, actor=actor, parameters=parameters)


def run_event(*, run: BillRun, type: str, actor: Actor, **parameters: Any) -> BillRunEvent:
    return record(BillRunEvent, run=run, type=type, actor=actor, parameters=parameters)


class RunEventType(models.TextChoices):
    """The types a bill run's rows are written with (``bill_run`` and the worker's
    ``bill_runs_notify``), and their labels: BillRunEvent keeps the type as plain text."""

    STARTED = "started", _("开始计算")
    RESUMED = "resumed", _("继续计算")
    CHUNK = "chunk", _("分段出账")
    FINISHED = RunStatus.FINISHED.value, _("计算完成")
    NOTICES_QUEUED = "notices_queued", _("出账通知")


def _scope(key: Any) -> Text:
    """A run's scope key: ``*`` the whole company, else the supply unit's code (shown by name)."""
    from gridcare.org.models import SupplyUnit

    if key == "*":
        return _("全公司")
    name = SupplyUnit.objects.filter(code=key).values_list("name", flat=True).first()
    if name is None:
        raise Missing
    return name


T = RunEventType
register(
    BillRunEvent,
    labels=T.choices,
    shows={"unit": _scope},
    sentences={
        T.STARTED: _("%(actor)s 开始计算 %(period)s 账期（%(unit)s），应出账 %(total)s 户"),
        T.RESUMED: _("%(actor)s 继续计算中断的批次"),
        T.CHUNK: _(
            "本段出账 %(billed)s 户，异常暂缓 %(held)s 户，无抄表数据 %(missing)s 户，无电价 %(no_tariff)s 户，"
            "生成出账通知 %(notices)s 条"
        ),
        T.FINISHED: _("批次计算完成：共出账 %(billed)s 户，异常暂缓 %(held)s 户，无抄表数据或电价 %(missing)s 户"),
        T.NOTICES_QUEUED: _("本账期出账通知已生成 %(queued)s 条"),
    },
)


# --- online payment orders (BILL-4, issue 15) -------------------------------------------------


class OrderEventType(models.TextChoices):
    CREATED = "created", _("下单")
    PAID = "paid", _("支付成功")
    FAILED = "failed", _("支付失败")
    EXPIRED = "expired", _("订单过期")
    CANCELLED = "cancelled", _("取消订单")
    REFUSED = "notification_refused", _("支付通知被拒")


def order_event(*, order: PaymentOrder, type: OrderEventType, **parameters: Any) -> PaymentOrderEvent:
    """A payment order's history row (the customer or the provider acted: no staff actor)."""
    return record(PaymentOrderEvent, order=order, type=type.value, actor=None, parameters=parameters)


OE = OrderEventType
register(
    PaymentOrderEvent,
    labels=OE.choices,
    sentences={
        OE.CREATED: _("下单 %(amount)s 元，支付方式 %(provider)s"),
        OE.PAID: _("支付成功，支付流水号 %(txn)s，入账 %(amount)s 元"),
        OE.FAILED: _("支付未成功（%(state)s）"),
        OE.EXPIRED: _("超过支付期限，订单关闭"),
        OE.CANCELLED: _("客户取消了订单"),
        OE.REFUSED: _("支付通知被拒：%(reason)s"),
    },
)
