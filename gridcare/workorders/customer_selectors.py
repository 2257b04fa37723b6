"""Reads of a customer's own orders (the portal and the app, SELF-2): the orders opened for the
customer's bound accounts or with the customer's phone, and what the customer is told of each —
its status, its deadlines, and one sentence per step that concerns them. Internal steps (hand-
overs, warnings, escalations, triage, findings, recalculated deadlines) and staff names are never
shown: whoever acted is 工作人员."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.exceptions import NotFound
from gridcare.core.timezone import now
from gridcare.workorders.models import Deadline, OrderEvent, OrderRating, OrderType, Status, WorkOrder

NUMBER_MAX = 30


def customer_order_filter(*, account_ids: Sequence[int], phone: str) -> Q:
    """The customer's orders: their bound accounts' or opened with their phone."""
    mine = Q(account_id__in=list(account_ids))
    return mine | Q(phone=phone) if phone else mine


def customer_orders(*, account_ids: Sequence[int], phone: str) -> QuerySet[WorkOrder]:
    """The customer's orders, newest first."""
    return (
        WorkOrder.objects.filter(customer_order_filter(account_ids=account_ids, phone=phone))
        .select_related("account", "transformer_area")
        .order_by("-received_at", "-id")
    )


def customer_order(*, account_ids: Sequence[int], phone: str, number: object) -> WorkOrder:
    """One of the customer's orders; anyone else's (or none) is the same 404."""
    text = str(number)
    found = None
    if text.isascii() and text.isalnum() and len(text) <= NUMBER_MAX:
        found = customer_orders(account_ids=account_ids, phone=phone).filter(number=text).first()
    if found is None:
        raise NotFound(_("未找到工单 %(no)s。") % {"no": text[:NUMBER_MAX]})
    return found


def order_rating(order: WorkOrder) -> OrderRating | None:
    return OrderRating.objects.filter(order=order).first()


@dataclass(frozen=True)
class Step:
    at: datetime
    sentence: str


T = OrderEvent.Type
_Say = Callable[[dict[str, Any], WorkOrder], "str | Promise | None"]


def _transition(p: dict[str, Any], order: WorkOrder) -> str | Promise | None:
    to, came = p.get("to"), p.get("from")
    if to == Status.ACCEPTED and came in (Status.CLOSED, Status.CALLED_BACK):
        return gettext_lazy("工单重新处理。")
    if to not in Status.values:
        return None
    fault = order.type == OrderType.FAULT
    said: dict[str, str | Promise | None] = {
        Status.ACCEPTED: gettext_lazy("工作人员已接单，正在处理。"),
        Status.DISPATCHED: gettext_lazy("已派抢修人员处理。") if fault else gettext_lazy("已转交相关单位处理。"),
        Status.ARRIVED: gettext_lazy("工作人员已到达现场。"),
        Status.RESTORED: gettext_lazy("已恢复送电。"),
        Status.REPLIED: gettext_lazy("工作人员已答复您。"),
        Status.CLOSED: gettext_lazy("工单已办结。"),
        Status.CALLED_BACK: None,  # the call-back's own step says it
    }
    return said.get(str(to))


def _called_back(p: dict[str, Any], order: WorkOrder) -> str | Promise | None:
    if p.get("reached") is False:
        return gettext_lazy("工作人员回访时未能联系上您。")
    if p.get("satisfied") is True:
        return gettext_lazy("回访：您对处理结果表示满意。")
    return gettext_lazy("回访：您对处理结果不满意，工单将重新处理。")


def _rated(p: dict[str, Any], order: WorkOrder) -> str | Promise | None:
    return _("您评价了本次服务：%(score)s 星。") % {"score": p.get("score", "")}


# One sentence per step the customer is told of; None: an internal step, never shown.
CUSTOMER_SENTENCES: dict[str, _Say | None] = {
    T.RECEIVED: lambda p, o: _("您的诉求已受理，工单编号 %(number)s。") % {"number": o.number},
    T.TRANSITION: _transition,
    T.HANDED_OVER: None,
    T.CONTACTED: lambda p, o: gettext_lazy("工作人员已与您联系。"),
    T.PAUSED: lambda p, o: gettext_lazy("工单暂停处理，等待您的回复或补充材料。"),
    T.RESUMED: lambda p, o: gettext_lazy("工单恢复处理。"),
    # ``first``: another order reported the incident first (none: this report opened it).
    T.MERGED: lambda p, o: gettext_lazy("您报修的故障已与同一故障的其他报修合并抢修。") if p.get("first") else None,
    T.WARNED: None,
    T.ESCALATED: None,
    T.CALLED_BACK: _called_back,
    T.REOPENED: None,  # the transition back to 已接单 says it
    T.VERIFIED: None,
    T.TRIAGE_OVERRIDDEN: None,
    T.OUTAGE_CONFIRMED: lambda p, o: gettext_lazy("已确认为停电，抢修人员正在处理。"),
    T.PROVISIONAL: None,
    T.RECOMPUTED: None,
    T.CAUSE_SET: None,
    T.RATED: _rated,
    # The desk (issue 18): an internal note and an attachment are for staff only; a public reply
    # is the customer's to read.
    T.NOTE: None,
    T.PUBLIC_REPLY: lambda p, o: _("工作人员答复：%(text)s") % {"text": p.get("text", "")},
    T.ATTACHED: None,
    T.URGED: lambda p, o: gettext_lazy("已收到您的催办，工作人员将尽快处理。"),
    T.MERGED_INTO: lambda p, o: (
        _("您的诉求已与工单 %(into)s 合并处理，请以该工单的进展为准。") % {"into": p.get("into", "")}
    ),
    T.ABSORBED: None,
}


def customer_steps(order: WorkOrder) -> list[Step]:
    """The order's history as the customer reads it, oldest first."""
    steps = []
    for event in OrderEvent.objects.filter(order=order).order_by("created_at", "id"):
        say = CUSTOMER_SENTENCES.get(event.type)
        said = say(event.parameters or {}, order) if say is not None else None
        if said:
            steps.append(Step(at=event.created_at, sentence=str(said)))
    return steps


@dataclass(frozen=True)
class Promised:
    """A deadline as the customer reads it: what was promised by when, and whether it was kept."""

    kind: str
    label: str
    due_at: datetime
    met_at: datetime | None
    state: str  # met, open, overdue
    state_label: str


_STATES = {"met": gettext_lazy("已完成"), "open": gettext_lazy("处理中"), "overdue": gettext_lazy("已超时")}


def customer_deadlines(order: WorkOrder, *, at: datetime | None = None) -> list[Promised]:
    at = at or now()
    rows = []
    finished = order.status in (Status.CLOSED, Status.CALLED_BACK)
    for d in Deadline.objects.filter(order=order).order_by("due_at", "id"):
        if finished and d.met_at is None:
            continue  # a promise the closing made moot (an arrival for a fault resolved by phone)
        state = "met" if d.met_at is not None else ("overdue" if d.due_at < at else "open")
        rows.append(
            Promised(
                kind=d.kind,
                label=str(Deadline.Kind(d.kind).label),
                due_at=d.due_at,
                met_at=d.met_at,
                state=state,
                state_label=str(_STATES[state]),
            )
        )
    return rows
