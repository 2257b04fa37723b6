"""Append-only history rows of bills and bill runs, and the sentence each run row shows on the
run's progress (gridcare.core.history)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models import (
    AccountMove,
    Bill,
    BillEvent,
    BillRun,
    BillRunEvent,
    DepositEvent,
    InstalmentPlan,
    InstalmentPlanEvent,
    MoveEvent,
    Payment,
    PaymentEvent,
    PaymentOrder,
    PaymentOrderEvent,
    Refund,
    RefundEvent,
    RefundMethod,
    ReversalReason,
    RunStatus,
    ServiceCategory,
    ServiceItem,
    ServiceItemEvent,
    ServiceOrder,
    ServiceOrderEvent,
    ServiceOrderSource,
)
from gridcare.core.events import Actor, record
from gridcare.core.history import Missing, Sentence, Text, label_of, moment, register


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


# --- paid value-added services (WO-10, issue 15) -------------------------------------------------


def service_item_event(*, item: ServiceItem, type: str, actor: Actor, **parameters: Any) -> ServiceItemEvent:
    return record(ServiceItemEvent, item=item, type=type, actor=actor, parameters=parameters)


def service_order_event(*, order: ServiceOrder, type: str, actor: Actor, **parameters: Any) -> ServiceOrderEvent:
    return record(ServiceOrderEvent, order=order, type=type, actor=actor, parameters=parameters)


IT = ServiceItemEvent.Type
# The item's fields a correction names (by code in the row, by label on the page).
ITEM_FIELDS = {
    "name": _("服务名称"),
    "category": _("服务类别"),
    "description": _("服务内容"),
    "unit": _("计价单位"),
    "tax_note": _("税费说明"),
}


def _fields(value: Any) -> Text:
    if not isinstance(value, list) or not value or any(v not in ITEM_FIELDS for v in value):
        raise Missing
    return "、".join(str(ITEM_FIELDS[v]) for v in value)


register(
    ServiceItemEvent,
    labels=IT.choices,
    shows={"category": label_of(ServiceCategory), "fields": _fields},
    sentences={
        IT.CREATED: Sentence(
            _("%(actor)s 新增服务项目“%(name)s”（%(category)s），单价 %(price)s 元/%(unit)s，自 %(valid_from)s 起执行")
        ),
        IT.CHANGED: Sentence(_("%(actor)s 修改了服务项目"), more=(_("：%(fields)s"),)),
        IT.PRICED: _("%(actor)s 将单价调整为 %(price)s 元，自 %(valid_from)s 起执行"),
        IT.DEACTIVATED: _("%(actor)s 将服务项目停售"),
        IT.ACTIVATED: _("%(actor)s 恢复在售"),
    },
)

SO = ServiceOrderEvent.Type
register(
    ServiceOrderEvent,
    labels=SO.choices,
    shows={"source": label_of(ServiceOrderSource), "at": moment},
    sentences={
        SO.ORDERED: Sentence(_("%(actor)s 通过%(source)s下单，金额 %(amount)s 元"), more=(_("：%(lines)s"),)),
        SO.PAID: _("已支付 %(amount)s 元，支付流水号 %(txn)s"),
        SO.SCHEDULED: Sentence(_("%(actor)s 预约上门时间 %(at)s"), more=(_("，%(note)s"),)),
        SO.DONE: Sentence(_("%(actor)s 确认服务已完成"), more=(_("，%(note)s"),)),
        SO.CANCELLED: Sentence(_("%(actor)s 取消了订单"), more=(_("，原因：%(reason)s"),)),
        SO.PAID_AGAIN: _("订单已支付后又收到一笔 %(amount)s 元的支付（流水号 %(txn)s），已入账，请核实退款"),
    },
)


# --- money back and money returned (issue 19) ------------------------------------------------------


def payment_event(*, payment: Payment, type: PaymentEvent.Type, actor: Actor, **parameters: Any) -> PaymentEvent:
    return record(PaymentEvent, payment=payment, type=type.value, actor=actor, parameters=parameters)


def refund_event(*, refund: Refund, type: RefundEvent.Type, actor: Actor, **parameters: Any) -> RefundEvent:
    return record(RefundEvent, refund=refund, type=type.value, actor=actor, parameters=parameters)


def _money(value: Any) -> Text:
    """An amount kept as text ("120.00") shown as ¥120.00 (anything else is missing)."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise Missing from exc
    if not amount.is_finite():
        raise Missing
    return f"¥{amount:.2f}"


