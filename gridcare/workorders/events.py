"""Append-only history rows of work orders and new connections, and the sentence each order
row shows on the order page (gridcare.core.history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, Text, label_of, moment, one_of, present, register
from gridcare.org.selectors import hall_name, unit_name
from gridcare.workorders.models import (
    CauseEvent,
    Channel,
    ComplaintCause,
    ComplaintClass,
    ConnectionEvent,
    Deadline,
    NewConnection,
    OrderEvent,
    OrderType,
    Status,
    Urgency,
    WorkOrder,
)


def order_event(
    *, order: WorkOrder, type: OrderEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> OrderEvent:
    return record(OrderEvent, order=order, type=type, actor=actor, at=at, parameters=parameters)


def cause_event(*, cause: ComplaintCause | None, type: CauseEvent.Type, actor: Actor, **parameters: Any) -> CauseEvent:
    return record(CauseEvent, cause=cause, type=type, actor=actor, parameters=parameters)


def connection_event(
    *, connection: NewConnection, type: ConnectionEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> ConnectionEvent:
    return record(ConnectionEvent, connection=connection, type=type, actor=actor, at=at, parameters=parameters)


def _unit(pk: Any) -> Text:
    return present(unit_name(pk=int(pk)))


def _hall(pk: Any) -> Text:
    return present(hall_name(int(pk)))


_deadline = label_of(Deadline.Kind)
_CODED_REASONS = {"dissatisfied": _("回访不满意")}


def _reason(value: Any) -> Text:
    """A reason as the person wrote it, or one of the codes the services store (回访不满意, a
    deadline overdue: ``overdue:<kind>``)."""
    text = str(value)
    if text in _CODED_REASONS:
        return _CODED_REASONS[text]
    if text.startswith("overdue:"):
        return gettext("“%(kind)s”时限超时") % {"kind": _deadline(text.removeprefix("overdue:"))}
    return text


_REASON = _("，原因：%(reason)s")
_NOTE = _("，备注：%(note)s")
_OUTAGE = _("，该事件已并入登记的停电 #%(outage)s")

T = OrderEvent.Type
register(
    OrderEvent,
    labels=T.choices,
    shows={
        "channel": label_of(Channel),
        "type_": label_of(OrderType),
        "complaint_class": label_of(ComplaintClass),
        "suggested": label_of(OrderType),
        "chosen": label_of(OrderType),
        "suggested_urgency": label_of(Urgency),
        "chosen_urgency": label_of(Urgency),
        "kind": _deadline,
        "due_at": moment,
        "old_due_at": moment,
        "new_due_at": moment,
        "unit": _unit,
        "hall": _hall,
        "reason": _reason,
        "reached": one_of({True: _("已联系上客户"), False: _("未联系上客户")}),
        "satisfied": one_of({True: _("客户满意"), False: _("客户不满意")}),
        "registered": one_of({True: _("新登记停电"), False: _("并入已登记的停电")}),
        "provisional": one_of({True: _("仍为暂定"), False: ""}),
        "consequence": one_of({"standby": _("待岗")}),
    },
    sentences={
        T.RECEIVED: Sentence(
            _("%(actor)s 经%(channel)s受理%(type_)s"),
            more=(_("（%(complaint_class)s）"), _("，投诉原因：%(cause)s"), _("，首问负责人 %(owner)s")),
        ),
        T.TRANSITION: Sentence(
            _("%(actor)s 将工单由“%(from)s”改为“%(to)s”"),
            more=(_("，派往 %(unit)s"), _("（%(hall)s）"), _("，班组：%(crew)s"), _NOTE),
            shows={"from": label_of(Status), "to": label_of(Status)},
        ),
        T.HANDED_OVER: (
            Sentence(_("%(actor)s 将工单由 %(previous)s 转交 %(to)s"), more=(_REASON,)),
            Sentence(_("%(actor)s 将工单转交 %(to)s"), more=(_REASON,)),
        ),
        T.CONTACTED: Sentence(_("%(actor)s 已联系客户"), more=(_NOTE,)),
        T.PAUSED: Sentence(_("%(actor)s 挂起工单，等待客户"), more=(_REASON,)),
        T.RESUMED: _("%(actor)s 恢复处理，等待客户 %(waited_minutes)s 分钟"),
        # ``first``: the number of the incident's first order (none: this order opened it).
        T.MERGED: (
            Sentence(_("工单并入故障事件 #%(incident)s，首报工单 %(first)s"), more=(_OUTAGE,)),
            Sentence(_("工单报修建立故障事件 #%(incident)s"), more=(_OUTAGE,)),
        ),
        T.WARNED: _("“%(kind)s”时限将于 %(due_at)s 到期"),
        T.ESCALATED: Sentence(_("工单升级处理，原因：%(reason)s"), more=(_("，升级至 %(supervisor)s"),)),
        # ``channel``: the customer answered the call-back themselves, in the portal or the app.
        T.CALLED_BACK: (
            Sentence(_("客户经%(channel)s答复回访：%(satisfied)s"), more=(_("，意见：%(note)s"),)),
            Sentence(_("%(actor)s 回访：%(reached)s"), more=(_("，%(satisfied)s"),)),
        ),
        T.REOPENED: Sentence(_("%(actor)s 重新处理工单"), more=(_REASON,)),
        T.VERIFIED: Sentence(_("%(actor)s 查实投诉，责任人 %(staff)s"), more=(_("，处理：%(consequence)s"),)),
        T.TRIAGE_OVERRIDDEN: _(
            "%(actor)s 将系统建议的“%(suggested)s · %(suggested_urgency)s”改为“%(chosen)s · %(chosen_urgency)s”"
        ),
        T.OUTAGE_CONFIRMED: _(
            "%(actor)s 确认故障事件 #%(incident)s 为台区停电（%(registered)s），影响 %(affected_accounts)s 户"
        ),
        T.PROVISIONAL: _("%(missing_years)s 年节假日安排尚未录入，“%(kind)s”时限暂按周一至周五计算至 %(due_at)s"),
        T.CAUSE_SET: _("%(actor)s 将投诉原因定为“%(cause)s”"),
        T.RATED: Sentence(_("客户经%(channel)s评价本次服务 %(score)s 星"), more=(_("，评价：%(comment)s"),)),
        T.RECOMPUTED: Sentence(
            _("按 %(year)s 年节假日安排重算“%(kind)s”时限：由 %(old_due_at)s 改为 %(new_due_at)s"),
            more=(_("（%(provisional)s）"),),
        ),
        # The desk (issue 18)
        T.NOTE: _("%(actor)s 内部备注（客户不可见）：%(text)s"),
        T.PUBLIC_REPLY: _("%(actor)s 答复客户：%(text)s"),
        T.ATTACHED: _("%(actor)s 上传附件“%(name)s”（%(size_kb)s KB）"),
        T.URGED: _("%(actor)s 受理客户催办（催办工单 %(urging)s），累计催办 %(count)s 次"),
        T.MERGED_INTO: Sentence(_("%(actor)s 将本工单作为重复工单并入 %(into)s"), more=(_REASON,)),
        T.ABSORBED: Sentence(_("%(actor)s 将重复工单 %(duplicate)s 并入本工单"), more=(_REASON,)),
    },
)

C = CauseEvent.Type
register(
    CauseEvent,
    labels=C.choices,
    shows={"complaint_class": label_of(ComplaintClass)},
    sentences={
        C.CREATED: _("%(actor)s 新增投诉原因“%(name)s”"),
        C.CHANGED: (
            Sentence(_("%(actor)s 将投诉原因“%(old)s”改为“%(name)s”，排序 %(position)s")),
            Sentence(_("%(actor)s 修改投诉原因“%(name)s”")),
        ),
        C.DEACTIVATED: _("%(actor)s 停用投诉原因“%(name)s”"),
        C.ACTIVATED: _("%(actor)s 重新启用投诉原因“%(name)s”"),
        C.DELETED: Sentence(_("%(actor)s 删除未使用的投诉原因“%(name)s”"), more=(_("（%(complaint_class)s）"),)),
    },
)
