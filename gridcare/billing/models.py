"""Billing and payment (BILL-1 … BILL-8): tariffs, readings, bills and bill runs, payments,
prepaid balances, arrears, dunning and reconciliation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TariffKind(models.TextChoices):
    TIERED = "tiered", _("居民阶梯电价")
    TOU = "tou", _("峰谷分时电价")
    FLAT = "flat", _("单一电价")
    TWO_PART = "two_part", _("两部制电价")


class TierPeriod(models.TextChoices):
    NONE = "", _("不分档")
    MONTHLY = "monthly", _("按月")
    YEARLY = "yearly", _("按年")


class DemandBasis(models.TextChoices):
    CAPACITY = "capacity", _("按容量")
    DEMAND = "demand", _("按最大需量")


class Tariff(models.Model):
    """One tariff version of a province; accounts name it by ``code`` (Account.tariff_code)."""

    code = models.CharField(_("电价代码"), max_length=30)
    province = models.CharField(_("省份"), max_length=10)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("电价类型"), max_length=10, choices=TariffKind.choices)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    price = models.DecimalField(_("电度电价(一档/平段)"), max_digits=10, decimal_places=4)
    tier_period = models.CharField(_("阶梯周期"), max_length=10, choices=TierPeriod.choices, blank=True, default="")
    tier1_kwh = models.DecimalField(_("一档上限(kWh)"), max_digits=14, decimal_places=2, null=True, blank=True)
    tier2_kwh = models.DecimalField(_("二档上限(kWh)"), max_digits=14, decimal_places=2, null=True, blank=True)
    tier2_price = models.DecimalField(_("二档电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    tier3_price = models.DecimalField(_("三档电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    peak_price = models.DecimalField(_("峰段电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    valley_price = models.DecimalField(_("谷段电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    basis = models.CharField(_("基本电费计收方式"), max_length=10, choices=DemandBasis.choices, blank=True)
    capacity_price = models.DecimalField(
        _("容量电价(元/kVA·月)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    demand_price = models.DecimalField(_("需量电价(元/kW·月)"), max_digits=10, decimal_places=4, null=True, blank=True)
    pf_standard = models.DecimalField(_("功率因数考核标准"), max_digits=3, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("电价")
        verbose_name_plural = _("电价")
        ordering = ["province", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "province", "effective_from"], name="tariff_version_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="tariff_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.code} {self.effective_from}"


class TouPeriodKind(models.TextChoices):
    PEAK = "peak", _("峰")
    FLAT = "flat", _("平")
    VALLEY = "valley", _("谷")


class TouPeriod(models.Model):
    """A daily time band of a TOU tariff; interval data are summed into bands by these."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="tou_periods")
    kind = models.CharField(_("时段"), max_length=10, choices=TouPeriodKind.choices)
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("分时时段")
        verbose_name_plural = _("分时时段")
        ordering = ["tariff_id", "starts"]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts}-{self.ends}"


class SplitSource(models.TextChoices):
    """Where a reading's peak/flat/valley split came from."""

    NONE = "", _("未分时")
    METER = "meter", _("电能表分时示数")
    INTERVAL = "interval", _("负荷曲线汇总")


class ReadingStatus(models.TextChoices):
    VALID = "valid", _("正常")
    HELD = "held", _("异常待处理")