def _positive_money(value: Any) -> Text:
    shown = _money(value)
    if shown == "¥0.00":
        raise Missing  # the clause is left out
    return shown


PE = PaymentEvent.Type
register(
    PaymentEvent,
    labels=PE.choices,
    shows={
        "reason": label_of(ReversalReason),
        "amount": _money,
        "from_prepaid": _positive_money,
        "reopened": _positive_money,
        "uncovered": _positive_money,
    },
    sentences={
        PE.REVERSED: Sentence(
            _("%(actor)s 冲正了这笔 %(amount)s 的缴费（%(reason)s，凭证号 %(reference)s）"),
            more=(
                _("，账单 %(bills)s 恢复为欠费"),
                _("，扣回预存 %(from_prepaid)s"),
                _("，已用于出账抵扣的 %(reopened)s 转为欠费"),
                _("，%(uncovered)s 未能扣回（已用于退款），请另行追回"),
            ),
        ),
    },
)

RE = RefundEvent.Type
register(
    RefundEvent,
    labels=RE.choices,
    shows={"amount": _money, "method": label_of(RefundMethod)},
    sentences={
        RE.REQUESTED: Sentence(_("%(actor)s 申请退款 %(amount)s（%(method)s）"), more=(_("，原因：%(reason)s"),)),
        RE.APPROVED: Sentence(_("%(actor)s 批准了退款"), more=(_("，意见：%(note)s"),)),
        RE.REJECTED: Sentence(_("%(actor)s 驳回了退款，款项退回预存余额"), more=(_("，意见：%(note)s"),)),
        RE.EXPORTED: _("%(actor)s 将退款导出到退款批次 #%(batch)s"),
        RE.PAID: _("%(actor)s 确认退款批次 #%(batch)s 已付款"),
        RE.FAILED: Sentence(_("%(actor)s 登记退款失败，款项退回预存余额"), more=(_("，原因：%(note)s"),)),
    },
)


def move_event(*, move: AccountMove, type: MoveEvent.Type, actor: Actor, **parameters: Any) -> MoveEvent:
    return record(MoveEvent, move=move, type=type.value, actor=actor, parameters=parameters)


def deposit_event(*, account: Any, type: DepositEvent.Type, actor: Actor, **parameters: Any) -> DepositEvent:
    return record(DepositEvent, account=account, type=type.value, actor=actor, parameters=parameters)


ME = MoveEvent.Type
register(
    MoveEvent,
    labels=ME.choices,
    shows={"owed": _money, "from_deposit": _positive_money, "from_prepaid": _positive_money},
    sentences={
        ME.CLOSING: Sentence(
            _("%(actor)s 办理销户：终止示数 %(register)s，末期账单 %(amount)s，应结清 %(owed)s"),
            more=(
                _("，保证金抵缴 %(from_deposit)s"),
                _("，预存抵缴 %(from_prepaid)s"),
                _("，结余 %(credit)s 退款"),
                _("，尚欠 %(left_owed)s，待结清"),
            ),
            shows={"amount": _money, "credit": _positive_money, "left_owed": _positive_money},
        ),
        ME.COMPLETED: _("%(actor)s 完成销户"),
        ME.TRANSFERRED: Sentence(
            _("%(actor)s 办理过户：自 %(move_on)s 起示数 %(register)s 由 %(new_name)s 承担，原户主末期账单 %(amount)s"),
            more=(_("，原户主尚欠 %(left_owed)s"),),
            shows={"amount": _money, "left_owed": _positive_money},
        ),
    },
)

