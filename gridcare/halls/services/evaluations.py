"""The evaluation pad (HALL-6): one rating per finished ticket, given by the customer on the
counter's own pad (a registered device, gridcare.halls.services.devices). No staff session or
token may rate: a clerk could otherwise rate their own service."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.halls.exceptions import AlreadyEvaluated, InvalidTransition, NotThisDevice
from gridcare.halls.models import DeviceKind, Evaluation, EvaluationSource, HallDevice, Rating, Ticket, TicketStatus
from gridcare.halls.rules import remote_rules
from gridcare.halls.selectors import PAD_MINUTES
from gridcare.halls.services.live import hall_changed

# Why a customer was not (fully) satisfied: the pad offers these, and only these.
REASONS: dict[str, object] = {
    "long_wait": gettext_lazy("等候时间长"),
    "attitude": gettext_lazy("服务态度不好"),
    "skill": gettext_lazy("业务不熟练"),
    "paperwork": gettext_lazy("手续繁琐"),
    "unsolved": gettext_lazy("问题未解决"),
    "environment": gettext_lazy("厅内环境差"),
}


def require_pad_of(device: HallDevice | None, ticket: Ticket) -> HallDevice:
    """Only the pad of the ticket's counter rates it (403 for staff and for any other device)."""
    if device is None or device.kind != DeviceKind.PAD:
        raise NotThisDevice(_("服务评价只能由客户在窗口的评价器上提交。"))
    if ticket.hall_id != device.hall_id:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket.pk})
    if ticket.counter_id is not None and ticket.counter_id != device.counter_id:
        raise NotThisDevice(_("该号不是在本评价器所在窗口办理的，不能在此评价。"))
    return device


def _last_finished_at(ticket: Ticket) -> int | None:
    return (
        Ticket.objects.filter(counter=ticket.counter_id, status=TicketStatus.FINISHED)
        .order_by("-finished_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def evaluation_submit(
    *, device: HallDevice | None, ticket: Ticket, rating: str, reasons: list[str] | None = None
) -> Evaluation:
    """Store the customer's rating of the ticket just finished at the pad's counter, with the
    clerk, counter and type. ``device`` None (a staff caller) is refused, nothing written."""
    ticket = Ticket.objects.filter(pk=ticket.pk).first() or ticket
    require_pad_of(device, ticket)
    reasons = _checked(rating, reasons)
    _refuse_unless_finished_and_unrated(ticket)
    recent = ticket.finished_at is not None and now() - ticket.finished_at <= timedelta(minutes=PAD_MINUTES)
    if _last_finished_at(ticket) != ticket.pk or not recent:
        raise Conflict(_("只能评价本窗口刚办结的号。"))
    return _create(ticket, rating, reasons, EvaluationSource.PAD)


def _checked(rating: str, reasons: list[str] | None) -> list[str]:
    """The reasons without repeats, once the rating and each reason are known ones."""
    reasons = list(dict.fromkeys(reasons or []))
    if rating not in Rating.values:
        raise InvalidInput(_("评价取值不正确。"), errors={"rating": _("取值不在允许范围内。")})
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        message = _("未知的不满意原因：%(r)s。") % {"r": "、".join(str(r)[:20] for r in unknown)}
        raise InvalidInput(message, errors={"reasons": message})
    if reasons and rating in (Rating.VERY_SATISFIED, Rating.SATISFIED):
        message = _("只有“基本满意”或“不满意”时才选择原因。")
        raise InvalidInput(message, errors={"reasons": message})
    return reasons


def _refuse_unless_finished_and_unrated(ticket: Ticket) -> None:
    if ticket.status != TicketStatus.FINISHED or ticket.counter_id is None:
        raise InvalidTransition(_("该号尚未办结，不能评价。"))
    if Evaluation.objects.filter(ticket=ticket).exists():
        raise AlreadyEvaluated(_("该号已评价过，每个号只能评价一次。"))


def _create(ticket: Ticket, rating: str, reasons: list[str], source: str) -> Evaluation:
    assert ticket.counter_id is not None  # a finished ticket was served at a counter
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                ticket=ticket,
                rating=rating,
                reasons=reasons,
                source=source,
                hall_id=ticket.hall_id,
                counter_id=ticket.counter_id,
                business_type_id=ticket.business_type_id,
                clerk_id=ticket.clerk_id,
                created_at=now(),
            )
            hall_changed(ticket.hall_id)  # the floor's satisfaction of the day
            return evaluation
    except IntegrityError as exc:  # the same ticket rated twice at the same instant
        raise AlreadyEvaluated(_("该号已评价过，每个号只能评价一次。")) from exc


def evaluation_by_holder(*, ticket: Ticket, phone: str, rating: str, reasons: list[str] | None = None) -> Evaluation:
    """The holder's rating of a finished visit, in the portal or the app (the phone the ticket was
    taken with), within ``HALL_VISIT_RATING_DAYS`` of its end. A ticket rated on the pad already,
    or here before, is refused with nothing changed: one rating per ticket."""
    ticket = Ticket.objects.filter(pk=ticket.pk).first() or ticket
    if not phone or ticket.phone != phone:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket.pk})
    reasons = _checked(rating, reasons)
    _refuse_unless_finished_and_unrated(ticket)
    days = remote_rules().rating_days
    if ticket.finished_at is not None and now() - ticket.finished_at > timedelta(days=days):
        raise Conflict(_("办结超过%(n)d天的业务不能再评价。") % {"n": days})
    return _create(ticket, rating, reasons, EvaluationSource.PORTAL)
