"""Refunds of a credit balance (退费, issue 19): asked by the billing office, approved by a second
person, exported once in a payment file for the bank, marked paid.

The amount leaves the prepaid balance when the refund is asked for (``prepaid_hold``, under the
account's row lock, refused above the balance), so it can be neither spent by a bill run nor
refunded twice; a rejection gives it back (``prepaid_release``). The request form's key makes a
double click one refund. Each status move goes through ``refund_transition`` (the table in
``rules.refunds``, a conditional UPDATE, an event row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.access import refund_filter
from gridcare.billing.events import refund_event
from gridcare.billing.exceptions import RefundRefused
from gridcare.billing.models import (
    Payment,
    Refund,
    RefundBatch,
    RefundEvent,
    RefundMethod,
    RefundSource,
    RefundStatus,
)
from gridcare.billing.refund_selectors import ORIGINAL_CHANNELS
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.rules.refunds import REFUND_TRANSITIONS, bank_account_ok
from gridcare.billing.services.prepaid import prepaid_available, prepaid_hold, prepaid_release
from gridcare.core.approval import decision_note, second_person
from gridcare.core.exceptions import InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class RefundIn:
    amount: Decimal
    method: str
    reason: str
    request_key: str
    payee_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payment_id: int | None = None
    source: str = RefundSource.PREPAID  # a closure's or transfer's credit: CLOSURE (services.moves)


def _destination_errors(account: Account, data: RefundIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.method == RefundMethod.BANK:
        if not 1 <= len(data.payee_name.strip()) <= 60:
            errors["payee_name"] = _("请填写收款户名（最多 60 字）。")
        if not 1 <= len(data.bank_name.strip()) <= 60:
            errors["bank_name"] = _("请填写开户行（最多 60 字）。")
        if not bank_account_ok(data.bank_account.replace(" ", "")):
            errors["bank_account"] = _("银行账号应为 8 至 30 位数字。")
    elif data.method == RefundMethod.ORIGINAL:
        payment = _original_payment(account, data.payment_id)
        if payment is None:
            errors["payment_id"] = _("请选择本户一笔可原路退回的缴费（微信、支付宝、网上、刷卡或代扣，未冲正）。")
        elif data.amount.is_finite() and data.amount > payment.amount:
            errors["amount"] = _("原路退回不能超过原缴费金额 %(a)s 元。") % {"a": payment.amount}
    else:
        errors["method"] = _("请选择退款方式。")
    return errors


def _original_payment(account: Account, payment_id: int | None) -> Payment | None:
    if payment_id is None or not 0 < payment_id < 2**62:
        return None
    return Payment.objects.filter(
        pk=payment_id, account=account, channel__in=ORIGINAL_CHANNELS, reversal__isnull=True, to_service=0
    ).first()


def _validate(account: Account, data: RefundIn) -> None:
    errors = _destination_errors(account, data)
    amount = decimal_error(data.amount, Refund._meta.get_field("amount"), minimum=Decimal("0.01"))
    if amount:
        errors["amount"] = amount
    if not 1 <= len(data.reason.strip()) <= 200:
        errors["reason"] = _("请填写退款原因（最多 200 字）。")
    if not 1 <= len(data.request_key) <= 64:
        errors["request_key"] = _("申请表单已失效，请重新打开。")
    if errors:
        raise InvalidInput(_("退款申请有误。"), errors=errors)


def _same_or_conflict(existing: Refund, account: Account, data: RefundIn) -> Refund:
    if existing.account_id != account.pk or existing.amount != data.amount:
        raise RefundRefused(_("这张申请表已提交过另一笔退款，请重新打开申请页面。"))
    return existing


def refund_request(*, scope: Scope, actor: User, account: Account, data: RefundIn) -> tuple[Refund, bool]:
    """Ask for a refund of ``data.amount`` of the account's credit balance. Returns (refund,
    created): the same request key again returns the first refund and changes nothing."""
    require(scope, Capability.REFUND_REQUEST)
    _validate(account, data)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        existing = Refund.objects.filter(request_key=data.request_key).first()
        if existing is not None:
            return _same_or_conflict(existing, account, data), False
        # What may be refunded: the prepaid balance (overpayments are kept there), locked. A
        # closed account's deposit joins it with the closure work (RefundSource).
        available = prepaid_available(locked)
        if data.amount > available:
            message = _("退款金额超过可退余额 %(a)s 元。") % {"a": available}
            raise InvalidInput(message, errors={"amount": message})
        try:
            with transaction.atomic():
                refund = _create(locked, data, actor)
        except IntegrityError:
            return _same_or_conflict(Refund.objects.get(request_key=data.request_key), account, data), False
        prepaid_hold(account=locked, amount=data.amount, refund=refund)
        refund_event(
            refund=refund,
            type=RefundEvent.Type.REQUESTED,
            actor=actor,
            amount=str(refund.amount),
            method=refund.method,
            reason=refund.reason,
        )
    return refund, True


def _create(account: Account, data: RefundIn, actor: User) -> Refund:
    bank = data.method == RefundMethod.BANK
    return Refund.objects.create(
        request_key=data.request_key,
        account=account,
        source=data.source if data.source in RefundSource.values else RefundSource.PREPAID,
        amount=data.amount,
        method=data.method,
        payee_name=data.payee_name.strip() if bank else "",
        bank_name=data.bank_name.strip() if bank else "",
        bank_account=data.bank_account.replace(" ", "") if bank else "",
        payment_id=None if bank else data.payment_id,
        reason=data.reason.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )


def refund_transition(
    *, refund: Refund, to: RefundStatus, actor: User, event: RefundEvent.Type, note: str = "", **changes: object
) -> Refund:
    """The one write of a refund's status: checked against ``REFUND_TRANSITIONS``, claimed with
    a conditional UPDATE (a second person acting at the same moment finds it done), with its
    event row. ``changes``: the step's own fields, saved in the same UPDATE."""
    if to not in REFUND_TRANSITIONS[refund.status]:
        raise RefundRefused(_("退款状态不能从“%(a)s”变为“%(b)s”。") % {"a": refund.get_status_display(), "b": to.label})
    if not Refund.objects.filter(pk=refund.pk, status=refund.status).update(status=to, **changes):
        raise RefundRefused(_("该退款已被他人处理，请刷新页面。"))
    refund.refresh_from_db()
    parameters = {"note": note} if note else {}
    if refund.batch_id and event in (RefundEvent.Type.EXPORTED, RefundEvent.Type.PAID):
        parameters["batch"] = str(refund.batch_id)
    refund_event(refund=refund, type=event, actor=actor, **parameters)
    return refund


