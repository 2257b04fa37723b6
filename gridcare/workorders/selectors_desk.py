"""Reads of the 95598 desk (issue 18): the order search, the staff inbox and its count, an order's
history with the orders merged into it, its attachments, a customer's open orders at intake,
saved searches and the triage model versions. Always through the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.history import HistoryLine, history_lines
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.rules import mask_phone, normalise_phone
from gridcare.org.access import Scope
from gridcare.workorders.access import order_filter
from gridcare.workorders.models import (
    OPEN_STATUSES,
    Attachment,
    ComplaintClass,
    InboxItem,
    InboxReason,
    OrderEvent,
    OrderType,
    SavedSearch,
    Status,
    TriageModel,
    WorkOrder,
)
from gridcare.workorders.selectors import order_list

# -- the search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderQuery:
    """What the search asks, as typed (codes for the choices). Empty fields ask nothing."""

    number: str = ""
    phone: str = ""
    account_no: str = ""
    text: str = ""
    type: str = ""
    complaint_class: str = ""
    cause: str = ""
    status: str = ""
    unit: str = ""
    owner: str = ""
    received_from: date | None = None
    received_to: date | None = None

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @property
    def asked(self) -> bool:
        return any(getattr(self, name) for name in self.names())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _phone(raw: str) -> str:
    """A full mobile (a part is never searched for: masked results cannot be probed digit by digit)."""
    try:
        return normalise_phone(raw)
    except InvalidInput as exc:
        message = _("请输入完整的11位手机号码。")
        raise InvalidInput(message, errors={"phone": message}) from exc


def order_search(*, orders: QuerySet[WorkOrder], query: OrderQuery) -> QuerySet[WorkOrder]:
    """``orders`` (already the caller's, from ``order_list``) narrowed by every field asked."""
    q = query
    if q.received_from and q.received_to and q.received_from > q.received_to:
        message = _("开始日期不能晚于结束日期。")
        raise InvalidInput(message, errors={"received_to": message})
    exact = {
        "number": q.number.strip(),
        "account__account_no": q.account_no.strip(),
        "type": q.type,
        "complaint_class": q.complaint_class,
        "complaint_cause__code": q.cause,
        "status": q.status,
        "supply_unit__code": q.unit,
        "owner__employee_no": q.owner,
    }
    orders = orders.filter(**{key: value for key, value in exact.items() if value})
    if q.phone.strip():
        orders = orders.filter(phone=_phone(q.phone))
    if q.text.strip():
        orders = orders.filter(text__contains=q.text.strip())
    if q.received_from:
        orders = orders.filter(received_at__gte=_day_start(q.received_from))
    if q.received_to:
        orders = orders.filter(received_at__lt=_day_start(q.received_to + timedelta(days=1)))
    return orders


def masked_phone(order: WorkOrder) -> str:
    return mask_phone(order.phone)


def saved_searches(scope: Scope) -> QuerySet[SavedSearch]:
    if scope.staff is None:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(staff=scope.staff).order_by("name", "id")


# -- the inbox ------------------------------------------------------------------------------------------

# Reasons that wait only while the person still owns the order (a hand-over moves them on).
_OWNER_REASONS = (InboxReason.HANDED_OVER, InboxReason.WARNED, InboxReason.URGED)


def _waiting(staff_id: int) -> Q:
    """Items of one person that still wait: not done, the order still in the state they are about."""
    open_order = Q(order__status__in=OPEN_STATUSES)
    owned = Q(reason__in=_OWNER_REASONS, order__owner_id=staff_id) & open_order
    escalated = Q(reason=InboxReason.ESCALATED) & open_order
    call_back = Q(reason=InboxReason.CALLBACK_DUE, order__status=Status.CLOSED)
    return Q(staff_id=staff_id, done_at__isnull=True) & (owned | escalated | call_back)


def inbox_items(scope: Scope) -> QuerySet[InboxItem]:
    """What waits for the person, newest first (nobody without a post has an inbox)."""
    if scope.staff is None:
        return InboxItem.objects.none()
    return InboxItem.objects.filter(_waiting(scope.staff.pk)).select_related("order", "order__supply_unit")


def inbox_count(scope: Scope) -> int:
    """The top bar's number: one COUNT on the person's open items (index staff, done_at)."""
    if scope.staff is None:
        return 0
    return InboxItem.objects.filter(_waiting(scope.staff.pk)).count()


def inbox_counts(scope: Scope) -> dict[str, int]:
    """How many wait, per reason (every reason, zero included)."""
    counts = dict.fromkeys(InboxReason.values, 0)
    for reason in inbox_items(scope).values_list("reason", flat=True):
        counts[reason] += 1
    return counts


def my_open_orders(scope: Scope) -> QuerySet[WorkOrder]:
    """The open orders the person owns (我负责的), oldest first."""
    if scope.staff is None:
        return WorkOrder.objects.none()
    return order_list(scope=scope, open_only=True).filter(owner=scope.staff).order_by("received_at", "id")


# -- one order: history with its merged orders, attachments ----------------------------------------------


def merged_orders(order: WorkOrder) -> list[WorkOrder]:
    return list(WorkOrder.objects.filter(merged_into=order).order_by("id"))


def desk_history(order: WorkOrder) -> QuerySet[OrderEvent]:
    """The order's history and that of every duplicate merged into it, in time order (one history)."""
    ids = [order.pk, *WorkOrder.objects.filter(merged_into=order).values_list("pk", flat=True)]
    return OrderEvent.objects.filter(order_id__in=ids).select_related("actor", "order").order_by("created_at", "id")


@dataclass(frozen=True)
class DeskLine:
    """One row of the order page's history: the sentence, the order it happened on (a merged
    duplicate's number, or "" for the order itself) and whether the customer sees it."""

    line: HistoryLine
    source: str
    mark: str  # "internal" (a note), "public" (a reply), "" for every other step


def desk_lines(order: WorkOrder) -> list[DeskLine]:
    marks: dict[str, str] = {OrderEvent.Type.NOTE: "internal", OrderEvent.Type.PUBLIC_REPLY: "public"}
    events = list(desk_history(order))
    lines = history_lines(events)
    return [
        DeskLine(line=line, source="" if e.order_id == order.pk else e.order.number, mark=marks.get(e.type, ""))
        for e, line in zip(events, lines, strict=True)
    ]


def order_attachments(order: WorkOrder) -> QuerySet[Attachment]:
    """The order's files and those of the duplicates merged into it."""
    return (
        Attachment.objects.filter(Q(order=order) | Q(order__merged_into=order))
        .select_related("order", "uploaded_by")
        .order_by("created_at", "id")
    )


def attachment_get(*, scope: Scope, number: str, attachment_id: int) -> Attachment:
    """An attachment of an order the caller sees (or of one merged into it); anything else is 404."""
    from gridcare.core.exceptions import NotFound

    found = (
        Attachment.objects.filter(Q(order__number=number) | Q(order__merged_into__number=number), pk=attachment_id)
        .filter(order_filter(scope, "order__"))
        .select_related("order")
        .first()
    )
    if found is None:
        raise NotFound(_("没有这个附件。"))
    return found


def attachment_card(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "order": a.order.number,
        "name": a.name,
        "kind": a.kind,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.created_at.astimezone(SHANGHAI),
        "uploaded_by": a.uploaded_by.get_username() if a.uploaded_by else None,
    }


def note_card(event: OrderEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "order": event.order.number,
        "public": event.type == OrderEvent.Type.PUBLIC_REPLY,
        "text": (event.parameters or {}).get("text", ""),
        "at": event.created_at.astimezone(SHANGHAI),
        "by": event.actor.get_username() if event.actor else None,
    }


def order_notes(order: WorkOrder) -> QuerySet[OrderEvent]:
    kinds = (OrderEvent.Type.NOTE, OrderEvent.Type.PUBLIC_REPLY)
    return order.events.filter(type__in=kinds).select_related("actor", "order").order_by("created_at", "id")


# -- intake: a caller's open orders ----------------------------------------------------------------------


def customer_open_orders(*, scope: Scope, lookup: str, limit: int = 10) -> list[WorkOrder]:
    """The open orders of the caller being served, by a full 户号 or mobile typed at intake (the
    agent urges one of them instead of taking a duplicate); nothing for a partial number."""
    value = (lookup or "").strip()
    if value.isdigit() and len(value) == 10:
        wanted = Q(account__account_no=value)
    else:
        try:
            wanted = Q(phone=normalise_phone(value))
        except InvalidInput:
            return []
    rows = order_list(scope=scope, open_only=True).filter(wanted).order_by("-received_at", "-id")
    return list(rows[:limit])


# -- the triage model's versions ------------------------------------------------------------------------


def triage_versions(limit: int = 20) -> list[TriageModel]:
    return list(TriageModel.objects.defer("blob").order_by("-version")[:limit])


def triage_current() -> TriageModel | None:
    return TriageModel.objects.defer("blob").filter(adopted=True).order_by("-version").first()


def type_label(code: str) -> str:
    return str(OrderType(code).label) if code in OrderType.values else code


def class_label(code: str) -> str:
    return str(ComplaintClass(code).label) if code in ComplaintClass.values else code
