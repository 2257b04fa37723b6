"""After closing: call-back (WO-5), reopening and escalation, and verified complaints (WO-7)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.assessment.services.posts import standby_for_finding
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.timezone import now
from gridcare.org.access import Capability, Scope, can
from gridcare.org.models import Role, Staff
from gridcare.workorders.events import order_event
from gridcare.workorders.exceptions import InvalidTransition, WorkOrderError
from gridcare.workorders.models import (
    CallBack,
    CallBackSource,
    InboxReason,
    OrderEvent,
    OrderType,
    StaffFinding,
    Status,
    WorkOrder,
)
from gridcare.workorders.services.flow import _locked, _refresh, workorder_transition
from gridcare.workorders.services.inbox import inbox_add, staff_alert


def unit_supervisor(order: WorkOrder) -> Staff | None:
    """Who an order escalates to: the supervisor of its unit (the company's, if the unit has none)."""
    people = Staff.objects.filter(company_id=order.company_id, role=Role.SUPERVISOR, active=True).order_by("id")
    return people.filter(unit_id=order.supply_unit_id).first() or people.filter(unit__isnull=True).first()


def workorder_escalate(*, order: WorkOrder, actor: User | AnonymousUser | None, at: datetime, reason: str) -> None:
    """Raise an order to its unit's supervisor: an event and the escalation stamp (call inside a transaction)."""
    supervisor = unit_supervisor(order)
    WorkOrder.objects.filter(pk=order.pk, escalated_at__isnull=True).update(escalated_at=at)
    event = order_event(
        order=order,
        type=OrderEvent.Type.ESCALATED,
        actor=actor,
        at=at,
        reason=reason,
        supervisor=supervisor.name if supervisor else None,
        supervisor_id=supervisor.pk if supervisor else None,
    )
    inbox_add(staff=supervisor, order=order, reason=InboxReason.ESCALATED, at=at, note=str(_reason_text(reason)))
    if settings.GRIDCARE_WORKORDERS["ESCALATION_NOTIFY_OWNER"]:
        staff_alert(staff=order.owner, order=order, what=_("已升级督办"), key=f"escalated:{event.pk}")


def _reason_text(reason: str) -> str:
    if reason == "dissatisfied":
        return _("回访不满意")
    if reason.startswith("overdue:"):
        return _("时限超时")
    return reason


def workorder_call_back(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    order: WorkOrder,
    reached: bool,
    satisfied: bool | None,
    note: str = "",
) -> WorkOrder:
    """Record a call-back. A reached, satisfied customer ends the order; a dissatisfied one reopens
    it and escalates it to the unit's supervisor; an unreached one may be called again."""
    if not can(scope, Capability.CALLBACK_RECORD) or not isinstance(actor, User):
        raise Forbidden(_("只有95598坐席或监察人员可以回访。"))
    if reached and satisfied is None:
        raise InvalidInput(_("联系上客户时须记录是否满意。"), errors={"satisfied": _("必填项。")})
    if not reached:
        satisfied = None
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.status != Status.CLOSED:
            raise WorkOrderError(_("只有已办结的工单可以回访。"))
        fresh = call_back_record(
            scope=scope, actor=actor, order=fresh, reached=reached, satisfied=satisfied, note=note, at=at
        )
    return _refresh(order, fresh)


def call_back_record(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    order: WorkOrder,
    reached: bool,
    satisfied: bool | None,
    note: str,
    at: datetime,
    channel: str = "",
) -> WorkOrder:
    """The call-back row and what follows (inside the caller's transaction, ``order`` locked and
    closed): reached, the order is called back; dissatisfied, it is reopened and escalated.
    ``channel``: the customer answered themselves there (no agent)."""
    CallBack.objects.create(
        order=order,
        reached=reached,
        satisfied=satisfied,
        note=note,
        source=CallBackSource.CUSTOMER if channel else CallBackSource.AGENT,
        actor=actor_user(actor),
        created_at=at,
    )
    told = {"channel": channel, "note": note} if channel else {}
    order_event(
        order=order, type=OrderEvent.Type.CALLED_BACK, actor=actor, at=at, reached=reached, satisfied=satisfied, **told
    )
    if reached:
        order = workorder_transition(scope=scope, actor=actor, order=order, to=Status.CALLED_BACK, at=at)
    if reached and satisfied is False:
        order = workorder_transition(
            scope=scope, actor=actor, order=order, to=Status.ACCEPTED, at=at, note=_("回访不满意，重新处理")
        )
        order_event(order=order, type=OrderEvent.Type.REOPENED, actor=actor, at=at, reason="dissatisfied")
        workorder_escalate(order=order, actor=actor, at=at, reason="dissatisfied")
    return order


def workorder_reopen(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, reason: str) -> WorkOrder:
    if not reason.strip():
        raise InvalidInput(_("请说明重新处理的原因。"), errors={"reason": _("必填项。")})
    at = now()
    with transaction.atomic():
        if _locked(order).status not in (Status.CLOSED, Status.CALLED_BACK):
            raise InvalidTransition(_("只有已办结的工单可以重新处理。"))
        fresh = workorder_transition(scope=scope, actor=actor, order=order, to=Status.ACCEPTED, at=at, note=reason)
        order_event(order=fresh, type=OrderEvent.Type.REOPENED, actor=actor, at=at, reason=reason.strip())
    return fresh


def complaint_verify(
    *, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, employee_no: str, note: str
) -> StaffFinding:
    """A complaint found true against a staff member, recorded for assessment (WO-7)."""
    if not can(scope, Capability.COMPLAINT_VERIFY) or not isinstance(actor, User):
        raise Forbidden(_("只有监察考核人员可以记录投诉查实。"))
    if not note.strip():
        raise InvalidInput(_("请填写查实情况。"), errors={"note": _("必填项。")})
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.type != OrderType.COMPLAINT:
            raise WorkOrderError(_("只有投诉工单可以查实。"))
        if StaffFinding.objects.filter(order=fresh).exists():
            raise WorkOrderError(_("该投诉已记录查实结果。"))
        person = Staff.objects.filter(employee_no=employee_no, company_id=fresh.company_id).first()
        if person is None:
            raise InvalidInput(_("员工不存在。"), errors={"employee_no": _("员工不存在。")})
        finding = StaffFinding.objects.create(
            order=fresh, staff=person, note=note.strip(), recorded_by=actor, created_at=at
        )
        standby_for_finding(finding)  # WO-7 一次申告查实待岗, and the penalty proposed (assessment)
        fresh.verified = True
        fresh.save(update_fields=["verified"])
        order_event(
            order=fresh, type=OrderEvent.Type.VERIFIED, actor=actor, at=at, staff=person.name, consequence="standby"
        )
    _refresh(order, fresh)
    return finding
