"""Payments (BILL-5, BILL-6): channel payments, their allocation to bills, prepaid balances,
and the daily reconciliation against the channels' statements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.bills import Bill


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
    # Money already held by the company set against what an account owes at closure, transfer or
    # default (issue 19): no channel's statement carries these.
    DEPOSIT_OFFSET = "deposit_offset", _("保证金抵缴")
    PREPAID_OFFSET = "prepaid_offset", _("预存抵缴")


# The channels no payer pays through (``payments.payment_set_off`` alone writes them).
OFFSET_CHANNELS = (PaymentChannel.DEPOSIT_OFFSET, PaymentChannel.PREPAID_OFFSET)
PAYER_CHANNELS = [c for c in PaymentChannel if c not in OFFSET_CHANNELS]


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
    # A paid value-added service (WO-10): the whole amount, never spread over bills or prepaid.
    to_service = models.DecimalField(_("增值服务费"), max_digits=14, decimal_places=2, default=0, db_default=0)
    # A security deposit (保证金, issue 19) collected at the counter: the whole amount, held.
    to_deposit = models.DecimalField(_("保证金"), max_digits=14, decimal_places=2, default=0, db_default=0)
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
    """A payment's share of a bill. A reversal writes the counter-row (the same amounts negated,
    ``reversal`` set), so a bill's allocations still add up to what it shows as paid."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    penalty = models.DecimalField(_("违约金"), max_digits=14, decimal_places=2, default=0)
    principal = models.DecimalField(_("电费"), max_digits=14, decimal_places=2, default=0)
    reversal = models.ForeignKey(
        "billing.PaymentReversal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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
        # A reversed payment (issue 19): its deposit taken back (negative, ``payment``), and a
        # deduction at billing that had spent it given back to the balance (positive, ``bill``)
        # before it is taken back, so that bill owes the amount again.
        REVERSAL = "reversal", _("冲正扣回")
        UNDEDUCTED = "undeducted", _("冲正撤销抵扣")
        # A refund (issue 19): held when asked for (negative), given back if rejected (positive).
        REFUND = "refund", _("退款")
        RELEASED = "released", _("退款驳回退回")
        # Closure or transfer (issue 19): the balance set against what is owed (negative).
        OFFSET = "offset", _("销户过户抵缴")
        # A bill corrected down (issue 19): what the deduction at billing paid beyond the new
        # amount goes back to the balance (positive, ``bill`` the new bill).
        REBILLED = "rebilled", _("更正退回预存")

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, related_name="+")
    refund = models.ForeignKey("billing.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"


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