class ReadingImport(models.Model):
    file_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, default="monthly")
    rows = models.PositiveIntegerField(_("行数"), default=0)
    exceptions = models.PositiveIntegerField(_("异常数"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抄表数据导入")
        verbose_name_plural = _("抄表数据导入")

    def __str__(self) -> str:
        return self.file_name


class Reading(models.Model):
    """A month's meter reading of an account, with the consumption worked out at import."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="readings")
    period = models.CharField(_("账期"), max_length=7)
    read_on = models.DateField(_("抄表日期"))
    register = models.DecimalField(_("示数"), max_digits=14, decimal_places=2)
    kwh = models.DecimalField(_("电量(kWh)"), max_digits=14, decimal_places=2)
    kwh_peak = models.DecimalField(_("峰电量"), max_digits=14, decimal_places=2, default=0)
    kwh_flat = models.DecimalField(_("平电量"), max_digits=14, decimal_places=2, default=0)
    kwh_valley = models.DecimalField(_("谷电量"), max_digits=14, decimal_places=2, default=0)
    kvarh = models.DecimalField(_("无功电量(kvarh)"), max_digits=14, decimal_places=2, default=0)
    max_demand_kw = models.DecimalField(_("最大需量(kW)"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ReadingStatus.choices, default=ReadingStatus.VALID)
    batch = models.ForeignKey(ReadingImport, on_delete=models.PROTECT, null=True, related_name="readings")
    # A database default: the bill run's and the benchmark's bulk inserts do not name it.
    split_source = models.CharField(
        _("分时电量来源"), max_length=10, choices=SplitSource.choices, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("抄表记录")
        verbose_name_plural = _("抄表记录")
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_reading_per_account_period"),
            models.CheckConstraint(condition=Q(kwh__gte=0), name="reading_kwh_not_negative"),
        ]
        indexes = [models.Index(fields=["period", "account"], name="reading_period_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period}"


class ExceptionKind(models.TextChoices):
    NEGATIVE = "negative", _("电量为负")
    ROLLOVER = "rollover", _("电能表翻转")
    SPIKE = "spike", _("电量突增")
    # Found when interval data are summed into the month's peak/flat/valley.
    GAP = "gap", _("负荷曲线缺数")
    OVERLAP = "overlap", _("负荷曲线时段重复")
    SPLIT = "split", _("峰谷电量超过总电量")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已确认")
    CORRECTED = "corrected", _("已更正")


class ReadingException(models.Model):
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(_("异常类型"), max_length=10, choices=ExceptionKind.choices)
    detail = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("抄表异常")
        verbose_name_plural = _("抄表异常")

    def __str__(self) -> str:
        return f"{self.reading_id} {self.kind}"


class IntervalReading(models.Model):
    """Interval (load-curve) data: kWh in the interval starting at ``starts_at``."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="intervals")
    starts_at = models.DateTimeField(_("开始时间"))
    kwh = models.DecimalField(_("电量(kWh)"), max_digits=14, decimal_places=2)
    batch = models.ForeignKey(ReadingImport, on_delete=models.PROTECT, related_name="intervals")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "starts_at"], name="one_interval_per_start")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.starts_at}"


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


class BillRunEvent(models.Model):
    """Append-only audit of a bill run: started, resumed, each chunk written, finished."""

    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20)
    parameters = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.type}"


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("未缴")
    PARTLY_PAID = "partly_paid", _("部分缴费")
    PAID = "paid", _("已结清")


class Bill(models.Model):
    # Few indexes on purpose: a bill run writes a million rows. (account, period) is unique
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
    status = models.CharField(_("状态"), max_length=12, choices=BillStatus.choices, default=BillStatus.ISSUED)
    issued_at = models.DateTimeField(_("出账时间"))
    due_date = models.DateField(_("缴费截止日"))

    class Meta:
        verbose_name = _("电费账单")
        verbose_name_plural = _("电费账单")
        ordering = ["-period", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_bill_per_account_period"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="bill_paid_in_range"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="bill_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period}"

    @property
    def paid_total(self) -> Decimal:
        """What the bill shows as paid: electricity and penalty settled against it. Equal to the
        sum of its payment allocations plus the prepaid deduction at billing (one ledger; the
        payment service and the bill run write both in one transaction)."""
        return self.paid + self.penalty_paid