def refund_decide(*, scope: Scope, actor: User, refund: Refund, approve: bool, note: str = "") -> Refund:
    """A second person approves or rejects; a rejection gives the held amount back."""
    require(scope, Capability.REFUND_APPROVE)
    second_person(asked_by_id=refund.requested_by_id, actor=actor, message=_("退款须由申请人以外的人审批。"))
    note = decision_note(note)
    to = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=refund.account_id)
        done = refund_transition(
            refund=refund,
            to=to,
            actor=actor,
            event=RefundEvent.Type.APPROVED if approve else RefundEvent.Type.REJECTED,
            note=note,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        if not approve:
            prepaid_release(account=locked, amount=done.amount, refund=done)
    return done


def refunds_to_export(scope: Scope) -> Sequence[Refund]:
    """The approved refunds not yet exported that ``scope`` reaches, oldest first."""
    return list(
        Refund.objects.filter(refund_filter(scope), status=RefundStatus.APPROVED, batch__isnull=True)
        .select_related("account", "payment")
        .order_by("decided_at", "id")
    )


def refund_export(*, scope: Scope, actor: User) -> RefundBatch:
    """A payment file's batch of every approved refund not yet exported (each exported once: a
    second export at the same moment waits for the rows and finds them taken)."""
    require(scope, Capability.REFUND_REQUEST)
    with transaction.atomic():
        rows = list(
            Refund.objects.select_for_update()
            .filter(refund_filter(scope), status=RefundStatus.APPROVED, batch__isnull=True)
            .order_by("decided_at", "id")
        )
        if not rows:
            raise RefundRefused(_("没有待导出的已批准退款。"))
        batch = RefundBatch.objects.create(
            unit_id=scope.unit_id,
            lines=len(rows),
            total=sum((r.amount for r in rows), ZERO),
            created_by=actor,
            created_at=timezone.now(),
        )
        for refund in rows:
            refund_transition(
                refund=refund, to=RefundStatus.EXPORTED, actor=actor, event=RefundEvent.Type.EXPORTED, batch=batch
            )
    return batch


def refund_batch_paid(*, scope: Scope, actor: User, batch: RefundBatch) -> RefundBatch:
    """The bank paid the batch: every refund in it is paid, and each customer is told."""
    require(scope, Capability.REFUND_REQUEST)
    with transaction.atomic():
        if not RefundBatch.objects.filter(pk=batch.pk, paid_at__isnull=True).update(
            paid_at=timezone.now(), paid_by=actor
        ):
            raise RefundRefused(_("该退款批次已确认付款。"))
        rows = batch.refunds.filter(status=RefundStatus.EXPORTED)  # a failed line stays failed
        for refund in rows.select_related("account__customer", "payment").order_by("id"):
            refund_transition(refund=refund, to=RefundStatus.PAID, actor=actor, event=RefundEvent.Type.PAID)
            refund_paid_tell(refund)
    batch.refresh_from_db()
    return batch


def refund_paid_tell(refund: Refund) -> None:
    """The customer's message that a refund was paid (a batch, or one line of it)."""
    account = refund.account
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if not phone:
        return
    if refund.method == RefundMethod.BANK:
        to = _("尾号 %(d)s 的银行账户") % {"d": refund.bank_account[-4:]}
    else:
        to = _("原缴费渠道（%(c)s）") % {"c": refund.payment.get_channel_display() if refund.payment else ""}
    notice_enqueue(
        template_code="refund_paid",
        variables={
            "account_no": account.account_no,
            "amount": refund.amount,
            "day": f"{timezone.now().astimezone(SHANGHAI):%Y-%m-%d}",
            "to": to,
        },
        recipient=phone,
        account_id=account.pk,
        dedupe_key=f"refund_paid:{refund.pk}",
    )
