"""Moving an order along (WO-2..5): the one transition service, hand-over, pause and resume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.timezone import now
from gridcare.notices.services.outages import Reporter, fault_outage_restore
from gridcare.org.access import Capability, Scope, can
from gridcare.org.models import Hall, Staff, SupplyUnit
from gridcare.org.selectors import crew_named
from gridcare.workorders import rules
from gridcare.workorders.events import order_event
from gridcare.workorders.exceptions import InvalidTransition, UnknownCrew, WorkOrderError
from gridcare.workorders.models import (
    OPEN_STATUSES,
    ComplaintCause,
    Deadline,
    InboxReason,
    Incident,
    OrderEvent,
    OrderType,
    Status,
    WorkOrder,
)
from gridcare.workorders.services.causes import FIELD as CAUSE_FIELD
from gridcare.workorders.services.causes import cause_for, cause_needed
from gridcare.workorders.services.inbox import callback_person, inbox_add
from gridcare.workorders.services.incidents import incident_outage
from gridcare.workorders.services.notify import notify_restored, notify_status
from gridcare.workorders.services.recalendar import deadline_resume, deadlines_create

_STAMPS: dict[Status, str] = {
    Status.DISPATCHED: "dispatched_at",
    Status.ARRIVED: "arrived_at",
    Status.RESTORED: "restored_at",
    Status.REPLIED: "replied_at",
    Status.CLOSED: "closed_at",
    Status.MERGED: "closed_at",
}

# The owner's own steps (WO-2): answering and closing. Dispatch, arrival and restoration are done
# by whoever is working the fault (crews, units), so they stay open to everyone who sees the order.
OWNER_STEPS = frozenset({Status.REPLIED, Status.CLOSED})


@dataclass(frozen=True)
class DispatchTarget:
    """Where an order goes: a unit, optionally one of its halls, and one of that unit's active
    repair crews by name (org's crew list; empty: no crew named)."""

    unit: str | None = None
    hall: str | None = None
    crew: str = ""


def _locked(order: WorkOrder) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update(of=("self",)).select_related("owner", "transformer_area").get(pk=order.pk)
    )


def _refresh(target: WorkOrder, source: WorkOrder) -> WorkOrder:
    for field in WorkOrder._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def workorder_transition(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    order: WorkOrder,
    to: Status,
    at: datetime | None = None,
    note: str = "",
    target: DispatchTarget | None = None,
    cause: str = "",
) -> WorkOrder:
    """The one way an order changes status. Refuses moves the table does not allow (409, nothing
    changes), stamps the time, keeps deadlines, writes the event and the customer's message.
    Closing a complaint puts it down to ``cause`` (a cause code of its class); without one it
    must have been given at intake, unless its class offers none (422 on ``complaint_cause``)."""
    at = at or now()
    with transaction.atomic():
        fresh = _locked(order)
        # An incident that is an outage on record is restored through it: the outage tells the
        # customers behind it, and the reporters it missed, once each (no order's own message).
        outage = incident_outage(fresh.incident_id, at) if fresh.incident_id and to == Status.RESTORED else None
        _apply(
            scope=scope,
            actor=actor,
            order=fresh,
            to=to,
            at=at,
            note=note,
            target=target,
            tell=outage is None,
            cause=cause,
        )
        if fresh.incident_id and to in (Status.ARRIVED, Status.RESTORED):
            _cascade(scope=scope, actor=actor, order=fresh, to=to, at=at, tell=outage is None)
        if outage is not None:
            fault_outage_restore(outage=outage, restored_at=at, reporters=_reporters(fresh), actor=actor, now=at)
    return _refresh(order, fresh)


def _reporters(order: WorkOrder) -> list[Reporter]:
    """Everyone who reported the incident, with the phone they gave."""
    assert order.incident_id is not None
    orders = (
        WorkOrder.objects.filter(incident_id=order.incident_id).exclude(phone="").select_related("transformer_area")
    )
    return [
        Reporter(phone=o.phone, account_id=o.account_id, area=o.transformer_area.name if o.transformer_area else "")
        for o in orders.order_by("id")
    ]


