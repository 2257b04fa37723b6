"""Intake (WO-1): one service for every channel, with the first-ask owner (WO-2) and deadlines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.assessment.selectors import on_standby
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.timezone import SHANGHAI, now
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account, Feeder, TransformerArea
from gridcare.customers.rules import normalise_phone
from gridcare.customers.selectors import account_search
from gridcare.org.access import Scope
from gridcare.org.models import AreaType, SupplyUnit
from gridcare.workorders import rules, triage, triage_store
from gridcare.workorders.events import order_event
from gridcare.workorders.models import (
    Channel,
    ComplaintCause,
    ComplaintClass,
    OrderEvent,
    OrderType,
    TriageOverride,
    Urgency,
    WorkOrder,
)
from gridcare.workorders.services.causes import CAUSE_CODE_MAX, cause_for
from gridcare.workorders.services.desk import urge_link, urged_original
from gridcare.workorders.services.incidents import incident_attach
from gridcare.workorders.services.notify import notify_status
from gridcare.workorders.services.recalendar import deadlines_create

# Orders the customer files without a person: the first agent who accepts them owns them.
SELF_SERVICE = frozenset({Channel.WEB, Channel.APP, Channel.WECHAT})


@dataclass(frozen=True)
class NewOrder:
    channel: str
    text: str
    type: str | None = None
    complaint_class: str | None = None
    urgency: str | None = None  # the agent's choice; empty keeps the triage rule's
    account_no: str | None = None
    phone: str | None = None
    feeder: str | None = None
    transformer_area: str | None = None
    area_type: str | None = None
    location: str = ""
    # The cause's code (投诉原因, ASSESS-6): optional at intake, one of the final class's.
    complaint_cause: str | None = None
    # The number of an open order this one urges (催办, issue 18): the new order is an urging
    # linked to it, with the original's account and phone unless others are given.
    urges: str | None = None


@dataclass(frozen=True)
class Place:
    account: Account | None
    area: TransformerArea | None
    feeder: Feeder | None
    unit: SupplyUnit | None
    area_type: str


def _validate(data: NewOrder) -> NewOrder:
    """``data`` with its phone normalised, or ``InvalidInput`` with one message per bad field."""
    errors: dict[str, str] = {}
    phone = None
    if data.phone and data.phone.strip():
        try:
            phone = normalise_phone(data.phone)
        except InvalidInput as exc:
            errors["phone"] = str(exc.message)
    longest = WorkOrder._meta.get_field("location").max_length or 0
    if len(data.location) > longest:
        errors["location"] = _("最多%(n)d个字。") % {"n": longest}
    if data.channel not in Channel.values:
        errors["channel"] = _("受理渠道不在允许范围内。")
    if not data.text.strip():
        errors["text"] = _("请记录客户的诉求。")
    if data.type and data.type not in OrderType.values:
        errors["type"] = _("工单类型不在允许范围内。")
    if data.complaint_class and data.complaint_class not in ComplaintClass.values:
        errors["complaint_class"] = _("投诉分类不在允许范围内。")
    if data.urgency and data.urgency not in Urgency.values:
        errors["urgency"] = _("紧急程度不在允许范围内。")
    if data.complaint_class and data.type and data.type != OrderType.COMPLAINT:
        errors["complaint_class"] = _("只有投诉工单有投诉分类。")
    if data.complaint_cause and ("\x00" in data.complaint_cause or len(data.complaint_cause) > CAUSE_CODE_MAX):
        errors["complaint_cause"] = _("投诉原因不存在，请从列表中选择。")
    elif data.complaint_cause and data.type and data.type != OrderType.COMPLAINT:
        errors["complaint_cause"] = _("只有投诉工单有投诉原因。")
    if data.area_type and data.area_type not in AreaType.values:
        errors["area_type"] = _("区域类型应为 urban、rural 或 remote。")
    if errors:
        raise InvalidInput(_("工单信息有误。"), errors=errors)
    return replace(data, phone=phone)


def _account(scope: Scope, data: NewOrder) -> Account | None:
    if data.account_no:
        return account_get_for_scope(scope=scope, account_no=data.account_no)
    if data.phone:
        found = list(account_search(scope=scope, q=data.phone, limit=2))
        return found[0] if len(found) == 1 else None
    return None


def _place(scope: Scope, data: NewOrder) -> Place:
    account = _account(scope, data)
    company = scope.company_id or 0
    area = account.transformer_area if account else None
    if area is None and data.transformer_area:
        area = (
            TransformerArea.objects.filter(code=data.transformer_area, feeder__unit__company_id=company)
            .select_related("feeder__unit")
            .first()
        )
        if area is None:
            raise NotFound(_("未找到台区 %(code)s。") % {"code": data.transformer_area})
    feeder = area.feeder if area else None
    if feeder is None and data.feeder:
        feeder = Feeder.objects.filter(code=data.feeder, unit__company_id=company).select_related("unit").first()
        if feeder is None:
            raise NotFound(_("未找到线路 %(code)s。") % {"code": data.feeder})
    unit = account.supply_unit if account else (feeder.unit if feeder else None)
    if unit is None and scope.staff is not None:
        unit = scope.staff.unit
    area_type = data.area_type or (unit.area_type if unit else AreaType.URBAN)
    return Place(account=account, area=area, feeder=feeder, unit=unit, area_type=area_type)


def _classify(data: NewOrder, suggestion: triage.Suggestion) -> tuple[str, str]:
    """The final type and class: the agent's, else the triage suggestion's. A cause chosen
    without a class makes the order a complaint of the cause's class."""
    cause_class = ""
    if data.complaint_cause and not data.complaint_class:
        found = ComplaintCause.objects.filter(code=data.complaint_cause).values_list("complaint_class", flat=True)
        cause_class = found.first() or ""
    order_type = data.type or (OrderType.COMPLAINT if data.complaint_cause else suggestion.type)
    if order_type != OrderType.COMPLAINT:
        return order_type, ""
    return order_type, data.complaint_class or cause_class or suggestion.complaint_class or ComplaintClass.SERVICE