DE = DepositEvent.Type
register(
    DepositEvent,
    labels=DE.choices,
    shows={"amount": _money},
    sentences={
        DE.COLLECTED: _("%(actor)s 收取保证金 %(amount)s"),
        DE.APPLIED: Sentence(_("%(actor)s 以保证金 %(amount)s 抵缴电费"), more=(_("，原因：%(reason)s"),)),
        DE.RETURNED: _("%(actor)s 将保证金 %(amount)s 转入结余待退"),
    },
)


# --- instalment plans (分期缴费, issue 19) ------------------------------------------------------------


def plan_event(
    *, plan: InstalmentPlan, type: InstalmentPlanEvent.Type, actor: Actor, **parameters: Any
) -> InstalmentPlanEvent:
    return record(InstalmentPlanEvent, plan=plan, type=type.value, actor=actor, parameters=parameters)


IE = InstalmentPlanEvent.Type
register(
    InstalmentPlanEvent,
    labels=IE.choices,
    shows={"total": _money},
    sentences={
        IE.REQUESTED: Sentence(_("%(actor)s 申请分期缴费 %(total)s，共 %(count)s 期"), more=(_("，原因：%(reason)s"),)),
        IE.APPROVED: Sentence(_("%(actor)s 批准了分期，期间暂停计收违约金"), more=(_("，意见：%(note)s"),)),
        IE.REJECTED: Sentence(_("%(actor)s 驳回了分期"), more=(_("，意见：%(note)s"),)),
        IE.COMPLETED: _("分期款已全部缴清"),
        IE.BROKEN: _("第 %(number)s 期逾期未缴，分期终止，自 %(on)s 起恢复计收违约金并重新催费"),
    },
)


# -- corrections (issue 19): cancel and re-bill, credit and debit notes --------------------------
from gridcare.billing.models import (  # noqa: E402 - beside the corrections' sentences
    Adjustment,
    AdjustmentEvent,
    AdjustmentKind,
    BillCorrection,
    CorrectionEvent,
    CorrectionReason,
)


def correction_event(
    *, correction: BillCorrection, type: CorrectionEvent.Type, actor: Actor, **parameters: Any
) -> CorrectionEvent:
    return record(CorrectionEvent, correction=correction, type=type.value, actor=actor, parameters=parameters)


def adjustment_event(
    *, adjustment: Adjustment, type: AdjustmentEvent.Type, actor: Actor, **parameters: Any
) -> AdjustmentEvent:
    return record(AdjustmentEvent, adjustment=adjustment, type=type.value, actor=actor, parameters=parameters)


CE = CorrectionEvent.Type
register(
    CorrectionEvent,
    labels=CE.choices,
    shows={"reason": label_of(CorrectionReason), "old": _money, "amount": _money},
    sentences={
        CE.REQUESTED: _("%(actor)s 申请更正账单（%(reason)s），原应收 %(old)s，更正后 %(amount)s"),
        CE.DONE: Sentence(_("%(actor)s 批准更正，账单已作废并重新出账 %(amount)s"), more=(_("，意见：%(note)s"),)),
        CE.REJECTED: Sentence(_("%(actor)s 驳回了更正申请"), more=(_("，意见：%(note)s"),)),
    },
)

AE = AdjustmentEvent.Type
register(
    AdjustmentEvent,
    labels=AE.choices,
    shows={"reason": label_of(CorrectionReason), "kind": label_of(AdjustmentKind), "amount": _money},
    sentences={
        AE.REQUESTED: _("%(actor)s 申请%(kind)s %(amount)s（%(reason)s）"),
        AE.APPROVED: Sentence(_("%(actor)s 批准了退补"), more=(_("，意见：%(note)s"),)),
        AE.REJECTED: Sentence(_("%(actor)s 驳回了退补"), more=(_("，意见：%(note)s"),)),
        AE.APPLIED: _("计入 %(period)s 账单"),
        AE.COMPUTED: _("%(period)s 估抄退补：按实抄电量计算%(kind)s %(amount)s（%(reason)s），无需审批"),
    },
)
