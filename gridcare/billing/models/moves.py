"""Moving out and in (issue 19): an account's closure (销户) with its final bill and settlement,
a transfer (过户) to a new holder from an opening reading, and security deposits (保证金) of
non-residential accounts, held apart from the prepaid balance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.bills import Bill
from gridcare.billing.models.payments import Payment
from gridcare.core.models import Event


class MoveKind(models.TextChoices):
    CLOSURE = "closure", _("销户")
    TRANSFER = "transfer", _("过户")


class MoveStatus(models.TextChoices):
    SETTLING = "settling", _("待结清")
    DONE = "done", _("已完成")


class AccountMove(models.Model):
    """One closure or transfer of an account: the final reading on ``move_on``, the final bill of
    the part month (``bill``, prorated tiers), and how what was owed was settled (the deposit,
    then the prepaid balance; a credit left becomes ``refund``). A closure that leaves debt stays
    SETTLING (the account 待结清) until it is paid and the closure is completed. An account is
    closed once: one closure row per account (two clerks at once: one closure)."""

    request_key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("业务类型"), max_length=10, choices=MoveKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=MoveStatus.choices, default=MoveStatus.SETTLING)
    move_on = models.DateField(_("办理日期"))
    previous_register = models.DecimalField(_("上次示数"), max_digits=14, decimal_places=2)
    register = models.DecimalField(_("本次示数"), max_digits=14, decimal_places=2)
    kwh = models.DecimalField(_("结算电量(kWh)"), max_digits=14, decimal_places=2)
    days = models.PositiveSmallIntegerField(_("结算天数"))
    days_in_month = models.PositiveSmallIntegerField(_("当月天数"))
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="move")
    old_customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    new_customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owed = models.DecimalField(_("应结清金额"), max_digits=14, decimal_places=2, default=0)
    from_deposit = models.DecimalField(_("保证金抵缴"), max_digits=14, decimal_places=2, default=0)
    from_prepaid = models.DecimalField(_("预存抵缴"), max_digits=14, decimal_places=2, default=0)
    credit = models.DecimalField(_("结余待退"), max_digits=14, decimal_places=2, default=0)
    left_owed = models.DecimalField(_("尚欠金额"), max_digits=14, decimal_places=2, default=0)
    refund = models.ForeignKey("billing.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("办理时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("销户过户")
        verbose_name_plural = _("销户过户")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=Q(kind="closure"), name="one_closure_per_account"),
            models.CheckConstraint(condition=Q(register__gte=models.F("previous_register")), name="move_register_up"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.move_on}"


class MoveEvent(Event):
    """Append-only history of a closure or transfer: done (or left to settle), completed."""

    class Type(models.TextChoices):
        CLOSING = "closing", _("办理销户")
        COMPLETED = "completed", _("完成销户")
        TRANSFERRED = "transferred", _("办理过户")

    type = models.CharField(max_length=30, choices=Type.choices)
    move = models.ForeignKey(AccountMove, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.move_id} {self.type}"


class DepositKind(models.TextChoices):
    COLLECTED = "collected", _("收取保证金")
    APPLIED = "applied", _("保证金抵缴电费")
    RETURNED = "returned", _("保证金转退款余额")


class DepositEntry(models.Model):
    """Append-only ledger of an account's security deposit (保证金): collected at the counter
    (a payment kept whole as ``Payment.to_deposit``), applied to what is owed (at closure, or on
    default by a supervisor with a reason) or returned to the credit balance for refund at
    closure. What is held is the sum; no bill run spends it."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="deposit_entries")
    kind = models.CharField(_("类型"), max_length=10, choices=DepositKind.choices)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)  # signed
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    move = models.ForeignKey(AccountMove, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("保证金台账")
        verbose_name_plural = _("保证金台账")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="deposit_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"


class DepositEvent(Event):
    """Append-only history of an account's deposit (what the account page's deposit part shows)."""

    class Type(models.TextChoices):
        COLLECTED = "collected", _("收取保证金")
        APPLIED = "applied", _("保证金抵缴电费")
        RETURNED = "returned", _("保证金转退款余额")

    type = models.CharField(max_length=30, choices=Type.choices)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.account_id} {self.type}"


class RefundBatchDownload(models.Model):
    """Who downloaded a refund batch's bank file (whole account numbers) and when."""

    batch = models.ForeignKey("billing.RefundBatch", on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fmt = models.CharField(_("格式"), max_length=10)
    at = models.DateTimeField(_("下载时间"))

    class Meta:
        verbose_name = _("退款文件下载记录")
        verbose_name_plural = _("退款文件下载记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.user_id} {self.at}"
