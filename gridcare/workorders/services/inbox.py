"""The staff inbox (issue 18): what waits for one person on one order. Written inside the
transaction of its cause (a hand-over, a warning, an escalation, a closing, an urging); a row
waits while its order is in the state that made it wait, or until its person marks it done."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.core.timezone import now
from gridcare.notices.models import Channel
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.org.access import Capability, Scope, can, scope_for
from gridcare.org.models import Staff
from gridcare.workorders.models import InboxItem, InboxReason, WorkOrder

STAFF_ALERT = "work_order_staff_alert"


def inbox_add(*, staff: Staff | None, order: WorkOrder, reason: InboxReason, at: datetime, note: str = "") -> None:
    """Put ``order`` in ``staff``'s inbox for ``reason`` (call inside the cause's transaction); the
    same reason already waiting there counts once more and moves to the top."""
    if staff is None or not staff.active:
        return
    waiting = InboxItem.objects.filter(staff=staff, order=order, reason=reason, done_at__isnull=True)
    if waiting.update(times=F("times") + 1, updated_at=at, note=note[:200]):
        return
    InboxItem.objects.create(staff=staff, order=order, reason=reason, note=note[:200], created_at=at, updated_at=at)


def staff_alert(*, staff: Staff | None, order: WorkOrder, what: str, key: str) -> None:
    """A message to a member of staff about an order, by the staff app's push to their 工号 (staff
    have no phone in the archive), through the one outbox writer; once per ``key``."""
    if staff is None or not staff.active:
        return
    notice_enqueue(
        template_code=STAFF_ALERT,
        variables={"number": order.number, "what": what},
        recipient=f"staff:{staff.employee_no}",
        channel=Channel.PUSH,
        dedupe_key=f"wo-staff:{order.pk}:{key}",
    )


def callback_person(order: WorkOrder) -> Staff | None:
    """Who calls a closed order back: its owner if their post records call-backs, else the
    person who took it, if theirs does."""
    for staff in (order.owner, getattr(order.created_by, "staff", None) if order.created_by_id else None):
        if staff is not None and staff.active and can(scope_for(staff.user), Capability.CALLBACK_RECORD):
            return staff
    return None


def inbox_done(*, scope: Scope, item_id: int, at: datetime | None = None) -> InboxItem:
    """The person marks one of their own waiting items done (anyone else's: 404)."""
    item = InboxItem.objects.filter(pk=item_id, staff=scope.staff, done_at__isnull=True).first()
    if scope.staff is None or item is None:
        raise NotFound(_("没有这条待办。"))
    item.done_at = at or now()
    item.save(update_fields=["done_at"])
    return item
