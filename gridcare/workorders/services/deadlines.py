"""The deadline watch (WO-3), run every minute by ``manage.py check_deadlines``.

Each deadline is warned about once and escalated once: a row is claimed with a conditional UPDATE
(``WHERE warned_at IS NULL``) and a row count, so two overlapping runs never double an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from gridcare.core.timezone import now
from gridcare.workorders.events import order_event
from gridcare.workorders.models import OPEN_STATUSES, Deadline, InboxReason, OrderEvent
from gridcare.workorders.services.aftercare import workorder_escalate
from gridcare.workorders.services.inbox import inbox_add


@dataclass(frozen=True)
class CheckResult:
    warned: int
    escalated: int


def open_deadlines(**conditions: object) -> QuerySet[Deadline]:
    """Deadlines not yet met on orders that are open and not paused, with their order: what the
    watch warns about and escalates, and what a calendar change recomputes."""
    return Deadline.objects.filter(
        met_at__isnull=True, order__paused_at__isnull=True, order__status__in=OPEN_STATUSES, **conditions
    ).select_related("order", "order__owner")


def deadlines_check(*, at: datetime | None = None, batch: int = 1000) -> CheckResult:
    at = at or now()
    warned = escalated = 0
    due_soon = open_deadlines(warned_at__isnull=True, warn_at__lte=at, due_at__gt=at)
    for deadline in due_soon.order_by("warn_at")[:batch]:
        with transaction.atomic():
            if Deadline.objects.filter(pk=deadline.pk, warned_at__isnull=True).update(warned_at=at) != 1:
                continue
            order_event(
                order=deadline.order,
                type=OrderEvent.Type.WARNED,
                actor=None,
                at=at,
                kind=deadline.kind,
                due_at=deadline.due_at.isoformat(),
            )
            inbox_add(
                staff=deadline.order.owner,
                order=deadline.order,
                reason=InboxReason.WARNED,
                at=at,
                note=str(Deadline.Kind(deadline.kind).label),
            )
            warned += 1
    overdue = open_deadlines(escalated_at__isnull=True, due_at__lte=at)
    for deadline in overdue.order_by("due_at")[:batch]:
        with transaction.atomic():
            if Deadline.objects.filter(pk=deadline.pk, escalated_at__isnull=True).update(escalated_at=at) != 1:
                continue
            workorder_escalate(order=deadline.order, actor=None, at=at, reason=f"overdue:{deadline.kind}")
            escalated += 1
    return CheckResult(warned=warned, escalated=escalated)
