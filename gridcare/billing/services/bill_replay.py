"""A bill's money worked out again from what still stands on it (issue 19): the prepaid
deduction at billing (less what was given back) and the shares of the payments not reversed,
each settled on its own business date by the penalty rules, exactly as ``payment_post``
settled it. A payment's reversal replays the bills it had paid; a cancel and re-bill replays
the new bill with the old one's payments moved onto it, and what they paid beyond the new bill
goes to the account's prepaid balance like an overpayment (``surplus=True``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Sum

from gridcare.billing.events import bill_event
from gridcare.billing.models import Bill, BillStatus, Payment, PaymentAllocation, PrepaidEntry
from gridcare.billing.rules.bill_penalty import penalty_parts
from gridcare.billing.services.bill_status import bill_transition
from gridcare.billing.services.payments import PAYMENT_FIELDS
from gridcare.billing.services.prepaid import prepaid_deposit
from gridcare.core.money import ZERO

Actor = User | AnonymousUser | None
DEDUCTION_KINDS = (PrepaidEntry.Kind.DEDUCTION, PrepaidEntry.Kind.UNDEDUCTED, PrepaidEntry.Kind.REBILLED)


def bill_replay(bill: Bill, actor: Actor, event: str, *, surplus: bool = False, **parameters: object) -> Decimal:
    """Work ``bill``'s money out again and move its status (``event`` in its history). Returns
    what the payments paid beyond it (only with ``surplus``; else it cannot exceed it)."""
    deducted = PrepaidEntry.objects.filter(bill=bill, kind__in=DEDUCTION_KINDS).aggregate(total=Sum("amount"))
    bill.paid = -(deducted["total"] or ZERO)
    bill.penalty_paid, bill.penalty_settled_to, bill.penalty_carried, bill.penalty_accrued = ZERO, None, ZERO, ZERO
    standing = (
        PaymentAllocation.objects.filter(bill=bill, reversal__isnull=True, payment__reversal__isnull=True)
        .select_related("payment")
        .order_by("payment__business_date", "payment__paid_at", "payment_id", "id")
    )
    extra = sum((_settle_again(bill, a, actor, surplus) for a in standing), ZERO)
    bill_transition(
        bill=bill,
        to=bill_status_of(bill),
        actor=actor,
        event=event,
        with_fields=PAYMENT_FIELDS,
        reversal=True,
        **parameters,
    )
    return extra


def _settle_again(bill: Bill, a: PaymentAllocation, actor: Actor, surplus: bool) -> Decimal:
    """A payment keeps its share of the bill, split again penalty first (the allocation rule) on
    the bill as it stands: after a reversal, the penalty the reversed payment had paid is the
    later one's to pay first, as if the reversed one never came. With ``surplus``, what the
    share pays beyond the bill's principal and penalty goes to the prepaid balance."""
    paid_on = a.payment.business_date
    segment, penalty_due = penalty_parts(bill, paid_on)
    share = a.penalty + a.principal
    principal = min(share - min(share, penalty_due), bill.amount - bill.paid)
    penalty = share - principal
    extra = ZERO
    if surplus and penalty > penalty_due:
        penalty, extra = penalty_due, penalty - penalty_due
    if (penalty, principal) != (a.penalty, a.principal):
        _resplit(bill, a, penalty, principal, extra, actor)
    bill.paid += principal
    bill.penalty_paid += penalty
    if paid_on > bill.due_date:
        bill.penalty_settled_to = max(paid_on, bill.penalty_settled_to or paid_on)
        bill.penalty_accrued += segment
        bill.penalty_carried = max(ZERO, penalty_due - penalty)
    return extra


def _resplit(
    bill: Bill, a: PaymentAllocation, penalty: Decimal, principal: Decimal, extra: Decimal, actor: Actor
) -> None:
    """Save a standing payment's new split of its share (the payment's totals with it: exact
    values under its row lock; ``extra`` leaves the bill for the prepaid balance) and say so in
    the bill's history."""
    payment = Payment.objects.select_for_update().select_related("account").get(pk=a.payment_id)
    payment.to_penalty += penalty - a.penalty
    payment.to_bills += principal - a.principal
    payment.to_prepaid += extra
    payment.save(update_fields=["to_penalty", "to_bills", "to_prepaid"])
    if extra > 0:
        prepaid_deposit(account=payment.account, amount=extra, payment=payment)
    bill_event(
        bill=bill,
        type="payment_resplit",
        actor=actor,
        payment=a.payment_id,
        was_penalty=str(a.penalty),
        was_principal=str(a.principal),
        penalty=str(penalty),
        principal=str(principal),
        to_prepaid=str(extra),
    )
    a.penalty, a.principal = penalty, principal
    a.save(update_fields=["penalty", "principal"])


def bill_status_of(bill: Bill) -> BillStatus:
    """The status a bill's money gives it."""
    if bill.paid == bill.amount and bill.penalty_carried == 0:
        return BillStatus.PAID
    if bill.paid > 0 or bill.penalty_paid > 0:
        return BillStatus.PARTLY_PAID
    return BillStatus.ISSUED
