"""Merging fault reports of one outage into one incident (WO-4).

Reports from the same 台区 (or, without one, the same feeder) join the open incident while its
last report is within the merge window. A partial unique index allows one open incident per key,
so two agents taking the first two reports of an outage at the same moment cannot open two: the
second insert fails, and that report joins the incident the first one opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import F

from gridcare.workorders.events import order_event
from gridcare.workorders.models import Incident, OrderEvent, WorkOrder
from gridcare.workorders.rules import setting


def merge_key(order: WorkOrder) -> str | None:
    if order.transformer_area_id:
        return f"area:{order.transformer_area_id}"
    if order.feeder_id:
        return f"feeder:{order.feeder_id}"
    return None


def _join(key: str, at: datetime) -> Incident | None:
    incident = Incident.objects.select_for_update().filter(merge_key=key, state=Incident.State.OPEN).first()
    if incident is None:
        return None
    Incident.objects.filter(pk=incident.pk).update(report_count=F("report_count") + 1, last_report_at=at)
    return incident


def incident_attach(*, order: WorkOrder, actor: User | AnonymousUser | None, at: datetime) -> Incident | None:
    """Put a fault order into its outage's incident, opening one if none is open. Call inside the
    intake transaction."""
    key = merge_key(order)
    if key is None or order.supply_unit_id is None:
        return None
    window = timedelta(minutes=setting("MERGE_WINDOW_MINUTES"))
    Incident.objects.filter(merge_key=key, state=Incident.State.OPEN, last_report_at__lt=at - window).update(
        state=Incident.State.LAPSED
    )
    incident = _join(key, at)
    opened = False
    if incident is None:
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    company_id=order.company_id,
                    supply_unit_id=order.supply_unit_id,
                    merge_key=key,
                    feeder_id=order.feeder_id,
                    transformer_area_id=order.transformer_area_id,
                    opened_at=at,
                    last_report_at=at,
                )
                opened = True
        except IntegrityError:
            # Someone opened it a moment ago (PostgreSQL waited for their commit): join theirs.
            incident = _join(key, at)
    if incident is None:
        return None
    order.incident = incident
    order.save(update_fields=["incident"])
    first = (
        None if opened else incident.orders.exclude(pk=order.pk).order_by("id").values_list("number", flat=True).first()
    )
    order_event(order=order, type=OrderEvent.Type.MERGED, actor=actor, at=at, incident=incident.pk, first=first)
    return incident
