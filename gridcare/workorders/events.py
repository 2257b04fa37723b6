"""Append-only history rows of work orders and new connections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridcare.core.events import Actor, record
from gridcare.workorders.models import ConnectionEvent, NewConnection, OrderEvent, WorkOrder


def order_event(
    *, order: WorkOrder, type: OrderEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> OrderEvent:
    return record(OrderEvent, order=order, type=type, actor=actor, at=at, parameters=parameters)


def connection_event(
    *, connection: NewConnection, type: ConnectionEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> ConnectionEvent:
    return record(ConnectionEvent, connection=connection, type=type, actor=actor, at=at, parameters=parameters)