def _apply(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    order: WorkOrder,
    to: Status,
    at: datetime,
    note: str,
    target: DispatchTarget | None = None,
    tell: bool = True,
    crew_checked: bool = False,
    cause: str = "",
) -> None:
    current = order.status
    if not rules.can_transition(order.type, current, to):
        raise InvalidTransition(
            _("工单%(no)s当前为“%(now)s”，不能变更为“%(to)s”。")
            % {"no": order.number, "now": Status(current).label, "to": to.label}
        )
    if to in OWNER_STEPS:
        require_owner(scope, order)
    if order.paused_at is not None:
        raise WorkOrderError(_("工单正在等待客户，请先恢复处理。"))
    fields = ["status"]
    details: dict[str, Any] = {"from": current, "to": str(to)}
    if to == Status.ACCEPTED and current in (Status.CLOSED, Status.CALLED_BACK):
        fields += _reopen(order, at, actor)
    elif to == Status.ACCEPTED:
        fields += _take(scope, order)
    if to == Status.DISPATCHED:
        fields += _dispatch(order, target or DispatchTarget(), crew_checked=crew_checked)
        details.update(unit=order.supply_unit_id, hall=order.hall_id, crew=order.crew)
    chosen = _closing_cause(order, cause) if to == Status.CLOSED else None
    if chosen is not None:
        order.complaint_cause = chosen
        fields.append("complaint_cause")
    if to in _STAMPS:
        setattr(order, _STAMPS[to], at)
        fields.append(_STAMPS[to])
    order.status = to
    order.save(update_fields=fields)
    _keep_deadlines(order, to, at)
    if chosen is not None:
        order_event(order=order, type=OrderEvent.Type.CAUSE_SET, actor=actor, at=at, cause=chosen.name)
    order_event(order=order, type=OrderEvent.Type.TRANSITION, actor=actor, at=at, note=note, **details)
    if to == Status.CLOSED:
        inbox_add(staff=callback_person(order), order=order, reason=InboxReason.CALLBACK_DUE, at=at)
    notify_status(order)
    if to == Status.RESTORED and tell:
        notify_restored(order, at)


def _closing_cause(order: WorkOrder, code: str) -> ComplaintCause | None:
    """The cause a complaint is closed with (None: it keeps the one it has). A complaint without
    one is refused unless its class offers none; another type's order takes no cause."""
    if order.type != OrderType.COMPLAINT:
        if code:
            message = _("只有投诉工单有投诉原因。")
            raise InvalidInput(message, errors={CAUSE_FIELD: message})
        return None
    if code:
        return cause_for(code=code, complaint_class=order.complaint_class)
    if order.complaint_cause_id is None and cause_needed(order.complaint_class):
        message = _("办结投诉工单须选择投诉原因。")
        raise InvalidInput(message, errors={CAUSE_FIELD: message})
    return None


def require_owner(scope: Scope, order: WorkOrder) -> None:
    """Only the first-ask owner answers, closes, pauses and resumes an order. A supervisor or hall
    manager who must step in first hands it over (to themselves or a colleague) with a reason."""
    if scope.staff is not None and order.owner_id == scope.staff.pk:
        return
    if order.owner_id is None:
        raise Forbidden(_("工单尚未接单，请先接单，由首问负责人办理。"))
    raise Forbidden(
        _("工单由%(name)s首问负责，只有负责人可以办理；如需接手，请先转交并说明原因。")
        % {"name": order.owner.name if order.owner else ""}
    )


def _take(scope: Scope, order: WorkOrder) -> list[str]:
    """First-ask responsibility: the first person to accept owns the order; others cannot."""
    if scope.staff is None:
        raise Forbidden(_("只有员工可以接单。"))
    if order.owner_id is None:
        order.owner = scope.staff
        return ["owner"]
    if order.owner_id != scope.staff.pk:
        raise WorkOrderError(
            _("工单已由%(name)s首问负责，请由其转交。") % {"name": order.owner.name if order.owner else ""}
        )
    return []


def _reopen(order: WorkOrder, at: datetime, actor: User | AnonymousUser) -> list[str]:
    order.reopen_count += 1
    order.closed_at = None
    order.replied_at = None
    planned = rules.reply_deadline(order.type, at, rules.DeadlineRules.from_settings())
    if planned is not None:
        deadlines_create(order=order, planned=[planned], actor=actor, at=at)
    return ["reopen_count", "closed_at", "replied_at"]


def _dispatch(order: WorkOrder, target: DispatchTarget, *, crew_checked: bool = False) -> list[str]:
    if target.hall:
        hall = Hall.objects.filter(code=target.hall, unit__company_id=order.company_id).select_related("unit").first()
        if hall is None:
            raise InvalidInput(_("营业厅不存在。"), errors={"hall": _("营业厅不存在。")})
        order.hall, order.supply_unit = hall, hall.unit
    elif target.unit:
        unit = SupplyUnit.objects.filter(code=target.unit, company_id=order.company_id).first()
        if unit is None:
            raise InvalidInput(_("供电单位不存在。"), errors={"unit": _("供电单位不存在。")})
        order.supply_unit = unit
    if order.supply_unit_id is None:
        raise InvalidInput(_("请选择派往的供电单位。"), errors={"unit": _("必填项。")})
    crew = target.crew.strip()
    if crew and not crew_checked and crew_named(order.supply_unit_id, crew) is None:
        place = order.supply_unit.name if order.supply_unit else ""
        said = _("“%(crew)s”不是%(unit)s在用的抢修班组，请从班组列表中选择。") % {"crew": crew[:50], "unit": place}
        raise UnknownCrew(said, errors={"crew": said})
    order.crew = crew
    return ["supply_unit", "hall", "crew"]


def _keep_deadlines(order: WorkOrder, to: Status, at: datetime) -> None:
    kinds = rules.MEETS.get(to, ())
    if kinds:
        Deadline.objects.filter(order=order, kind__in=kinds, met_at__isnull=True).update(met_at=at)
    if to == Status.ARRIVED:
        due = rules.restoration_due(at, order.area_type, rules.DeadlineRules.from_settings())
        Deadline.objects.filter(order=order, kind=Deadline.Kind.RESTORATION, met_at__isnull=True).update(
            due_at=due, warn_at=rules.warn_time(at, due, rules.DeadlineRules.from_settings().warning_lead_percent)
        )


