"""Payments (BILL-4, BILL-5): posted exactly once per (channel, channel_txn_id), spread over
penalties and the oldest bills first, the rest kept as prepaid balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing import rules
from gridcare.billing.conf import billing_int, rule_int
from gridcare.billing.events import bill_event
from gridcare.billing.exceptions import DuplicateMismatch
from gridcare.billing.models import (
    Bill,
    BillStatus,
    CutoffPlan,
    DunningStep,
    DunningStepKind,
    Payment,
    PaymentAllocation,
    PaymentChannel,
)
from gridcare.billing.models.payments import OFFSET_CHANNELS
from gridcare.billing.rules.bill_penalty import penalty_parts
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.services.bill_status import bill_transition
from gridcare.billing.services.cutoffs import cutoff_warnings_withdraw
from gridcare.billing.services.prepaid import prepaid_deposit
from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class PaymentIn:
    channel: str
    channel_txn_id: str
    account_no: str
    amount: Decimal
    paid_at: datetime


def channel_max(channel: str) -> Decimal | None:
    """The largest single payment ``channel`` may post (settings GRIDCARE_BILLING PAYMENT_MAX)."""
    maxima = settings.GRIDCARE_BILLING["PAYMENT_MAX"]
    value = maxima.get(channel) if isinstance(maxima, dict) else None
    return value if isinstance(value, Decimal) else None


def _amount_error(channel: str, amount: Decimal) -> str | None:
    if not amount.is_finite():
        return _("缴费金额不是有效数字。")
    if amount <= 0:
        return _("缴费金额必须大于零。")
    limit = channel_max(channel)
    if limit is not None and amount > limit:
        return _("单笔缴费金额不能超过 %(max)s 元（%(channel)s）。") % {
            "max": limit,
            "channel": PaymentChannel(channel).label,
        }
    exponent = amount.as_tuple().exponent  # a letter ("n", "F") only for NaN and infinity, refused above
    if amount >= Decimal("1e12") or (isinstance(exponent, int) and exponent < -2):
        return _("缴费金额最多两位小数。")
    return None


def amount_error(channel: str, amount: Decimal) -> str | None:
    """Why ``amount`` cannot be paid through ``channel`` in one payment (None: it can)."""
    return _amount_error(channel, amount)


def _paid_at_error(paid_at: datetime, now: datetime) -> str | None:
    if paid_at.tzinfo is None:
        return _("缴费时间须带时区。")
    past = timedelta(days=billing_int("PAID_AT_PAST_DAYS"))
    future = timedelta(minutes=billing_int("PAID_AT_FUTURE_MINUTES"))
    if not now - past <= paid_at <= now + future:
        return _("缴费时间应在 %(days)s 天前至 %(minutes)s 分钟后之间（现在 %(now)s）。") % {
            "days": past.days,
            "minutes": billing_int("PAID_AT_FUTURE_MINUTES"),
            "now": f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        }
    return None


def _validate(data: PaymentIn, *, history: bool = False) -> None:
    errors = {}
    if data.channel not in PaymentChannel.values or data.channel in OFFSET_CHANNELS:
        errors["channel"] = _("缴费渠道不存在。")
    if not data.channel_txn_id.strip() or len(data.channel_txn_id) > 64:
        errors["channel_txn_id"] = _("渠道流水号应为 1 至 64 个字符。")
    amount = _amount_error(data.channel, data.amount)
    if amount:
        errors["amount"] = amount
    paid_at = _paid_at_error(data.paid_at, timezone.now()) if not history or data.paid_at.tzinfo is None else None
    if paid_at:
        errors["paid_at"] = paid_at
    if errors:
        raise InvalidInput(_("缴费数据有误。"), errors=errors)


def _same_or_conflict(existing: Payment, data: PaymentIn) -> Payment:
    if existing.amount != data.amount or existing.account.account_no != data.account_no:
        raise DuplicateMismatch(
            _("渠道流水号 %(id)s 已入账，金额或户号与本次不同。") % {"id": data.channel_txn_id},
            errors={"amount": _("与已入账金额 %(a)s 元不一致。") % {"a": existing.amount}},
        )
    return existing


def payment_post(
    *,
    scope: Scope,
    actor: User | AnonymousUser | None,
    data: PaymentIn,
    capability: Capability = Capability.PAYMENT_TAKE,
    history: bool = False,
    service: bool = False,
    deposit: bool = False,
) -> tuple[Payment, bool]:
    """Post a payment. Returns (payment, created): a retried notification returns the first
    payment with created=False and changes nothing. ``capability`` posts it (the bank's debit
    results are also posted by the billing office). ``paid_at`` must lie within the configured
    window around now, except for ``history`` (the demo city seeding past months). ``service``:
    the payment of a paid value-added service (WO-10), kept whole as ``to_service`` — never spread
    over the account's bills or its prepaid balance, and no electricity receipt message.
    ``deposit``: a security deposit (保证金, issue 19), likewise kept whole as ``to_deposit``
    (``services.deposits`` writes its ledger row in the same transaction)."""
    require(scope, capability)
    _validate(data, history=history)
    lookup = {"channel": data.channel, "channel_txn_id": data.channel_txn_id}
    with transaction.atomic():
        existing = Payment.objects.select_related("account").filter(**lookup).first()
        if existing is not None:
            return _same_or_conflict(existing, data), False
        account = account_get_for_scope(scope=scope, account_no=data.account_no)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    **lookup,
                    account=account,
                    amount=data.amount,
                    paid_at=data.paid_at,
                    business_date=business_date(data.paid_at),
                    posted_by=actor_user(actor),
                )
        except IntegrityError:
            # Another copy of the same notification won the insert: answer with its payment.
            return _same_or_conflict(Payment.objects.select_related("account").get(**lookup), data), False
        if service:
            payment.to_service = payment.amount
            payment.save(update_fields=["to_service"])
        elif deposit:
            payment.to_deposit = payment.amount
            payment.save(update_fields=["to_deposit"])
        else:
            _settle(payment, account, actor)
    return payment, True


def payment_set_off(
    *,
    account: Account,
    channel: PaymentChannel,
    reference: str,
    amount: Decimal,
    actor: User | AnonymousUser | None,
    on: date,
) -> Payment:
    """Money the company already holds (a security deposit, the prepaid balance) set against
    what the account owes (issue 19: closure, transfer, default): a payment of an offset
    channel, spread like any other (penalty first, then the oldest bills; a surplus to the
    prepaid balance), without a receipt message. The caller checked its own capability and
    holds the account's row lock, inside its transaction. ``on``: the business date the penalty
    is settled to (the caller's "today", the one its amount owed was worked out on)."""
    if channel not in OFFSET_CHANNELS or amount <= 0:
        raise ValueError("an offset is a positive amount of an offset channel")
    now = timezone.now()
    payment = Payment.objects.create(
        channel=channel,
        channel_txn_id=reference,
        account=account,
        amount=amount,
        paid_at=now,
        business_date=on,
        posted_by=actor_user(actor),
    )
    _settle(payment, account, actor, tell=False)
    return payment


def _settle(payment: Payment, account: Account, actor: User | AnonymousUser | None, *, tell: bool = True) -> None:
    locked = Account.objects.select_for_update().select_related("customer").get(pk=account.pk)
    paid_on = payment.business_date
    bills = list(
        Bill.objects.select_for_update()
        .select_related("account")
        .filter(account=locked, status__in=OPEN)
        .order_by("period", "id")
    )
    parts = {b.pk: penalty_parts(b, paid_on) for b in bills}
    debts = {
        b.pk: rules.Debt(key=b.pk, period=b.period, penalty=parts[b.pk][1], principal=b.amount - b.paid) for b in bills
    }
    allocations, surplus = rules.allocate(payment.amount, list(debts.values()))
    by_id = {b.pk: b for b in bills}
    for a in allocations:
        _apply(by_id[a.key], a, parts[a.key], paid_on, payment, actor)
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, bill_id=a.key, penalty=a.penalty, principal=a.principal) for a in allocations
    )
    payment.to_penalty = sum((a.penalty for a in allocations), ZERO)
    payment.to_bills = sum((a.principal for a in allocations), ZERO)
    payment.to_prepaid = surplus
    payment.save(update_fields=["to_penalty", "to_bills", "to_prepaid"])
    if surplus > 0:
        prepaid_deposit(account=locked, amount=surplus, payment=payment)
    if tell:
        _after_payment(payment, locked)


