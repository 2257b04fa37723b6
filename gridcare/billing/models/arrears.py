"""Arrears (BILL-7, BILL-8): penalty waivers and dunning steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridcare.billing.models.bills import Bill


class WaiverStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class PenaltyWaiver(models.Model):
    """A request to waive a bill's penalty; a second person decides (BILL-7)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="waivers")
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=WaiverStatus.choices, default=WaiverStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bill"], condition=Q(status="requested"), name="one_open_waiver_per_bill"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")), name="waiver_four_eyes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.status}"


class DunningStepKind(models.TextChoices):
    REMINDER = "reminder", _("欠费提醒")
    NOTICE = "notice", _("催费通知")
    CUTOFF_NOTICE = "cutoff_notice", pgettext_lazy("arrears", "停电通知")  # the notice before a cut-off
    CUTOFF = "cutoff", _("停电")
    RECONNECT = "reconnect", _("复电")


class DunningStep(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="dunning_steps")
    step = models.CharField(_("步骤"), max_length=15, choices=DunningStepKind.choices)
    done_on = models.DateField(_("日期"))
    deadline = models.DateTimeField(_("时限"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # A step that is scheduled first and carried out later (reconnection) records when it was done.
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A broken instalment plan starts dunning again (issue 19): the steps taken before it are kept
    # as history, superseded on that day, and the ladder counts only the live ones.
    superseded_on = models.DateField(_("作废日期"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "step"], condition=Q(superseded_on__isnull=True), name="one_dunning_step_per_bill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.step}"
