"""What the portal's request pages and the app's request API share (SELF-2, WO-1, WO-5; issue 15):
the customer's own work orders (their bound accounts' or opened with their phone, through the
workorders app's customer selectors), how one reads for them, and what they may file."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from gridcare.assessment.selectors_surveys import survey_open
from gridcare.portal import selectors
from gridcare.portal.models import PortalUser
from gridcare.workorders import customer_selectors as orders
from gridcare.workorders.models import OPEN_STATUSES, OrderType, Status, WorkOrder
from gridcare.workorders.services.customer import RATABLE

# What a customer files, as the pages name it: kind in the address → the order's type.
KINDS: dict[str, tuple[str, Any, Any]] = {
    "fault": (
        OrderType.FAULT,
        gettext_lazy("故障报修"),
        gettext_lazy("请描述故障情况，例如：家里突然停电，邻居家也没电。"),
    ),
    "complaint": (OrderType.COMPLAINT, gettext_lazy("投诉"), gettext_lazy("请说明您要投诉的事情和经过。")),
    "inquiry": (OrderType.INQUIRY, gettext_lazy("咨询"), gettext_lazy("请写下您想咨询的问题。")),
    "suggestion": (OrderType.SUGGESTION, gettext_lazy("建议"), gettext_lazy("请写下您的意见或建议。")),
}


def _account_ids(customer: PortalUser) -> list[int]:
    return [b.account_id for b in selectors.bindings(customer)]


def my_orders(customer: PortalUser) -> QuerySet[WorkOrder]:
    return orders.customer_orders(account_ids=_account_ids(customer), phone=customer.phone)


def my_order(customer: PortalUser, number: object) -> WorkOrder:
    return orders.customer_order(account_ids=_account_ids(customer), phone=customer.phone, number=number)


def open_count(customer: PortalUser) -> int:
    return my_orders(customer).filter(status__in=OPEN_STATUSES).count()


def account_choices(customer: PortalUser) -> list[tuple[str, str]]:
    """The bound accounts as the form offers them: number, address, 台区."""
    choices = []
    for b in selectors.bindings(customer).select_related("account__transformer_area"):
        area = b.account.transformer_area
        label = f"{b.account.account_no} · {b.account.address}" + (f" · {area.name}" if area else "")
        choices.append((b.account.account_no, label))
    return choices


def order_card(order: WorkOrder) -> dict[str, Any]:
    """An order as its customer reads it (no staff names, no internal fields)."""
    rating = orders.order_rating(order)
    return {
        "number": order.number,
        "type": order.type,
        "type_label": str(OrderType(order.type).label),
        "status": order.status,
        "status_label": str(Status(order.status).label),
        "text": order.text,
        "location": order.location,
        "account_no": order.account.account_no if order.account else "",
        "area": order.transformer_area.name if order.transformer_area else "",
        "received_at": order.received_at,
        "closed_at": order.closed_at,
        "can_call_back": order.status == Status.CLOSED,
        # After the call-back, the satisfaction survey is offered where one is published (ASSESS-5).
        "can_survey": order.status == Status.CALLED_BACK and survey_open(),
        "can_rate": order.status in RATABLE and rating is None,
        "rating_score": rating.score if rating else None,
        "rating_comment": rating.comment if rating else "",
    }


def order_detail(order: WorkOrder) -> dict[str, Any]:
    return order_card(order) | {
        "deadlines": orders.customer_deadlines(order),
        "steps": orders.customer_steps(order),
    }