def _cascade(
    *, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, to: Status, at: datetime, tell: bool = True
) -> None:
    """Arrival and restoration of an incident reach every open report of it, each on its own order."""
    incident_id = order.incident_id
    assert incident_id is not None
    goal = rules.FAULT_PATH.index(to)
    siblings = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("owner", "transformer_area")
        .filter(incident_id=incident_id, status__in=rules.FAULT_PATH[:goal], paused_at__isnull=True)
        .exclude(pk=order.pk)
        .order_by("pk")
    )
    # The crew was checked against the lead order's unit when it was dispatched; the other reports
    # (a neighbouring unit's customers too) follow the same crew.
    crew = DispatchTarget(crew=order.crew)
    for sibling in siblings:
        path = rules.FAULT_PATH[rules.FAULT_PATH.index(Status(sibling.status)) + 1 : goal + 1]
        # Acceptance stays with each order's own first-ask owner; the crew's steps apply to all.
        for step in (s for s in path if s != Status.ACCEPTED):
            _apply(
                scope=scope,
                actor=actor,
                order=sibling,
                to=step,
                at=at,
                note=_("随故障事件处理"),
                target=crew,
                tell=tell,
                crew_checked=True,
            )
    if to == Status.RESTORED:
        Incident.objects.filter(pk=incident_id).update(state=Incident.State.RESTORED, restored_at=at)


def workorder_hand_over(
    *, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, to_employee_no: str, reason: str
) -> WorkOrder:
    """Hand the order to another person with a recorded reason (WO-2)."""
    if not reason.strip():
        raise InvalidInput(_("转交须说明原因。"), errors={"reason": _("必填项。")})
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.status not in OPEN_STATUSES:
            raise WorkOrderError(_("工单已办结，不能转交。"))
        is_owner = scope.staff is not None and fresh.owner_id == scope.staff.pk
        if not is_owner and not can(scope, Capability.ORDER_HANDOVER):
            raise Forbidden(_("只有首问负责人或其主管可以转交工单。"))
        new_owner = Staff.objects.filter(employee_no=to_employee_no, company_id=fresh.company_id, active=True).first()
        if new_owner is None:
            raise InvalidInput(_("接收人不存在。"), errors={"to": _("接收人不存在。")})
        if new_owner.pk == fresh.owner_id:
            raise WorkOrderError(_("接收人已是负责人。"))
        previous = fresh.owner.name if fresh.owner else None
        fresh.owner = new_owner
        fresh.save(update_fields=["owner"])
        order_event(
            order=fresh,
            type=OrderEvent.Type.HANDED_OVER,
            actor=actor,
            at=now(),
            previous=previous,
            to=new_owner.name,
            reason=reason.strip(),
        )
        inbox_add(staff=new_owner, order=fresh, reason=InboxReason.HANDED_OVER, at=now(), note=reason.strip())
    return _refresh(order, fresh)


def workorder_contact(*, actor: User | AnonymousUser, order: WorkOrder, note: str = "") -> WorkOrder:
    """Record that the customer was contacted (keeps the complaint's 24-hour commitment)."""
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.status not in OPEN_STATUSES:
            raise WorkOrderError(_("工单已办结。"))
        Deadline.objects.filter(order=fresh, kind=Deadline.Kind.CONTACT, met_at__isnull=True).update(met_at=at)
        order_event(order=fresh, type=OrderEvent.Type.CONTACTED, actor=actor, at=at, note=note)
    return _refresh(order, fresh)


def workorder_pause(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, reason: str) -> WorkOrder:
    """Waiting for the customer: the clock of every open deadline stops (WO-3)."""
    if not reason.strip():
        raise InvalidInput(_("请说明等待客户的原因。"), errors={"reason": _("必填项。")})
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        require_owner(scope, fresh)
        if fresh.status not in OPEN_STATUSES or fresh.paused_at is not None:
            raise WorkOrderError(_("工单当前不能挂起。"))
        fresh.paused_at = at
        fresh.save(update_fields=["paused_at"])
        order_event(order=fresh, type=OrderEvent.Type.PAUSED, actor=actor, at=at, reason=reason.strip())
    return _refresh(order, fresh)


def workorder_resume(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder) -> WorkOrder:
    """The customer is back: open deadlines move on by the time spent waiting."""
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        require_owner(scope, fresh)
        if fresh.paused_at is None:
            raise WorkOrderError(_("工单没有挂起。"))
        waited = at - fresh.paused_at
        for deadline in Deadline.objects.filter(order=fresh, met_at__isnull=True).select_related("order"):
            deadline_resume(deadline=deadline, paused_at=fresh.paused_at, resumed_at=at, actor=actor)
        fresh.paused_at = None
        fresh.save(update_fields=["paused_at"])
        order_event(
            order=fresh,
            type=OrderEvent.Type.RESUMED,
            actor=actor,
            at=at,
            waited_minutes=int(waited.total_seconds() // 60),
        )
    return _refresh(order, fresh)
