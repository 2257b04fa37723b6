"""Append-only work-order history rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from gridcare.workorders.models import OrderEvent, WorkOrder


def order_event(
    *,
    order: WorkOrder,
    type: OrderEvent.Type,
    actor: User | AnonymousUser | None,
    at: datetime,
    **parameters: Any,
) -> OrderEvent:
    user = actor if isinstance(actor, User) else None
    return OrderEvent.objects.create(order=order, type=type, actor=user, created_at=at, parameters=parameters)
