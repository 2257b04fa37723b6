"""What customers do with their own orders in the portal or the app (SELF-2, WO-1, WO-5): file a
request through the one intake (报修, 投诉, 咨询, 建议, channel web or app), answer the call-back of
a closed order themselves, rate a closed order once (1-5 stars).

The portal has already checked that the account is bound to the customer, or that the order is
the customer's own (``customer_selectors``); nothing here takes a staff actor: the steps are the
customer's (no user), and the intake and transitions run with a scope of the order's company."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import now
from gridcare.customers.models import Account
from gridcare.org.access import Scope
from gridcare.workorders import triage
from gridcare.workorders.events import order_event
from gridcare.workorders.models import Channel, OrderEvent, OrderRating, OrderType, Status, WorkOrder
from gridcare.workorders.services.aftercare import call_back_record
from gridcare.workorders.services.flow import _locked, _refresh
from gridcare.workorders.services.intake import NewOrder, workorder_intake

# What a customer files from the portal or the app, and the channels they file from.
CUSTOMER_TYPES = (OrderType.FAULT, OrderType.COMPLAINT, OrderType.INQUIRY, OrderType.SUGGESTION)
CUSTOMER_CHANNELS = (Channel.WEB, Channel.APP)
TEXT_MAX = 500
COMMENT_MAX = 300
NOTE_MAX = 500
# A customer's order can be rated once it is closed (called back or not).
RATABLE = (Status.CLOSED, Status.CALLED_BACK)

CUSTOMER = AnonymousUser()  # the customer acts: no staff user is recorded


def _company_scope(company_id: int) -> Scope:
    return Scope(staff=None, company_id=company_id, unit_id=None, hall_id=None, everything=True)


def _channel(channel: str) -> str:
    if channel not in CUSTOMER_CHANNELS:
        raise InvalidInput(_("受理渠道不在允许范围内。"), errors={"channel": _("受理渠道不在允许范围内。")})
    return channel


def _control_characters(**fields: str) -> dict[str, str]:
    """The fields holding control characters a customer cannot have typed (NUL and the like)."""
    return {
        name: _("含有无效字符。")
        for name, value in fields.items()
        if any(ch in value for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f")
    }


def customer_intake(
    *, account: Account, phone: str, type: str, text: str, location: str = "", channel: str, at: datetime | None = None
) -> tuple[WorkOrder, triage.Suggestion]:
    """A request of the customer for a bound ``account``: the order of its company, supply unit,
    hall and 台区, with the customer's ``phone``; the intake's own rules (number, deadlines,
    triage, incident, the customer's message) hold as for every channel."""
    errors: dict[str, str] = {}
    if type not in CUSTOMER_TYPES:
        errors["type"] = _("请选择报修、投诉、咨询或建议。")
    if not text.strip():
        errors["text"] = _("请填写您的诉求。")
    elif len(text.strip()) > TEXT_MAX:
        errors["text"] = _("最多%(n)d个字。") % {"n": TEXT_MAX}
    errors |= _control_characters(text=text, location=location)
    if channel not in CUSTOMER_CHANNELS:
        errors["channel"] = _("受理渠道不在允许范围内。")
    if errors:
        raise InvalidInput(_("工单信息有误。"), errors=errors)
    data = NewOrder(
        channel=channel,
        text=text.strip(),
        type=type,
        account_no=account.account_no,
        phone=phone,
        location=location.strip(),
    )
    return workorder_intake(scope=_company_scope(account.supply_unit.company_id), actor=CUSTOMER, data=data, at=at)


def workorder_call_back_answer(*, order: WorkOrder, satisfied: bool, comment: str = "", channel: str) -> WorkOrder:
    """The customer answers the call-back of their closed order: satisfied ends it (已回访);
    dissatisfied reopens it and escalates it to the unit's supervisor, as an agent's call-back
    would; ``comment`` is kept as the call-back's note. Answered once: an order already called
    back, or not closed, is refused unchanged."""
    note = comment.strip()
    if len(note) > NOTE_MAX:
        message = _("最多%(n)d个字。") % {"n": NOTE_MAX}
        raise InvalidInput(_("意见最多%(n)d个字。") % {"n": NOTE_MAX}, errors={"comment": message})
    if bad := _control_characters(comment=note):
        raise InvalidInput(_("意见含有无效字符。"), errors=bad)
    channel = _channel(channel)
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.status == Status.CALLED_BACK:
            raise Conflict(_("该工单已完成回访，不能重复答复。"))
        if fresh.status != Status.CLOSED:
            raise Conflict(_("工单办结后才能答复回访，当前为“%(status)s”。") % {"status": Status(fresh.status).label})
        fresh = call_back_record(
            scope=_company_scope(fresh.company_id),
            actor=CUSTOMER,
            order=fresh,
            reached=True,
            satisfied=bool(satisfied),
            note=note,
            at=at,
            channel=channel,
        )
    return _refresh(order, fresh)


def workorder_rate(*, order: WorkOrder, score: int, comment: str = "", channel: str) -> OrderRating:
    """The customer's rating of their closed order: 1-5 stars and a comment, once per order; a
    second rating is refused with nothing changed."""
    comment = comment.strip()
    errors: dict[str, str] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = _("请选择1到5星。")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("最多%(n)d个字。") % {"n": COMMENT_MAX}
    errors |= _control_characters(comment=comment)
    if errors:
        raise InvalidInput(_("评价信息有误。"), errors=errors)
    channel = _channel(channel)
    at = now()
    refused = _("该工单已评价过，每个工单只能评价一次。")
    with transaction.atomic():
        fresh = _locked(order)
        if fresh.status not in RATABLE:
            raise Conflict(_("工单办结后才能评价，当前为“%(status)s”。") % {"status": Status(fresh.status).label})
        if OrderRating.objects.filter(order=fresh).exists():
            raise Conflict(refused)
        try:
            with transaction.atomic():
                rating = OrderRating.objects.create(
                    order=fresh, score=score, comment=comment, channel=channel, created_at=at
                )
        except IntegrityError as exc:  # two ratings of one order at the same instant
            raise Conflict(refused) from exc
        order_event(
            order=fresh,
            type=OrderEvent.Type.RATED,
            actor=CUSTOMER,
            at=at,
            score=score,
            comment=comment,
            channel=channel,
        )
    return rating
