"""Reads of money back and money returned (issue 19): refunds and their batches for a scope,
what an account may have refunded, the payments that can take money back, the payment file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.access import refund_batches_for_scope, refund_filter
from gridcare.billing.models import Payment, Refund, RefundBatch, RefundMethod, RefundStatus
from gridcare.billing.rules.refunds import mask_bank_account
from gridcare.billing.selectors import prepaid_balance
from gridcare.core.forms import Choice
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_name
from gridcare.org.access import Capability, Scope, can

# The channels a refund may go back through (services.refunds checks the same list).
ORIGINAL_CHANNELS = ("wechat", "alipay", "app", "web", "counter_card", "bank_debit")


def refundable_balance(account: Account) -> Decimal:
    """What may be refunded now: the prepaid balance (overpayments are kept there; a pending
    refund's amount is already out of it). A closed account's deposit joins it here."""
    return prepaid_balance(account)


def refunds(*, scope: Scope, status: str | None = None) -> QuerySet[Refund]:
    rows = Refund.objects.filter(refund_filter(scope)).select_related("account__customer", "requested_by", "payment")
    return rows.filter(status=status) if status else rows


def refund_counts(*, scope: Scope) -> dict[str, int]:
    counted = dict(Refund.objects.filter(refund_filter(scope)).values_list("status").annotate(n=Count("id")).order_by())
    return {s: counted.get(s, 0) for s in RefundStatus.values}


def refund_batches(*, scope: Scope) -> QuerySet[RefundBatch]:
    return refund_batches_for_scope(scope).select_related("created_by")


def original_payment_choices(account: Account) -> list[Choice]:
    """The account's latest payments money can go back through (not reversed, not a service's)."""
    payments = Payment.objects.filter(
        account=account, channel__in=ORIGINAL_CHANNELS, reversal__isnull=True, to_service=0
    ).order_by("-paid_at", "-id")[:20]
    return [
        (str(p.pk), f"{p.paid_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {p.get_channel_display()} ¥{p.amount}")
        for p in payments
    ]


def destination(refund: Refund, *, masked: bool = True) -> str:
    """Where the money goes, as a page (masked) or the bank's file (whole) shows it."""
    if refund.method == RefundMethod.ORIGINAL:
        payment = refund.payment
        return _("原路退回：%(c)s %(t)s") % {
            "c": payment.get_channel_display() if payment else "",
            "t": payment.channel_txn_id if payment else "",
        }
    number = mask_bank_account(refund.bank_account) if masked else refund.bank_account
    return f"{refund.bank_name} {number}"


def refund_list_header() -> list[str]:
    return [
        _("退款单号"),
        _("户号"),
        _("户名"),
        _("金额"),
        _("退款方式"),
        _("收款账户"),
        _("状态"),
        _("申请人"),
        _("申请时间"),
    ]


def refund_list_lines(rows: Iterable[Refund]) -> Iterator[list[Any]]:
    """The list's export: names and account numbers masked, as on the page."""
    for r in rows:
        yield [
            f"#{r.pk}",
            r.account.account_no,
            mask_name(r.payee_name or r.account.customer.name),
            r.amount,
            r.get_method_display(),
            destination(r),
            r.get_status_display(),
            r.requested_by.username,
            r.requested_at,
        ]


def refund_file_header() -> list[str]:
    return [
        _("退款单号"),
        _("户号"),
        _("退款方式"),
        _("收款户名"),
        _("开户行"),
        _("收款账号"),
        _("原缴费渠道"),
        _("原渠道流水号"),
        _("金额"),
    ]


def refund_file_lines(batch: RefundBatch) -> Iterator[list[Any]]:
    """The bank's payment file: the one place a whole account number leaves the system, for the
    posts that export refunds (REFUND_REQUEST)."""
    rows = batch.refunds.select_related("account", "payment").order_by("id")
    for r in rows:
        yield [
            f"RF{r.pk:08d}",
            r.account.account_no,
            r.get_method_display(),
            r.payee_name,
            r.bank_name,
            r.bank_account,
            r.payment.get_channel_display() if r.payment else "",
            r.payment.channel_txn_id if r.payment else "",
            r.amount,
        ]


def refund_line_actions(scope: Scope, refund_status: str) -> dict[str, bool]:
    """What the refund page offers for a line of a bank batch."""
    office = can(scope, Capability.REFUND_REQUEST)
    return {
        "can_mark_paid": office and refund_status == RefundStatus.EXPORTED,
        "can_mark_failed": office and refund_status in (RefundStatus.EXPORTED, RefundStatus.PAID),
    }