# What a payment changes on a bill besides its status (saved with it, one UPDATE a bill).
PAYMENT_FIELDS = ("paid", "penalty_paid", "penalty_settled_to", "penalty_carried", "penalty_accrued")


def _apply(
    bill: Bill,
    a: rules.Allocation,
    penalty: tuple[Decimal, Decimal],
    paid_on: date,
    payment: Payment,
    actor: User | AnonymousUser | None,
) -> None:
    segment, penalty_due = penalty
    bill.paid += a.principal
    bill.penalty_paid += a.penalty
    if paid_on > bill.due_date:
        bill.penalty_settled_to = max(paid_on, bill.penalty_settled_to or paid_on)
        bill.penalty_accrued += segment
        bill.penalty_carried = penalty_due - a.penalty
    to = BillStatus.PAID if bill.paid == bill.amount and bill.penalty_carried == 0 else BillStatus.PARTLY_PAID
    bill_transition(
        bill=bill,
        to=to,
        actor=actor,
        event="payment",
        with_fields=PAYMENT_FIELDS,
        payment=payment.pk,
        principal=str(a.principal),
        penalty=str(a.penalty),
    )


def _after_payment(payment: Payment, account: Account) -> None:
    """Outbox message, and reconnection within the time limit once nothing is owed."""
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if phone:
        notice_enqueue(
            template_code="payment_received",
            variables={
                "account_no": account.account_no,
                "paid_at": payment.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "amount": payment.amount,
            },
            recipient=phone,
            account_id=account.pk,
            dedupe_key=f"payment_received:{payment.pk}",
        )
    if Bill.objects.filter(account=account, status__in=OPEN).exists():
        return
    # Paid up: a cut-off planned for the account will not happen, nor its last warning (issue 19).
    cutoff_warnings_withdraw(
        bill_ids=list(CutoffPlan.objects.filter(bill__account=account).values_list("bill_id", flat=True)), reason="paid"
    )
    # Only a supply that was actually cut off is reconnected: a cut-off notice alone leaves the
    # power on, and a reconnection task for it would send a crew to a house that has power.
    cut = (
        DunningStep.objects.filter(bill__account=account, step=DunningStepKind.CUTOFF)
        .exclude(bill__dunning_steps__step=DunningStepKind.RECONNECT)
        .select_related("bill")
    )
    deadline = rules.dunning.reconnect_deadline(payment.paid_at, rule_int("RECONNECT_HOURS"))
    for step in cut:
        DunningStep.objects.create(
            bill_id=step.bill_id, step=DunningStepKind.RECONNECT, done_on=payment.business_date, deadline=deadline
        )
        bill_event(
            bill=step.bill,
            type="dunning_reconnect_scheduled",
            actor=payment.posted_by,
            payment=payment.pk,
            deadline=deadline.isoformat(),
        )
