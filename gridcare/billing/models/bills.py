"""Bills and bill runs (BILL-3, BILL-4) with their append-only histories."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.tariffs import Tariff
from gridcare.core.models import Event


class RunStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    FINISHED = "finished", _("已完成")


class BillRun(models.Model):
    """One bill run (抄核收) of a period, for the company or one supply unit. A run that was
    killed stays RUNNING and is resumed from ``last_account_id`` by the next start."""

    period = models.CharField(_("账期"), max_length=7)
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # "*" for the whole company, else the unit's code: one running run per (period, scope).
    scope_key = models.CharField(max_length=20, default="*")
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(_("应出账户数"), default=0)
    billed = models.PositiveIntegerField(_("已出账"), default=0)
    held = models.PositiveIntegerField(_("异常暂缓"), default=0)
    missing = models.PositiveIntegerField(_("无抄表数据"), default=0)
    amount = models.DecimalField(_("应收金额"), max_digits=14, decimal_places=2, default=0)
    last_account_id = models.BigIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("抄核收批次")
        verbose_name_plural = _("抄核收批次")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scope_key"], condition=Q(status="running"), name="one_running_run_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_id or '*'}"


class BillRunEvent(Event):
    """Append-only audit of a bill run: started, resumed, each chunk written, finished."""

    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.run_id} {self.type}"


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("未缴")
    PARTLY_PAID = "partly_paid", _("部分缴费")
    PAID = "paid", _("已结清")
    # Cancelled by a correction (issue 19): kept in the history, linked to its replacement.
    CANCELLED = "cancelled", _("已作废")


class Bill(models.Model):
    # Few indexes on purpose: a bill run writes a million rows. (account, period, segment) is unique
    # and serves every per-account lookup; run and tariff are never searched by.
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="bills", db_index=False)
    period = models.CharField(_("账期"), max_length=7)
    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="bills", db_index=False)
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+", db_index=False)
    kwh = models.DecimalField(_("电量(kWh)"), max_digits=14, decimal_places=2)
    kwh_peak = models.DecimalField(_("峰电量"), max_digits=14, decimal_places=2, default=0)
    kwh_flat = models.DecimalField(_("平电量"), max_digits=14, decimal_places=2, default=0)
    kwh_valley = models.DecimalField(_("谷电量"), max_digits=14, decimal_places=2, default=0)
    prior_kwh = models.DecimalField(_("年内已计电量"), max_digits=14, decimal_places=2, default=0)
    energy_charge = models.DecimalField(_("电度电费"), max_digits=14, decimal_places=2)
    basic_charge = models.DecimalField(_("基本电费"), max_digits=14, decimal_places=2, default=0)
    pf_adjustment = models.DecimalField(_("力调电费"), max_digits=14, decimal_places=2, default=0)
    # The account's credit and debit notes this bill carries (issue 19), part of ``amount``.
    adjustment = models.DecimalField(_("退补电费"), max_digits=14, decimal_places=2, default=0, db_default=0)
    amount = models.DecimalField(_("应收电费"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("已缴电费"), max_digits=14, decimal_places=2, default=0)
    penalty_paid = models.DecimalField(_("已缴违约金"), max_digits=14, decimal_places=2, default=0)
    # Penalty is worked out to ``penalty_settled_to`` at each payment; what that payment did
    # not cover is carried (no compounding: the carried penalty itself accrues nothing).
    penalty_settled_to = models.DateField(_("违约金结算至"), null=True, blank=True)
    penalty_carried = models.DecimalField(_("结转未缴违约金"), max_digits=14, decimal_places=2, default=0)
    # The real penalty accrued up to ``penalty_settled_to`` before the one-yuan minimum, which
    # tops up the bill's total once (paid + carried), not each payment (供电营业规则 art. 98).
    penalty_accrued = models.DecimalField(_("实际违约金"), max_digits=14, decimal_places=2, default=0)
    penalty_waived = models.BooleanField(_("免收违约金"), default=False)
    # In an instalment plan that is kept (issue 19): no penalty accrues and dunning waits. The
    # bill run writes its rows without this column (COPY), so the database has the default too.
    penalty_paused = models.BooleanField(_("分期中暂停违约金"), default=False, db_default=False)
    status = models.CharField(_("状态"), max_length=12, choices=BillStatus.choices, default=BillStatus.ISSUED)
    issued_at = models.DateTimeField(_("出账时间"))
    due_date = models.DateField(_("缴费截止日"))
    # 0: the month's regular bill (the bill run's); 1, 2 …: a final bill of a part month in the
    # same period (a transfer's old holder, a closure after the month was billed, issue 19).
    segment = models.PositiveSmallIntegerField(_("分段"), default=0, db_default=0)
    # A cancelled bill's replacement (issue 19: cancel and re-bill).
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces", verbose_name=_("更正后账单")
    )

    class Meta:
        verbose_name = _("电费账单")
        verbose_name_plural = _("电费账单")
        ordering = ["-period", "account_id"]
        constraints = [
            # A cancelled bill stays beside its replacement (issue 19); 0: the month's regular bill,
            # 1, 2 …: a part month's final bill (a transfer's old holder, a closure).
            models.UniqueConstraint(
                fields=["account", "period", "segment"],
                condition=~Q(status="cancelled"),
                name="one_bill_per_account_period",
            ),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="bill_paid_in_range"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="bill_open_due_idx"),
            # The unique index above is partial now, which the bill run's and the re-bill's reads
            # by (account, period) cannot use (SQLite scanned every bill per account): this one.
            models.Index(fields=["account", "period"], name="bill_account_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period}"

    @property
    def paid_total(self) -> Decimal:
        """What the bill shows as paid: electricity and penalty settled against it. Equal to the
        sum of its payment allocations plus the prepaid deduction at billing (one ledger; the
        payment service and the bill run write both in one transaction)."""
        return self.paid + self.penalty_paid


class BillEvent(Event):
    """Append-only history of a bill: payments, waivers, dunning steps, status changes."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.bill_id} {self.type}"
