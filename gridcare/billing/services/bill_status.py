"""The one write of a bill's status: checked against ``rules.bill_status.BILL_TRANSITIONS``
and recorded in the bill's history."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from gridcare.billing.events import bill_event
from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import Bill, BillStatus
from gridcare.billing.rules.bill_status import BILL_TRANSITIONS, REVERSAL_TRANSITIONS


def bill_transition(
    *,
    bill: Bill,
    to: BillStatus,
    actor: User | AnonymousUser | None,
    event: str,
    with_fields: Sequence[str] = (),
    reversal: bool = False,
    **parameters: object,
) -> Bill:
    """Move ``bill`` to ``to`` and write the ``event`` history row. An illegal move raises
    InvalidTransition (a Conflict) before anything is written. ``with_fields`` are the caller's
    own changes to the bill (a payment's money), saved in the same UPDATE as the status.
    ``reversal``: a payment's reversal undoing what it settled (``REVERSAL_TRANSITIONS``)."""
    table = REVERSAL_TRANSITIONS if reversal else BILL_TRANSITIONS
    if to not in table[bill.status]:
        raise InvalidTransition(
            _("账单状态不能从“%(a)s”变为“%(b)s”。") % {"a": bill.get_status_display(), "b": to.label}
        )
    bill.status = to
    bill.save(update_fields=["status", *with_fields])
    bill_event(bill=bill, type=event, actor=actor, status=str(to), **parameters)
    return bill
