"""Arrears, issue 19: instalment plans (分期缴费) approved by a second person, protected
customers (保护性客户) whose cut-off a supervisor approves, and the planned cut-off time the
30-minute warning is sent before."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.bills import Bill
from gridcare.core.models import Approvable, Event


class PlanStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    KEPT = "kept", _("履约中")
    COMPLETED = "completed", _("已缴清")
    BROKEN = "broken", _("已违约")
    REJECTED = "rejected", _("已驳回")


class InstalmentPlan(Approvable):
    """Arrears of an account paid in instalments. ``total`` is what the plan's bills owed on
    ``start_on`` (electricity and penalty); while the plan is kept those bills accrue no penalty
    and wait outside the dunning list; a missed instalment breaks it (``broken_on``)."""

    request_key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="instalment_plans")
    bills = models.ManyToManyField(Bill, related_name="instalment_plans")
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.PENDING)
    total = models.DecimalField(_("分期总额"), max_digits=14, decimal_places=2)
    count = models.PositiveSmallIntegerField(_("期数"))
    start_on = models.DateField(_("计划起始日"))
    reason = models.CharField(_("申请原因"), max_length=200)
    broken_on = models.DateField(_("违约日"), null=True, blank=True)
    ended_on = models.DateField(_("结束日"), null=True, blank=True)

    class Meta:
        verbose_name = _("分期缴费计划")
        verbose_name_plural = _("分期缴费计划")
        ordering = ["-requested_at", "-id"]
        constraints = [
            *Approvable.approval_constraints("plan"),
            models.UniqueConstraint(
                fields=["account"], condition=Q(status__in=["pending", "kept"]), name="one_open_plan_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.total} / {self.count} {self.status}"


class Instalment(models.Model):
    plan = models.ForeignKey(InstalmentPlan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("期次"))
    due_date = models.DateField(_("应缴日期"))
    amount = models.DecimalField(_("应缴金额"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_per_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number} {self.amount}"


class InstalmentPlanEvent(Event):
    class Type(models.TextChoices):
        REQUESTED = "requested", _("申请分期")
        APPROVED = "approved", _("批准分期")
        REJECTED = "rejected", _("驳回分期")
        COMPLETED = "completed", _("分期缴清")
        BROKEN = "broken", _("分期违约")

    type = models.CharField(max_length=20, choices=Type.choices)
    plan = models.ForeignKey(InstalmentPlan, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.type}"


class ProtectedReason(models.TextChoices):
    MEDICAL = "medical", _("居家使用医疗设备")
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    DISABLED = "disabled", _("残疾人家庭")
    SERIOUS_ILLNESS = "serious_illness", _("重病患者家庭")
    LOW_INCOME = "low_income", _("低保、特困家庭")
    OTHER = "other", _("其他")


class ProtectedAccount(models.Model):
    """An account whose supply is not cut off for arrears without a supervisor's approval."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="protections")
    reason = models.CharField(_("保护原因"), max_length=20, choices=ProtectedReason.choices)
    evidence = models.CharField(_("证明材料说明"), max_length=300)
    review_on = models.DateField(_("复核日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    end_note = models.CharField(_("解除说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("保护性客户")
        verbose_name_plural = _("保护性客户")
        ordering = ["review_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(ended_at__isnull=True), name="one_active_protection_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.reason}"


class CutoffApproval(models.Model):
    """A supervisor's approval to cut off a protected account's supply for this bill."""

    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="cutoff_approval")
    protection = models.ForeignKey(ProtectedAccount, on_delete=models.PROTECT, related_name="approvals")
    note = models.CharField(_("审批意见"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"))

    def __str__(self) -> str:
        return f"{self.bill_id} {self.approved_by_id}"


class CutoffPlan(models.Model):
    """When the crew will cut the supply (inside the window of the cut-off notice it follows):
    the customer is told again ``DISCONNECT_FINAL_NOTICE_MINUTES`` before (SPEC table)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="cutoff_plans")
    notice = models.OneToOneField("billing.DunningStep", on_delete=models.PROTECT, related_name="cutoff_plan")
    planned_at = models.DateTimeField(_("计划停电时间"))
    warn_at = models.DateTimeField(_("停电前提醒时间"))
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("安排时间"))

    def __str__(self) -> str:
        return f"{self.bill_id} {self.planned_at}"