class BillEvent(models.Model):
    """Append-only history of a bill: payments, waivers, dunning steps, status changes."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30)
    parameters = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.type}"


class PaymentChannel(models.TextChoices):
    """The channels the seeds name (营业厅缴费、刷卡、自助、网上、微信、支付宝、银行代扣、代收点)."""

    COUNTER_CASH = "counter_cash", _("营业厅现金")
    COUNTER_CARD = "counter_card", _("营业厅刷卡")
    KIOSK = "kiosk", _("自助缴费终端")
    APP = "app", _("掌上电力App")
    WEB = "web", _("95598网站")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    BANK_DEBIT = "bank_debit", _("银行代扣")
    AGENCY = "agency", _("代收点")


class Payment(models.Model):
    """A payment as the channel reported it. (channel, channel_txn_id) is unique: a channel
    that retries its notification finds the first payment instead of paying twice."""

    channel = models.CharField(_("缴费渠道"), max_length=20, choices=PaymentChannel.choices)
    channel_txn_id = models.CharField(_("渠道流水号"), max_length=64)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField(_("缴费时间"))
    business_date = models.DateField(_("业务日期"), db_index=True)
    posted_at = models.DateTimeField(_("入账时间"), auto_now_add=True)
    to_penalty = models.DecimalField(_("抵违约金"), max_digits=14, decimal_places=2, default=0)
    to_bills = models.DecimalField(_("抵电费"), max_digits=14, decimal_places=2, default=0)
    to_prepaid = models.DecimalField(_("转预收"), max_digits=14, decimal_places=2, default=0)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "channel_txn_id"], name="payment_once_per_channel_txn"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.channel_txn_id}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    penalty = models.DecimalField(_("违约金"), max_digits=14, decimal_places=2, default=0)
    principal = models.DecimalField(_("电费"), max_digits=14, decimal_places=2, default=0)

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.bill_id}"


class PrepaidBalance(models.Model):
    """预交电费 balance of an account (BILL-6)."""

    account = models.OneToOneField("customers.Account", on_delete=models.PROTECT, related_name="prepaid")
    balance = models.DecimalField(_("余额"), max_digits=14, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="prepaid_not_negative")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.balance}"


class PrepaidEntry(models.Model):
    """Append-only ledger of prepaid balance movements."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("预存")
        DEDUCTION = "deduction", _("出账抵扣")

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"


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
    CUTOFF_NOTICE = "cutoff_notice", _("停电通知")
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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bill", "step"], name="one_dunning_step_per_bill")]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.step}"


class Reconciliation(models.Model):
    channel = models.CharField(_("缴费渠道"), max_length=20, choices=PaymentChannel.choices)
    # Empty: the whole company's payments of the channel; else one supply unit's.
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    business_date = models.DateField(_("对账日期"))
    statement_name = models.CharField(_("对账文件"), max_length=200)
    matched = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.channel} {self.business_date}"


class ReconciliationItem(models.Model):
    class Kind(models.TextChoices):
        MISSING = "missing", _("渠道有、系统无")
        EXTRA = "extra", _("系统有、渠道无")
        DIFFERENT = "different", _("金额不一致")

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel_txn_id = models.CharField(max_length=64)
    account_no = models.CharField(max_length=10, blank=True)
    statement_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    posted_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.channel_txn_id}"


class DebitAgreement(models.Model):
    """银行代扣: the account's bank authorisation for auto-debit."""

    account = models.OneToOneField("customers.Account", on_delete=models.PROTECT, related_name="debit_agreement")
    bank_code = models.CharField(_("银行"), max_length=10)
    bank_account = models.CharField(_("银行账号"), max_length=32)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.account_id} {self.bank_code}"


class DebitBatchStatus(models.TextChoices):
    EXPORTED = "exported", _("已生成代扣文件")
    SETTLED = "settled", _("已导入回盘")


class DebitBatch(models.Model):
    """One bank auto-debit batch: the file sent to the bank and the result it sent back."""

    bank_code = models.CharField(_("银行"), max_length=10)
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period = models.CharField(_("账期"), max_length=7)
    on = models.DateField(_("扣款日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DebitBatchStatus.choices, default=DebitBatchStatus.EXPORTED
    )
    content = models.TextField(_("代扣文件"))
    lines = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("代扣总额"), max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_name = models.CharField(_("回盘文件"), max_length=200, blank=True)
    paid = models.PositiveIntegerField(_("扣款成功"), default=0)
    failed = models.PositiveIntegerField(_("扣款失败"), default=0)
    paid_amount = models.DecimalField(_("成功金额"), max_digits=14, decimal_places=2, default=0)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    settled_at = models.DateTimeField(_("回盘导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("银行代扣批次")
        verbose_name_plural = _("银行代扣批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bank_code} {self.period} {self.unit_id or '*'}"
