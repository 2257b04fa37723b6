"""Money back and money returned (issue 19): a payment reversed once (a bank-debit return, a
channel's refund or chargeback, a counter error), and refunds of an account's credit balance,
asked by the billing office, approved by a second person, paid through a bank payment file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.payments import Payment
from gridcare.core.models import Approvable, Event


class ReversalReason(models.TextChoices):
    BANK_RETURN = "bank_return", _("银行代扣退回")
    CHANNEL_REFUND = "channel_refund", _("渠道退款")
    CHARGEBACK = "chargeback", _("拒付（退单）")
    COUNTER_ERROR = "counter_error", _("柜台差错")


class PaymentReversal(models.Model):
    """The one reversal of a payment (冲正). ``reference`` is the channel's (the bank's return
    number, the refund's id) or the office's: the same reference again finds this row; another
    one is refused. The amounts say where the money was taken back from."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="reversal")
    reason = models.CharField(_("冲正原因"), max_length=20, choices=ReversalReason.choices)
    reference = models.CharField(_("冲正凭证号"), max_length=64)
    amount = models.DecimalField(_("冲正金额"), max_digits=14, decimal_places=2)
    from_bills = models.DecimalField(_("撤回账单缴费"), max_digits=14, decimal_places=2, default=0)
    from_penalty = models.DecimalField(_("撤回违约金"), max_digits=14, decimal_places=2, default=0)
    from_prepaid = models.DecimalField(_("扣回预存"), max_digits=14, decimal_places=2, default=0)
    # The part of the prepaid deposit already spent on later bills: those bills owe it again.
    reopened = models.DecimalField(_("已用预存转欠费"), max_digits=14, decimal_places=2, default=0)
    # The part neither in the balance nor spent on a bill (held for or paid out as a refund):
    # for the office to recover; nothing else changes for it.
    uncovered = models.DecimalField(_("未能扣回"), max_digits=14, decimal_places=2, default=0)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reversed_at = models.DateTimeField(_("冲正时间"))

    class Meta:
        verbose_name = _("缴费冲正")
        verbose_name_plural = _("缴费冲正")
        ordering = ["-reversed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.reason} {self.reference}"


class PaymentEvent(Event):
    """Append-only history of a payment after it was posted (its reversal)."""

    class Type(models.TextChoices):
        REVERSED = "reversed", _("缴费冲正")

    type = models.CharField(max_length=30, choices=Type.choices)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.type}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    EXPORTED = "exported", _("已导出")
    PAID = "paid", _("已退款")
    REJECTED = "rejected", _("已驳回")
    # One line of a bank batch the bank could not pay (a closed card, a wrong name): the money
    # goes back to the credit balance (issue 19).
    FAILED = "failed", _("退款失败")


class RefundMethod(models.TextChoices):
    BANK = "bank", _("转账至银行账户")
    ORIGINAL = "original", _("原路退回")


class RefundSource(models.TextChoices):
    """What is refunded: the prepaid balance, or what a closure or transfer left in it (the final
    balance and the security deposit's remainder, ``services.moves``)."""

    PREPAID = "prepaid", _("预存余额（含多缴）")
    CLOSURE = "closure", _("销户结余及保证金")


class RefundBatch(models.Model):
    """One payment file for the bank: the approved refunds not yet exported, each exported once."""

    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lines = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("退款总额"), max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("导出时间"))
    paid_at = models.DateTimeField(_("退款完成时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("退款批次")
        verbose_name_plural = _("退款批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.lines} {self.total}"


class Refund(Approvable):
    """A refund of an account's credit balance. The amount leaves the prepaid balance when it is
    asked for (held: it can be neither spent by a bill run nor refunded twice) and comes back if
    the refund is rejected. ``request_key`` is the request form's: a double click is one refund."""

    request_key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="refunds")
    source = models.CharField(_("退款来源"), max_length=12, choices=RefundSource.choices, default=RefundSource.PREPAID)
    amount = models.DecimalField(_("退款金额"), max_digits=14, decimal_places=2)
    method = models.CharField(_("退款方式"), max_length=10, choices=RefundMethod.choices)
    payee_name = models.CharField(_("户名"), max_length=60, blank=True)
    bank_name = models.CharField(_("开户行"), max_length=60, blank=True)
    bank_account = models.CharField(_("账号"), max_length=34, blank=True)
    # Refunded the way it came: the payment whose channel pays it back.
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    reason = models.CharField(_("退款原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    batch = models.ForeignKey(RefundBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("退款申请")
        verbose_name_plural = _("退款申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(method="original", payment__isnull=False)
                | Q(method="bank") & ~Q(bank_account="") & ~Q(payee_name=""),
                name="refund_has_its_destination",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]) | Q(batch__isnull=False),
                name="refund_exported_has_batch",
            ),
            *Approvable.approval_constraints("refund"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount} {self.status}"


class RefundEvent(Event):
    """Append-only history of a refund: asked, approved or rejected, exported, paid."""

    class Type(models.TextChoices):
        REQUESTED = "requested", _("申请退款")
        APPROVED = "approved", _("批准退款")
        REJECTED = "rejected", _("驳回退款")
        EXPORTED = "exported", _("导出退款文件")
        PAID = "paid", _("退款完成")
        FAILED = "failed", _("退款失败")

    type = models.CharField(max_length=30, choices=Type.choices)
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.refund_id} {self.type}"
