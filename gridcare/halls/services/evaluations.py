"""The evaluation pad (HALL-6): one rating per finished ticket."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import now
from gridcare.halls.access import ISSUE_ROLES, require_role
from gridcare.halls.exceptions import AlreadyEvaluated, InvalidTransition
from gridcare.halls.models import Evaluation, Rating, Ticket, TicketStatus
from gridcare.org.access import Scope

Actor = User | AnonymousUser | None

# Why a customer was not (fully) satisfied: the pad offers these, and only these.
REASONS: dict[str, object] = {
    "long_wait": gettext_lazy("等候时间长"),
    "attitude": gettext_lazy("服务态度不好"),
    "skill": gettext_lazy("业务不熟练"),
    "paperwork": gettext_lazy("手续繁琐"),
    "unsolved": gettext_lazy("问题未解决"),
    "environment": gettext_lazy("厅内环境差"),
}


def evaluation_submit(
    *, scope: Scope, actor: Actor, ticket: Ticket, rating: str, reasons: list[str] | None = None
) -> Evaluation:
    """Store the customer's rating of a finished ticket, with the clerk, counter and type."""
    require_role(scope, ISSUE_ROLES)
    reasons = list(dict.fromkeys(reasons or []))
    if rating not in Rating.values:
        raise InvalidInput(_("评价取值不正确。"), errors={"rating": _("取值不在允许范围内。")})
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        message = _("未知的不满意原因：%(r)s。") % {"r": "、".join(unknown)}
        raise InvalidInput(message, errors={"reasons": message})
    if reasons and rating in (Rating.VERY_SATISFIED, Rating.SATISFIED):
        message = _("只有“基本满意”或“不满意”时才选择原因。")
        raise InvalidInput(message, errors={"reasons": message})
    ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.status != TicketStatus.FINISHED or ticket.counter_id is None:
        raise InvalidTransition(_("该号尚未办结，不能评价。"))
    if Evaluation.objects.filter(ticket=ticket).exists():
        raise AlreadyEvaluated(_("该号已评价过，每个号只能评价一次。"))
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                ticket=ticket,
                rating=rating,
                reasons=reasons,
                hall_id=ticket.hall_id,
                counter_id=ticket.counter_id,
                business_type_id=ticket.business_type_id,
                clerk_id=ticket.clerk_id,
                created_at=now(),
            )
    except IntegrityError as exc:  # the same ticket rated twice at the same instant
        raise AlreadyEvaluated(_("该号已评价过，每个号只能评价一次。")) from exc