def _urgency(data: NewOrder, text: str, order_type: str) -> str:
    """The agent's urgency, else the rule's for the final type; danger words force urgent."""
    if triage.dangerous(text):
        return Urgency.HIGH
    return data.urgency or triage.urgency(text, order_type)


def _phone(data: NewOrder, account: Account | None) -> str:
    if data.phone:
        return data.phone
    if account is None:
        return ""
    contact = account.customer.contacts.order_by("-is_primary", "id").values_list("phone", flat=True).first()
    return contact or ""


def workorder_intake(
    *, scope: Scope, actor: User | AnonymousUser, data: NewOrder, at: datetime | None = None
) -> tuple[WorkOrder, triage.Suggestion]:
    """Take an order from any channel: number, type and class, deadlines and first-ask owner."""
    if not scope.is_staff or scope.company_id is None:
        raise Forbidden(_("只有员工可以受理工单。"))
    if scope.staff is not None and on_standby(scope.staff):
        raise Forbidden(_("您处于待岗状态，恢复上岗前不能受理工单。"))
    original = None
    if data.urges:
        original = urged_original(scope=scope, number=str(data.urges)[:30])
        data = replace(
            data,
            type=OrderType.URGING,
            complaint_class=None,
            complaint_cause=None,
            account_no=data.account_no or (original.account.account_no if original.account else None),
            phone=data.phone or original.phone or None,
        )
    data = _validate(data)
    at = at or now()
    suggestion = triage_store.suggest(data.text)
    order_type, complaint_class = _classify(data, suggestion)
    cause = cause_for(code=data.complaint_cause, complaint_class=complaint_class) if data.complaint_cause else None
    place = _place(scope, data)
    hall_id = scope.hall_id if scope.hall_id else (place.account.hall_id if place.account else None)
    with transaction.atomic():
        order = WorkOrder.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:24]}",
            company_id=scope.company_id,
            channel=data.channel,
            type=order_type,
            complaint_class=complaint_class,
            complaint_cause=cause,
            urgency=_urgency(data, data.text, order_type),
            suggested_type=suggestion.type,
            suggested_class=suggestion.complaint_class or "",
            suggested_urgency=suggestion.urgency,
            suggestion_confidence=suggestion.confidence,
            text=data.text.strip(),
            location=data.location or (place.account.address if place.account else ""),
            phone=_phone(data, place.account),
            account=place.account,
            area_type=place.area_type,
            feeder=place.feeder,
            transformer_area=place.area,
            supply_unit=place.unit,
            hall_id=hall_id,
            owner=None if data.channel in SELF_SERVICE else scope.staff,
            created_by=actor_user(actor),
            received_at=at,
        )
        order.number = f"{at.astimezone(SHANGHAI):%Y%m%d}{order.pk:08d}"
        order.save(update_fields=["number"])
        order_event(
            order=order,
            type=OrderEvent.Type.RECEIVED,
            actor=actor,
            at=at,
            channel=data.channel,
            type_=order_type,
            complaint_class=complaint_class,
            cause=cause.name if cause else None,
            owner=order.owner.name if order.owner else None,
        )
        planned = rules.plan_deadlines(order.type, order.area_type, at, rules.DeadlineRules.from_settings())
        deadlines_create(order=order, planned=planned, actor=actor, at=at)
        if original is None:  # an urging's type is not the agent's judgment of the text
            _keep_override(order, data, suggestion, actor, at)
        if order_type == OrderType.FAULT and (place.area or place.feeder):
            incident_attach(order=order, actor=actor, at=at)
        if original is not None:
            urge_link(urging=order, original=original, actor=actor, at=at)
        notify_status(order)
    return order, suggestion


def _keep_override(
    order: WorkOrder, data: NewOrder, suggestion: triage.Suggestion, actor: User | AnonymousUser, at: datetime
) -> None:
    """Agent overrides of the suggestion are kept to retrain the model (WO-6)."""
    suggested_class = suggestion.complaint_class or ""
    same_class = order.type != OrderType.COMPLAINT or order.complaint_class == suggested_class
    if order.type == suggestion.type and same_class and order.urgency == suggestion.urgency:
        return
    TriageOverride.objects.create(
        order=order,
        text=order.text,
        suggested_type=suggestion.type,
        suggested_class=suggested_class,
        chosen_type=order.type,
        chosen_class=order.complaint_class,
        suggested_urgency=suggestion.urgency,
        chosen_urgency=order.urgency,
        confidence=suggestion.confidence,
        actor=actor_user(actor),
        created_at=at,
    )
    order_event(
        order=order,
        type=OrderEvent.Type.TRIAGE_OVERRIDDEN,
        actor=actor,
        at=at,
        suggested=suggestion.type,
        chosen=order.type,
        suggested_urgency=suggestion.urgency,
        chosen_urgency=order.urgency,
    )
