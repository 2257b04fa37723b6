"""Payment reversal (冲正, issue 19): a bank-debit return, a channel's refund or chargeback, or a
counter error undoes a payment exactly once.

In one transaction, with the account's row locked (as ``payment_post`` locks it): the reversal
row (one per payment; the same reference again answers with it, another is refused), the
payment's allocations undone by counter-rows, each bill's penalty state worked out again from
the payments that still stand (the penalty rules of ``rules.bill_penalty``, so the penalty
accrues again from the date the reversed payment had settled it to), each bill's status through
``bill_transition``, the prepaid deposit taken back through the prepaid service, the payment's
history row and the customer's message through the one outbox writer.

A deposit the bill runs have already spent is taken back from those bills (newest first): each
owes that part again, with its penalty from its due date. What is neither in the balance nor on
a bill (held for or paid out as a refund) is recorded as ``uncovered`` for the office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.events import payment_event
from gridcare.billing.exceptions import ReversalConflict
from gridcare.billing.models import (
    Bill,
    BillStatus,
    Payment,
    PaymentAllocation,
    PaymentEvent,
    PaymentReversal,
    PrepaidEntry,
    ReversalReason,
)
from gridcare.billing.models.payments import OFFSET_CHANNELS
from gridcare.billing.rules.refunds import Spent, TakeBack, take_back
from gridcare.billing.selectors import account_due
from gridcare.billing.services.bill_replay import bill_replay
from gridcare.billing.services.prepaid import prepaid_available, prepaid_take_back, prepaid_undo_deduction
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account
from gridcare.invoicing.services.red import invoice_red_for_reversal
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require

Actor = User | AnonymousUser | None


@dataclass(frozen=True)
class BillAfter:
    period: str
    status: str  # the label
    principal: Decimal  # what the bill owes again (electricity)
    penalty: Decimal  # penalty the payment had paid on it, now owed again


@dataclass(frozen=True)
class ReversalOutcome:
    """What a reversal does (or did): the preview's sentence and the result's summary."""

    amount: Decimal
    bills: list[BillAfter]
    from_prepaid: Decimal
    reopened: list[tuple[str, Decimal]]  # (period, amount) of bills the spent deposit had paid
    uncovered: Decimal
    settled_to: date | None  # the earliest date the penalty is now worked out from again
    due_after: Decimal


def _validate(reason: str, reference: str) -> str:
    errors = {}
    if reason not in ReversalReason.values:
        errors["reason"] = _("请选择冲正原因。")
    ref = reference.strip() if isinstance(reference, str) else ""
    if not ref or len(ref) > 64 or not ref.isprintable():
        errors["reference"] = _("冲正凭证号应为 1 至 64 个字符（银行退回号、渠道退款单号或营业差错单号）。")
    if errors:
        raise InvalidInput(_("冲正数据有误。"), errors=errors)
    return ref


def _refusal(payment: Payment) -> None:
    if payment.to_service > 0:
        raise Conflict(_("增值服务订单的缴费请在服务订单中处理，不能在此冲正。"))
    if payment.to_deposit > 0:
        raise Conflict(
            _("这笔缴费收取的是保证金（%(a)s 元），不能冲正：保证金只在销户结算时抵缴或退还。")
            % {"a": payment.to_deposit}
        )
    if payment.channel in OFFSET_CHANNELS and payment.channel_txn_id.startswith("move-"):
        raise Conflict(_("这笔是销户或过户结算时以保证金或预存余额抵缴的电费，结算已完成，不能冲正。"))
    if payment.channel in OFFSET_CHANNELS:
        # Reversing it would owe the bills again with the deposit (or balance) already spent: the
        # office corrects a wrong set-off by collecting the deposit again and a credit note.
        raise Conflict(
            _(
                "这笔是以保证金或预存余额抵缴的电费（%(a)s 元），不能冲正：抵缴已从保证金（预存）中扣除。"
                "如抵缴有误，请重新收取保证金，并申请退补电费。"
            )
            % {"a": payment.amount}
        )


def _same_or_conflict(existing: PaymentReversal, reference: str) -> PaymentReversal:
    if existing.reference != reference:
        raise ReversalConflict(
            _("该笔缴费已于 %(at)s 冲正（凭证号 %(ref)s），不能再次冲正。")
            % {"at": f"{existing.reversed_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}", "ref": existing.reference},
            errors={"reference": _("与已冲正的凭证号不一致。")},
        )
    return existing


def payment_reverse(
    *, scope: Scope, actor: Actor, payment: Payment, reason: str, reference: str
) -> tuple[PaymentReversal, bool]:
    """Reverse ``payment`` once. Returns (reversal, created): the same reference again returns
    the first reversal with created=False and changes nothing; another reference: 409."""
    require(scope, Capability.PAYMENT_REVERSE)
    ref = _validate(reason, reference)
    _refusal(payment)
    with transaction.atomic():
        account = Account.objects.select_for_update().select_related("customer").get(pk=payment.account_id)
        existing = PaymentReversal.objects.filter(payment=payment).first()
        if existing is not None:
            return _same_or_conflict(existing, ref), False
        try:
            with transaction.atomic():
                reversal = PaymentReversal.objects.create(
                    payment=payment,
                    reason=reason,
                    reference=ref,
                    amount=payment.amount,
                    reversed_by=actor if isinstance(actor, User) else None,
                    reversed_at=timezone.now(),
                )
        except IntegrityError:
            # Another copy won the insert (the account lock makes this rare): answer with its row.
            return _same_or_conflict(PaymentReversal.objects.get(payment=payment), ref), False
        outcome = _undo(reversal, payment, account, actor)
        _record(reversal, payment, account, actor, outcome)
        # The payment's e-invoice: a red one (冲红) for an issued one, none for one not yet issued.
        invoice_red_for_reversal(payment=payment, reason=str(ReversalReason(reason).label), actor=actor)
    return reversal, True


class _Preview(Exception):
    def __init__(self, outcome: ReversalOutcome) -> None:
        self.outcome = outcome


def payment_reversal_preview(*, scope: Scope, payment: Payment, reason: str, reference: str) -> ReversalOutcome:
    """What reversing ``payment`` would do, worked out by the reversal itself in a transaction
    that is rolled back: the same checks, the same amounts, nothing written."""
    require(scope, Capability.PAYMENT_REVERSE)
    ref = _validate(reason, reference)
    _refusal(payment)
    existing = PaymentReversal.objects.filter(payment=payment).first()
    if existing is not None:
        _same_or_conflict(existing, ref)
        raise ReversalConflict(_("该笔缴费已冲正。"))
    try:
        with transaction.atomic():
            account = Account.objects.select_for_update().select_related("customer").get(pk=payment.account_id)
            # By id: the caller's payment must not keep the rolled-back reversal cached on it.
            reversal = PaymentReversal.objects.create(
                payment_id=payment.pk, reason=reason, reference=ref, amount=payment.amount, reversed_at=timezone.now()
            )
            raise _Preview(_undo(reversal, payment, account, None))
    except _Preview as preview:
        return preview.outcome


def _undo(reversal: PaymentReversal, payment: Payment, account: Account, actor: Actor) -> ReversalOutcome:
    bills = {
        b.pk: b
        for b in Bill.objects.select_for_update()
        .select_related("account")
        .filter(account=account)
        .order_by("period", "id")
    }
    shares = list(PaymentAllocation.objects.filter(payment=payment, reversal__isnull=True).order_by("id"))
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(
            payment=payment, bill_id=a.bill_id, penalty=-a.penalty, principal=-a.principal, reversal=reversal
        )
        for a in shares
    )
    settled: list[date] = []
    after: list[BillAfter] = []
    for a in shares:
        bill = bills[a.bill_id]
        if bill.penalty_settled_to:
            settled.append(bill.penalty_settled_to)
        bill_replay(
            bill, actor, "payment_reversed", payment=payment.pk, principal=str(a.principal), penalty=str(a.penalty)
        )
        after.append(BillAfter(bill.period, str(BillStatus(bill.status).label), a.principal, a.penalty))
    taken = _prepaid_back(payment, account) if payment.to_prepaid > 0 else TakeBack(ZERO, [], ZERO)
    for bill_id, amount in taken.from_bills:
        bill = bills[bill_id]
        prepaid_undo_deduction(account=account, amount=amount, bill=bill, payment=payment)
        bill_replay(bill, actor, "deduction_reversed", payment=payment.pk, principal=str(amount))
    reversal.from_bills = sum((a.principal for a in shares), ZERO)
    reversal.from_penalty = sum((a.penalty for a in shares), ZERO)
    reversal.from_prepaid = taken.from_balance
    reversal.reopened = sum((amount for _bill, amount in taken.from_bills), ZERO)
    reversal.uncovered = taken.uncovered
    reversal.save(update_fields=["from_bills", "from_penalty", "from_prepaid", "reopened", "uncovered"])
    return ReversalOutcome(
        amount=payment.amount,
        bills=after,
        from_prepaid=taken.from_balance,
        reopened=[(bills[b].period, amount) for b, amount in taken.from_bills],
        uncovered=taken.uncovered,
        settled_to=min(settled) if settled else None,
        due_after=account_due(account=account, on=business_date()).as_dict()["amount_due"],
    )


def _prepaid_back(payment: Payment, account: Account) -> TakeBack:
    """Where the payment's deposit comes back from (the balance, then the bills that spent it)."""
    balance = prepaid_available(account)
    undone = dict(
        PrepaidEntry.objects.filter(account=account, kind=PrepaidEntry.Kind.UNDEDUCTED)
        .values_list("bill_id")
        .annotate(total=Sum("amount"))
    )
    deductions = PrepaidEntry.objects.filter(
        account=account, kind=PrepaidEntry.Kind.DEDUCTION, created_at__gte=payment.posted_at
    ).order_by("-created_at", "-id")
    spent = [
        Spent(bill=e.bill_id, deducted=-e.amount, undone=undone.get(e.bill_id) or ZERO) for e in deductions if e.bill_id
    ]
    taken = take_back(payment.to_prepaid, balance, spent)
    if taken.from_balance > 0:
        prepaid_take_back(account=account, amount=taken.from_balance, payment=payment)
    return taken


def _record(
    reversal: PaymentReversal, payment: Payment, account: Account, actor: Actor, outcome: ReversalOutcome
) -> None:
    payment_event(
        payment=payment,
        type=PaymentEvent.Type.REVERSED,
        actor=actor,
        reason=reversal.reason,
        reference=reversal.reference,
        amount=str(payment.amount),
        bills="、".join(b.period for b in outcome.bills),
        from_prepaid=str(outcome.from_prepaid),
        reopened=str(reversal.reopened),
        uncovered=str(reversal.uncovered),
    )
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if phone:
        notice_enqueue(
            template_code="payment_reversed",
            variables={
                "account_no": account.account_no,
                "paid_at": payment.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "amount": payment.amount,
                "reason": str(ReversalReason(reversal.reason).label),
                "due": outcome.due_after,
            },
            recipient=phone,
            account_id=account.pk,
            dedupe_key=f"payment_reversed:{payment.pk}",
        )
