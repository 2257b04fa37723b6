"""Merging fault reports of one outage into one incident (WO-4).

Reports from the same 台区 (or, without one, the same feeder) join the open incident while its
last report is within the merge window. A partial unique index allows one open incident per key,
so two agents taking the first two reports of an outage at the same moment cannot open two: the
second insert fails, and that report joins the incident the first one opened.

An incident and the fault outage on record for its 台区 (notices) are one event: a report joins
the outage already registered, and confirming an incident registers it (or joins the one
registered since). The outage is what SAIFI/SAIDI count and what tells the customers behind it
that power is back, each once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gridcare.core.timezone import now
from gridcare.notices.models import Outage
from gridcare.notices.services.outages import fault_outage_open_or_join, ongoing_fault_outage
from gridcare.org.access import Capability, Scope, require
from gridcare.workorders import rules
from gridcare.workorders.events import order_event
from gridcare.workorders.exceptions import WorkOrderError
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
    linked = _join_registered_outage(incident, at)
    extra = {"outage": linked} if linked is not None else {}
    order_event(
        order=order, type=OrderEvent.Type.MERGED, actor=actor, at=at, incident=incident.pk, first=first, **extra
    )
    return incident


def _grid(incident: Incident) -> dict[str, list[int]]:
    """The 台区 (or, without one, the feeder) an incident is about, as the notices services take it."""
    if incident.transformer_area_id:
        return {"area_ids": [incident.transformer_area_id], "feeder_ids": []}
    return {"area_ids": [], "feeder_ids": [incident.feeder_id] if incident.feeder_id else []}


def _join_registered_outage(incident: Incident, at: datetime) -> int | None:
    """An incident whose 台区 is already in a fault outage on record (the planner registered it,
    or an earlier confirmation did) is that outage: link it, nothing more to register or send."""
    incident.refresh_from_db(fields=["outage"])
    if incident.outage_id is not None:
        return incident.outage_id
    outage = ongoing_fault_outage(started_by=at, **_grid(incident))
    if outage is None:
        return None
    Incident.objects.filter(pk=incident.pk, outage__isnull=True).update(outage=outage)
    incident.outage = outage
    return outage.pk


def incident_outage(incident_id: int, at: datetime) -> Outage | None:
    """The outage record of an incident at ``at``, linking a fault outage registered since its
    reports (one that had begun by then)."""
    incident = Incident.objects.get(pk=incident_id)
    if incident.outage_id is None and incident.state != Incident.State.RESTORED:
        _join_registered_outage(incident, at)
    return incident.outage


def incident_confirm(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder) -> Incident:
    """Confirm that the reports of an order's incident are one outage of the 台区/feeder (WO-4):
    it becomes the fault outage on record — the one already registered, or a new one with its
    affected customers and their fault notices — so SAIFI/SAIDI count it and its restoration
    tells each customer once."""
    require(
        scope, Capability.INCIDENT_CONFIRM, message=_("只有95598坐席、监察考核员、规划员和系统管理员可以确认停电。")
    )
    at = now()
    with transaction.atomic():
        fresh = WorkOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if fresh.incident_id is None:
            raise WorkOrderError(_("该工单没有并入故障事件，不能确认为台区停电。"))
        incident = Incident.objects.select_for_update().get(pk=fresh.incident_id)
        if incident.state == Incident.State.RESTORED:
            raise WorkOrderError(_("该故障事件已恢复送电。"))
        if incident.outage_id is not None:
            raise WorkOrderError(_("该故障事件已确认为停电。"))
        deadlines = rules.DeadlineRules.from_settings()
        minutes = deadlines.arrival_minutes[fresh.area_type] + deadlines.restoration_minutes[fresh.area_type]
        outage, created = fault_outage_open_or_join(
            company_id=incident.company_id,
            reason=_("故障停电（95598报修%(n)d件）") % {"n": incident.report_count},
            starts_at=incident.opened_at,
            ends_at=max(at, incident.opened_at) + timedelta(minutes=minutes),
            actor=actor,
            now=at,
            **_grid(incident),
        )
        Incident.objects.filter(pk=incident.pk).update(outage=outage)
        incident.outage = outage
        order_event(
            order=fresh,
            type=OrderEvent.Type.OUTAGE_CONFIRMED,
            actor=actor,
            at=at,
            incident=incident.pk,
            outage=outage.pk,
            registered=created,
            affected_accounts=outage.affected_accounts,
        )
    return incident
