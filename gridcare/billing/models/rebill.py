"""Corrections of bills (issue 19): cancel and re-bill with a second person's approval, the batch
re-bill of a period after a tariff correction, and adjustments (credit and debit notes) that the
next bill carries as a line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.bills import Bill
from gridcare.core.models import Approvable, Event


class CorrectionReason(models.TextChoices):
    """Why a bill is corrected or an account adjusted (the reason codes of both)."""

    READING = "reading", _("抄表差错")
    TARIFF = "tariff", _("电价差错")
    TOPUP = "topup", _("退补电费")
    OTHER = "other", _("其他")
    ESTIMATE = "estimate", _("估抄多计退补")  # computed by the true-up rule, never asked by a person


# The reasons only the rules give (system-approved notes): not offered on a form, refused from one.
SYSTEM_REASONS = frozenset({CorrectionReason.ESTIMATE.value})


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    DONE = "done", _("已重新出账")
    REJECTED = "rejected", _("已驳回")


class RebillBatch(models.Model):
    """A re-bill of every bill of a period priced by one tariff code (after that tariff's price
    was corrected), chunk by chunk like the bill run; resumed from ``last_account_id``."""

    class Status(models.TextChoices):
        RUNNING = "running", _("计算中")
        FINISHED = "finished", _("已完成")

    # The starter's form or API client key: the same key again is the same batch.
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    period = models.CharField(_("账期"), max_length=7)
    tariff_code = models.CharField(_("电价代码"), max_length=20)
    reason = models.CharField(_("更正说明"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(_("涉及账单数"), default=0)
    rebilled = models.PositiveIntegerField(_("已重新出账"), default=0)
    unchanged = models.PositiveIntegerField(_("金额不变"), default=0)
    amount_before = models.DecimalField(_("原应收"), max_digits=14, decimal_places=2, default=0)
    amount_after = models.DecimalField(_("新应收"), max_digits=14, decimal_places=2, default=0)
    last_account_id = models.BigIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量重新出账")
        verbose_name_plural = _("批量重新出账")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "tariff_code"], condition=Q(status="running"), name="one_running_rebill_per_tariff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.tariff_code}"


class BillCorrection(Approvable):
    """A request to cancel a wrong bill and bill it again (更正), approved by a second person.
    The corrected reading (empty fields: the reading as it stands) is applied on approval.
    ``request_key`` is the form's: a double submit is one request."""

    request_key = models.CharField(max_length=64, unique=True)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="corrections")
    reason = models.CharField(_("更正原因"), max_length=10, choices=CorrectionReason.choices)
    note = models.CharField(_("更正说明"), max_length=200)
    kwh = models.DecimalField(_("更正后电量(kWh)"), max_digits=14, decimal_places=2, null=True, blank=True)
    kwh_peak = models.DecimalField(_("更正后峰电量"), max_digits=14, decimal_places=2, null=True, blank=True)
    kwh_valley = models.DecimalField(_("更正后谷电量"), max_digits=14, decimal_places=2, null=True, blank=True)
    old_amount = models.DecimalField(_("原应收电费"), max_digits=14, decimal_places=2)
    preview_amount = models.DecimalField(_("预计新应收电费"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    new_bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("账单更正")
        verbose_name_plural = _("账单更正")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bill"], condition=Q(status="pending"), name="one_pending_correction"),
            *Approvable.approval_constraints("correction", undecided="pending"),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.status}"


class CorrectionEvent(Event):
    class Type(models.TextChoices):
        REQUESTED = "requested", _("申请更正")
        DONE = "done", _("批准更正并重新出账")
        REJECTED = "rejected", _("驳回更正")

    type = models.CharField(max_length=30, choices=Type.choices)
    correction = models.ForeignKey(BillCorrection, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.correction_id} {self.type}"


class AdjustmentKind(models.TextChoices):
    CREDIT = "credit", _("退减（贷项）")
    DEBIT = "debit", _("补收（借项）")


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("待出账")
    APPLIED = "applied", _("已计入账单")
    REJECTED = "rejected", _("已驳回")


class Adjustment(Approvable):
    """A credit or debit note on an account (退补电费), carried by its next bill as a line. Above
    ``ADJUSTMENT_APPROVAL_YUAN`` a second person approves it; below it is approved when asked."""

    request_key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=10, choices=AdjustmentKind.choices)
    reason = models.CharField(_("原因"), max_length=10, choices=CorrectionReason.choices)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=AdjustmentStatus.choices)
    # None: a note the rules computed (an over-estimate's credit, 估抄多计退补), approved as written.
    requested_by = models.ForeignKey(  # type: ignore[assignment]  # nullable here, unlike the base
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments")
    # The bill whose true-up computed the note (估抄多计退补); ``bill`` is the one that carries it.
    source_bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("退补调整")
        verbose_name_plural = _("退补调整")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "account"], name="adjustment_waiting_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="applied", bill__isnull=False) | ~Q(status="applied") & Q(bill__isnull=True),
                name="adjustment_applied_has_bill",
            ),
            *Approvable.approval_constraints("adjustment"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"

    @property
    def signed(self) -> Decimal:
        """What the note adds to the bill: a debit adds, a credit takes off."""
        return self.amount if self.kind == AdjustmentKind.DEBIT else -self.amount


class AdjustmentEvent(Event):
    class Type(models.TextChoices):
        REQUESTED = "requested", _("申请退补")
        APPROVED = "approved", _("批准退补")
        REJECTED = "rejected", _("驳回退补")
        APPLIED = "applied", _("计入账单")
        COMPUTED = "computed", _("按规则退补")

    type = models.CharField(max_length=30, choices=Type.choices)
    adjustment = models.ForeignKey(Adjustment, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.adjustment_id} {self.type}"
