"""Customer messages about an order, written to the notice outbox inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.timezone import SHANGHAI
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.workorders.models import Status, WorkOrder

# The steps a customer hears about, and how the message says it.
_MESSAGES = {
    Status.RECEIVED: gettext_lazy("已受理"),
    Status.DISPATCHED: gettext_lazy("已派单处理"),
    Status.REPLIED: gettext_lazy("已答复"),
    Status.CLOSED: gettext_lazy("已办结"),
    Status.ACCEPTED: gettext_lazy("已重新处理"),
}


def notify_status(order: WorkOrder) -> None:
    status = Status(order.status)
    if not order.phone or status not in _MESSAGES:
        return
    if status == Status.ACCEPTED and order.reopen_count == 0:
        return
    notice_enqueue(
        template_code="work_order_update",
        variables={"number": order.number, "status": str(_MESSAGES[status])},
        recipient=order.phone,
        account_id=order.account_id,
        dedupe_key=f"wo:{order.pk}:{status}:{order.reopen_count}",
    )


def notify_restored(order: WorkOrder, at: datetime) -> None:
    if not order.phone:
        return
    area = order.transformer_area.name if order.transformer_area else (order.location or _("您所在区域"))
    notice_enqueue(
        template_code="power_restored",
        variables={"area": area, "at": f"{at.astimezone(SHANGHAI):%m月%d日%H:%M}"},
        recipient=order.phone,
        account_id=order.account_id,
        dedupe_key=f"wo:{order.pk}:power_restored:{order.reopen_count}",
    )
