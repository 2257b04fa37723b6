"""Reads of work orders, always through the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from gridcare.core.timezone import SHANGHAI, now
from gridcare.customers.models import Account
from gridcare.org.access import Scope
from gridcare.workorders.access import connection_filter, order_filter
from gridcare.workorders.models import (
    OPEN_STATUSES,
    CallBack,
    Deadline,
    NewConnection,
    OrderEvent,
    OrderType,
    Stage,
    WorkOrder,
)
from gridcare.workorders.rules import setting


def order_list(
    *, scope: Scope, status: str = "", type: str = "", q: str = "", open_only: bool = False
) -> QuerySet[WorkOrder]:
    orders = WorkOrder.objects.filter(order_filter(scope)).select_related("owner", "supply_unit", "account")
    if status:
        orders = orders.filter(status=status)
    if open_only:
        orders = orders.filter(status__in=OPEN_STATUSES)
    if type:
        orders = orders.filter(type=type)
    if q:
        orders = orders.filter(Q(number=q) | Q(account__account_no=q) | Q(phone=q) | Q(text__contains=q))
    return orders.order_by("-received_at", "-id")


def orders_overdue(*, scope: Scope, at: datetime) -> QuerySet[WorkOrder]:
    """Open orders with a commitment already broken (paused orders wait for the customer)."""
    late = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, due_at__lte=at)
    return (
        order_list(scope=scope, open_only=True)
        .filter(Exists(late), paused_at__isnull=True)
        .order_by("received_at", "id")
    )


def orders_escalated(*, scope: Scope) -> QuerySet[WorkOrder]:
    """Open orders raised to a supervisor (broken deadline or dissatisfied call-back): the
    supervisor's worklist, oldest escalation first."""
    return order_list(scope=scope, open_only=True).filter(escalated_at__isnull=False).order_by("escalated_at", "id")


def orders_due_soon(*, scope: Scope, at: datetime) -> QuerySet[WorkOrder]:
    """Open orders inside a warning period: not late yet, but close."""
    soon = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, warn_at__lte=at, due_at__gt=at)
    late = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, due_at__lte=at)
    return (
        order_list(scope=scope, open_only=True)
        .filter(Exists(soon), ~Exists(late), paused_at__isnull=True)
        .order_by("received_at", "id")
    )


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def order_history(order: WorkOrder) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("created_at", "id")


def deadline_rows(order: WorkOrder) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind,
            "label": str(Deadline.Kind(d.kind).label),
            "due_at": local(d.due_at),
            "met_at": local(d.met_at) if d.met_at else None,
        }
        for d in order.deadlines.order_by("due_at", "id")
    ]


def order_card(order: WorkOrder, suggestion: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the API answers about an order."""
    owner = order.owner
    return {
        "id": order.pk,
        "number": order.number,
        "channel": order.channel,
        "type": order.type,
        "complaint_class": order.complaint_class or None,
        "urgency": order.urgency,
        "status": order.status,
        "text": order.text,
        "account_no": order.account.account_no if order.account else None,
        "supply_unit": order.supply_unit.code if order.supply_unit else None,
        "incident": order.incident_id,
        "paused": order.paused_at is not None,
        "received_at": local(order.received_at),
        "deadlines": deadline_rows(order),
        "owner": {"employee_no": owner.employee_no, "name": owner.name} if owner else None,
        "suggestion": suggestion,
    }


# -- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    start: datetime
    end: datetime
    total: int
    by_type: list[tuple[str, int]]
    by_class: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    complaints: int
    customers: int
    deadlines_due: int
    deadlines_kept: int
    repeat_complaints: int
    callbacks_reached: int
    callbacks_satisfied: int

    @property
    def complaints_per_10k(self) -> float | None:
        return self.complaints * 10_000 / self.customers if self.customers else None

    @property
    def compliance(self) -> float | None:
        return self.deadlines_kept / self.deadlines_due if self.deadlines_due else None

    @property
    def satisfaction(self) -> float | None:
        return self.callbacks_satisfied / self.callbacks_reached if self.callbacks_reached else None


def _counts(orders: QuerySet[WorkOrder], field: str) -> list[tuple[str, int]]:
    rows = orders.order_by().values_list(field).annotate(n=Count("id")).order_by("-n", field)
    return [(str(key or ""), int(n)) for key, n in rows]


def figures(*, scope: Scope, start: datetime, end: datetime) -> Figures:
    """Orders received in [start, end): by type, class, unit; complaints per 10,000 customers;
    deadline compliance (deadlines falling due in the period, kept on time); repeat complaints
    (same account within the configured days); call-back satisfaction."""
    orders = WorkOrder.objects.filter(order_filter(scope), received_at__gte=start, received_at__lt=end)
    complaints = orders.filter(type=OrderType.COMPLAINT)
    days = setting("REPEAT_COMPLAINT_DAYS")
    earlier = WorkOrder.objects.filter(
        account_id=OuterRef("account_id"),
        type=OrderType.COMPLAINT,
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - timedelta(days=days),
    )
    due = Deadline.objects.filter(order_filter(scope, "order__"), due_at__gte=start, due_at__lt=min(end, now()))
    kept = due.filter(met_at__isnull=False, met_at__lte=F("due_at"))
    calls = CallBack.objects.filter(order_filter(scope, "order__"), created_at__gte=start, created_at__lt=end)
    return Figures(
        start=start,
        end=end,
        total=orders.count(),
        by_type=_counts(orders, "type"),
        by_class=_counts(complaints, "complaint_class"),
        by_unit=_counts(orders, "supply_unit__name"),
        complaints=complaints.count(),
        customers=Account.objects.filter(scope.account_filter(), status="active").count(),
        deadlines_due=due.count(),
        deadlines_kept=kept.count(),
        repeat_complaints=complaints.filter(account__isnull=False).filter(Exists(earlier)).count(),
        callbacks_reached=calls.filter(reached=True).count(),
        callbacks_satisfied=calls.filter(reached=True, satisfied=True).count(),
    )


# -- new connections -------------------------------------------------------------------------------


def connection_list(*, scope: Scope, mine: bool = False, open_only: bool = True) -> QuerySet[NewConnection]:
    rows = NewConnection.objects.filter(connection_filter(scope)).select_related("account_manager", "supply_unit")
    if mine and scope.staff is not None:
        rows = rows.filter(account_manager=scope.staff)
    if open_only:
        rows = rows.exclude(stage=Stage.DONE)
    return rows.order_by("due_at", "id")


def connection_card(connection: NewConnection, at: datetime | None = None) -> dict[str, Any]:
    at = at or now()
    manager = connection.account_manager
    return {
        "number": connection.number,
        "applicant": connection.applicant,
        "category": connection.category,
        "stage": connection.stage,
        "stage_label": str(Stage(connection.stage).label),
        "applied_at": local(connection.applied_at),
        "due_at": local(connection.due_at),
        "stage_due_at": local(connection.stage_due_at) if connection.stage_due_at else None,
        "stage_overdue": bool(connection.stage_due_at and connection.stage_due_at < at),
        "completed_at": local(connection.completed_at) if connection.completed_at else None,
        "on_time": (connection.completed_at <= connection.due_at) if connection.completed_at else None,
        "account_manager": manager.name if manager else None,
        "steps": [
            {"stage": s.stage, "finished_at": local(s.finished_at), "on_time": s.on_time}
            for s in connection.steps.order_by("finished_at", "id")
        ],
    }
