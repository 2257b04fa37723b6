"""E-invoices (数电发票, BILL-8): the account's invoice title, the invoices (blue for a payment or
a bill, red to cancel a blue one when its payment is reversed) and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class TitleKind(models.TextChoices):
    PERSONAL = "personal", _("个人")
    ORGANISATION = "organisation", _("单位")


class InvoiceTitle(models.Model):
    """What an account's invoices are made out to (发票抬头). An organisation gives its unified
    social credit code (checked by its check digit); a household its name only. ``bill_invoices``:
    the account asks for an invoice per bill when it is issued instead of one per payment."""

    account = models.OneToOneField("customers.Account", on_delete=models.PROTECT, related_name="invoice_title")
    kind = models.CharField(_("抬头类型"), max_length=12, choices=TitleKind.choices, default=TitleKind.PERSONAL)
    name = models.CharField(_("发票抬头"), max_length=100)
    tax_number = models.CharField(_("纳税人识别号"), max_length=18, blank=True, default="")
    email = models.CharField(_("接收邮箱"), max_length=254, blank=True, default="")
    bill_invoices = models.BooleanField(_("按账单开票"), default=False)
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("发票抬头")
        verbose_name_plural = _("发票抬头")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="personal", tax_number="") | Q(kind="organisation") & ~Q(tax_number=""),
                name="invoice_title_tax_number_by_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.name}"


class InvoiceKind(models.TextChoices):
    BLUE = "blue", _("蓝字发票")
    RED = "red", _("红字发票")


class InvoiceStatus(models.TextChoices):
    PENDING = "pending", _("待开具")
    # Claimed by a worker and sent to the issuer (outside any transaction); a retry after a crash
    # takes it again once ``next_attempt_at`` (the claim's lease) has passed and sends the same key.
    ISSUING = "issuing", _("开具中")
    ISSUED = "issued", _("已开具")
    FAILED = "failed", _("开具失败")
    CANCELLED = "cancelled", _("无需开具")


class InvoiceSource(models.TextChoices):
    PAYMENT = "payment", _("缴费")
    BILL = "bill", _("账单")


class Invoice(models.Model):
    """One e-invoice. A blue one exists at most once per payment and once per bill (the unique
    constraints: a repeated or concurrent queueing step inserts nothing twice); a red one at most
    once per blue one, for the negated amounts. The buyer is copied from the title when queued
    (and again when a failed invoice is retried after the title was corrected)."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("发票类型"), max_length=4, choices=InvoiceKind.choices, default=InvoiceKind.BLUE)
    source = models.CharField(_("开票依据"), max_length=8, choices=InvoiceSource.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.PENDING, db_index=True
    )
    payment = models.ForeignKey(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    original = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="red", verbose_name=_("原蓝字发票")
    )
    title_kind = models.CharField(_("抬头类型"), max_length=12, choices=TitleKind.choices)
    buyer_name = models.CharField(_("购买方名称"), max_length=100)
    buyer_tax_number = models.CharField(_("购买方纳税人识别号"), max_length=18, blank=True, default="")
    email = models.CharField(_("接收邮箱"), max_length=254, blank=True, default="")
    gross = models.DecimalField(_("价税合计"), max_digits=14, decimal_places=2)
    net = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    tax = models.DecimalField(_("税额"), max_digits=14, decimal_places=2)
    rate = models.DecimalField(_("税率"), max_digits=5, decimal_places=4)
    number = models.CharField(_("发票号码"), max_length=20, blank=True, default="")
    verification_code = models.CharField(_("校验码"), max_length=20, blank=True, default="")
    provider = models.CharField(_("开票渠道"), max_length=20, blank=True, default="")
    # The idempotency key sent to the issuer ("GC<id>"), saved when a worker claims the invoice:
    # every attempt, and a retry after a crash, sends the same one.
    issue_key = models.CharField(_("开票流水号"), max_length=40, blank=True, default="", db_default="")
    reason = models.CharField(_("冲红原因"), max_length=200, blank=True, default="")
    attempts = models.PositiveIntegerField(_("开具次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次开具"), db_index=True)
    last_error = models.CharField(_("最近失败原因"), max_length=300, blank=True, default="")
    issued_at = models.DateTimeField(_("开票时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("电子发票")
        verbose_name_plural = _("电子发票")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"], condition=Q(kind="blue", payment__isnull=False), name="invoice_once_per_payment"
            ),
            models.UniqueConstraint(
                fields=["bill"], condition=Q(kind="blue", bill__isnull=False), name="invoice_once_per_bill"
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="invoice_number_unique"),
            models.CheckConstraint(condition=Q(gross=F("net") + F("tax")), name="invoice_gross_is_net_plus_tax"),
            models.CheckConstraint(
                condition=Q(kind="blue", gross__gt=0, original__isnull=True)
                | Q(kind="red", gross__lt=0, original__isnull=False),
                name="invoice_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class InvoiceEvent(Event):
    class Type(models.TextChoices):
        QUEUED = "queued", _("待开具")
        ISSUED = "issued", _("已开具")
        RETRY = "retry", _("开具失败，稍后重试")
        FAILED = "failed", _("开具失败")
        REQUEUED = "requeued", _("重新开具")
        RED_QUEUED = "red_queued", _("申请冲红")
        CANCELLED = "cancelled", _("无需开具")
        SENT = "sent", _("已发送")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.type}"


class TitleEvent(Event):
    class Type(models.TextChoices):
        SET = "set", _("设置发票抬头")
        CHANGED = "changed", _("修改发票抬头")

    title = models.ForeignKey(InvoiceTitle, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    def __str__(self) -> str:
        return f"{self.title_id} {self.type}"
