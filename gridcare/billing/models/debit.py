"""Bank auto-debit (银行代扣): agreements and the batches sent to and returned by the bank."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
